"""Turn a date as the document writes it into EDTF, a precision, inclusive bounds and a basis.

dateparser reads the text. Its ``period`` says how precise the text is and its ``parts`` say
which of year, month and day the text itself gave; whatever dateparser filled in is thrown
away. A missing year is inferred from the document's publication date (never from today),
and only when every publication date the document's bounds allow gives the same year.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import functools
import os
import re
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

from dateparser.data.languages_info import language_locale_dict
from dateparser.date import DateDataParser
from dateparser.languages.loader import default_loader

from bilat.edtf import Bounds, Precision, calendar_bounds, format_date, format_interval, parse_edtf
from bilat.workers import worker_pool


class DateBasis(StrEnum):
    stated = "stated"
    year_inferred = "year_inferred"
    relative = "relative"
    coder = "coder"
    sources = "sources"
    """The bounds that several documents' dates agree on (see ``normalize.agreed_date``)."""


@dataclass(frozen=True)
class NormalizedDate:
    edtf: str
    precision: Precision
    start: dt.date | None
    end: dt.date | None
    basis: DateBasis
    note: str | None = None


class DateError(ValueError):
    """The text cannot honestly be turned into a date; the message tells the coder what to do."""


_PERIODS = frozenset({"day", "time", "month", "year"})
"""dateparser periods bilat accepts; "time" is kept to the day."""
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_TIMESTAMP = re.compile(r"(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:Z|[+-][0-9:]{2,5})?")
_NUMERIC_DATE = re.compile(r"(?P<first>[0-9]{1,2})(?P<sep>[./-])(?P<second>[0-9]{1,2})(?P=sep)[0-9]{2,4}")
_DECADE = re.compile(r"(?:the\s+)?(?P<decade>[0-9]{3}0)s", re.IGNORECASE)
_RANGE = re.compile(
    r"(?:from\s+|between\s+)?(?P<first>.+?)\s*(?:[-–—]|\bto\b|\buntil\b|\bthrough\b|\band\b)\s*(?P<last>\S.*)",
    re.IGNORECASE,
)
# Two far-apart anchors: a date that comes out differently under them depends on the anchor.
_PROBE_BASES = (dt.datetime(1901, 3, 3), dt.datetime(2089, 9, 9))


@dataclass(frozen=True)
class _Single:
    year: int
    month: int | None
    day: int | None
    inferred: bool

    @property
    def precision(self) -> Precision:
        return Precision.day if self.day else Precision.month if self.month else Precision.year

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        return calendar_bounds(self.year, self.month, self.day)

    @property
    def edtf(self) -> str:
        return format_date(self.year, self.month, self.day)


Reading = tuple[int | None, int | None, int | None] | None
"""(year, month, day) as far as a text gives them, or None when dateparser cannot read it."""


class DateNormalizer:
    """Reads dates in one language; holds dateparser's parsers and a memo of its readings, by
    (text, probe anchor). Make one per build; ``readings`` may carry the memo of an earlier run
    with the same dateparser."""

    def __init__(self, language: str = "en", readings: dict[tuple[str, int], Reading] | None = None):
        self.language = language
        self._parsers: dict[int, DateDataParser] = {}
        self.readings: dict[tuple[str, int], Reading] = {} if readings is None else readings

    def _read(self, text: str, probe: int) -> Reading:
        """(year, month, day) that the text gives, each None when the text does not give it."""
        key = (text, probe)
        if key not in self.readings:
            parser = self._parsers.get(probe)
            if parser is None:
                parser = self._parsers[probe] = DateDataParser(
                    languages=[self.language], settings={"RELATIVE_BASE": _PROBE_BASES[probe], "PARSERS": ["absolute-time"]}
                )
            data = parser.get_date_data(text)
            if data.date_obj is None or data.period not in _PERIODS:
                self.readings[key] = None
            else:
                parts, obj = set(data.parts), data.date_obj
                # A weekday ("Tuesday") fills every part from the anchor; probing two anchors exposes it.
                self.readings[key] = (
                    obj.year if "year" in parts else None,
                    obj.month if "month" in parts and data.period != "year" else None,
                    obj.day if "day" in parts and data.period in ("day", "time") else None,
                )
        return self.readings[key]

    def _given(self, text: str) -> tuple[int | None, int | None, int | None]:
        """(year, month, day) as far as the text itself gives them."""
        numeric = _NUMERIC_DATE.fullmatch(text)
        day_or_month = {int(numeric["first"]), int(numeric["second"])} if numeric else set()
        if len(day_or_month) == 2 and max(day_or_month) <= 12 and not _one_date_order(self.language):
            raise DateError(
                f"{text!r} reads as day-month-year and as month-day-year, and {self.language!r} is written both ways; "
                "give date_bounds and date_reason, or write the month as a word"
            )
        given = self._read(text, 0)
        if given is None:
            raise DateError(f"dateparser cannot read {text!r} as a calendar date; give date_bounds and date_reason")
        # A year the text spells out, or no year at all, cannot have come from the anchor;
        # anything else ("Tuesday") is read again against a far-away anchor to find out.
        if given[0] is not None and str(given[0]) not in text and self._read(text, 1) != given:
            raise DateError(f"{text!r} is relative to some other date; give date_bounds and date_reason")
        if given[0] is None and (given[1] is None or not re.search(r"[^\W\d_]", text)):
            raise DateError(f"{text!r} gives no year and no month name; give date_bounds and date_reason")
        return given

    def _with_year(self, text: str, given: tuple[int | None, int | None, int | None], published: Bounds, forward: bool) -> _Single:
        """The date, its year inferred from the publication date when the text gives none."""
        year, month, day = given
        if year is not None:
            return _Single(year, month, day, inferred=False)
        if published.start is None or published.end is None:
            raise DateError(
                f"{text!r} has no year and the publication date is open-ended, so no year can be inferred; give date_bounds and date_reason"
            )
        years = {_nearest_year(month, day, anchor, forward) for anchor in (published.start, published.end)}
        if len(years) > 1:
            raise DateError(
                f"{text!r} has no year, and the publication dates {format_interval(str(published.start), str(published.end))} "
                f"allow more than one year for it ({' or '.join(map(str, sorted(years)))}); give date_bounds and date_reason"
            )
        return _Single(years.pop(), month, day, inferred=True)

    def from_text(self, text: str, published: Bounds, forward: bool) -> NormalizedDate:
        """Normalize ``date_text``; ``forward`` for a planned event, whose year is looked for ahead."""
        text = text.strip()
        if self.language == "en" and (relative := _relative_phrase(text)) is not None:
            return _resolve_relative(text, relative, published, forward)
        if timestamp := _ISO_TIMESTAMP.fullmatch(text):
            text = timestamp["day"]  # the day it names, in its own time zone
        if decade := _DECADE.fullmatch(text):
            first = int(decade["decade"])
            edtf = format_interval(str(first), str(first + 9))
            return NormalizedDate(edtf, Precision.range, dt.date(first, 1, 1), dt.date(first + 9, 12, 31), DateBasis.stated)
        split = None if _ISO_DATE.fullmatch(text) else _RANGE.fullmatch(text)
        if split:
            # Read as a range or not at all: dateparser reads "June 10-12" as 10 June 2012.
            return self._range(split["first"].strip(), split["last"].strip(), published, forward, text)
        single = self._with_year(text, self._given(text), published, forward)
        basis = DateBasis.year_inferred if single.inferred else DateBasis.stated
        start, end = single.bounds
        return NormalizedDate(single.edtf, single.precision, start, end, basis, _inference_note(basis, published))

    def _range(self, first_text: str, last_text: str, published: Bounds, forward: bool, whole: str) -> NormalizedDate:
        try:
            first, last = self._range_ends(first_text, last_text, published, forward)
            (start, _), (_, end) = first.bounds, last.bounds
        except (DateError, ValueError):
            raise DateError(f"dateparser cannot read {whole!r} as a date or a range; give date_bounds and date_reason") from None
        if start > end:
            raise DateError(f"the range {whole!r} ends before it starts")
        basis = DateBasis.year_inferred if first.inferred or last.inferred else DateBasis.stated
        edtf = format_interval(first.edtf, last.edtf)
        return NormalizedDate(edtf, Precision.range, start, end, basis, _inference_note(basis, published))

    def _range_ends(self, first_text: str, last_text: str, published: Bounds, forward: bool) -> tuple[_Single, _Single]:
        """Both ends of a range. A short end borrows from the other ("1980-88", "June 10-12",
        "3-5 March 2019"), and a year-less first end takes the last end's year ("June to August 2010")."""
        if re.fullmatch(r"[0-9]{4}", first_text) and re.fullmatch(r"[0-9]{2}", last_text):
            first_year = int(first_text)
            last_year = first_year // 100 * 100 + int(last_text)
            last_year += 100 if last_year < first_year else 0
            return _Single(first_year, None, None, False), _Single(last_year, None, None, False)
        if re.fullmatch(r"[0-9]{1,2}", last_text):
            first_given = self._given(first_text)
            last_given = (*first_given[:2], int(last_text))
            _require_day(first_given, first_text)
        elif re.fullmatch(r"[0-9]{1,2}", first_text):
            last_given = self._given(last_text)
            first_given = (*last_given[:2], int(first_text))
            _require_day(last_given, last_text)
        else:
            first_given, last_given = self._given(first_text), self._given(last_text)
        if first_given[0] is None and last_given[0] is None:
            # The end that must lie on the right side of publication anchors the inference.
            if forward:
                last = self._with_year(last_text, last_given, published, forward)
                return _borrow_year(first_given, last, before=True), last
            first = self._with_year(first_text, first_given, published, forward)
            return first, _borrow_year(last_given, first, before=False)
        if first_given[0] is None:
            last = _Single(*last_given, inferred=False)
            return _borrow_year(first_given, last, before=True), last
        first = _Single(*first_given, inferred=False)
        if last_given[0] is None:
            return first, _borrow_year(last_given, first, before=False)
        return first, _Single(*last_given, inferred=False)


class DateReader:
    """dateparser's readings of the date texts handed to ``add``, made by worker processes while
    the caller goes on (loading the rest of the tree, say); ``normalizers`` waits for them. Each
    distinct text is read once, wherever: a reading depends on the text alone. With one core, or
    few texts, nothing is read ahead and the normalizers read texts as they meet them."""

    PARALLEL_FROM = 1000
    """Distinct texts; for fewer, starting workers costs more than it saves."""
    BATCH = 500
    """Texts handed to a worker at a time."""

    def __init__(self) -> None:
        self._workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None
        self._seen: set[tuple[str, str]] = set()
        self._batch: dict[str, list[str]] = {}
        self._pending: list[tuple[str, Future]] = []

    def __enter__(self) -> DateReader:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def add(self, language: str, texts: Iterable[str]) -> None:
        if self._workers < 2:
            return
        for text in texts:
            if (language, text) not in self._seen:
                self._seen.add((language, text))
                self._batch.setdefault(language, []).append(text)
        if self._pool is None and len(self._seen) >= self.PARALLEL_FROM:
            self._pool = worker_pool(self._workers)
        if self._pool is not None and sum(map(len, self._batch.values())) >= self.BATCH:
            self._hand_out()

    def normalizers(self) -> dict[str, DateNormalizer]:
        """A normalizer per language, its memo holding every reading made ahead (none for a small tree)."""
        if self._pool is not None:
            self._hand_out()
        normalizers: dict[str, DateNormalizer] = {}
        for language, readings in self._pending:
            normalizers.setdefault(language, DateNormalizer(language)).readings.update(readings.result())
        self._pending = []
        return normalizers

    def _hand_out(self) -> None:
        for language, texts in self._batch.items():
            self._pending.append((language, self._pool.submit(_readings, language, texts)))
        self._batch = {}


def _readings(language: str, texts: list[str]) -> dict[tuple[str, int], Reading]:
    """What dateparser reads in each text, as ``from_text`` asks it (the publication date only
    guides year inference, which reads nothing)."""
    normalizer = DateNormalizer(language)
    anywhen = Bounds(dt.date(2000, 1, 1), dt.date(2000, 1, 1), Precision.day)
    for text in texts:
        with contextlib.suppress(DateError):  # the coding reports it, in its place
            normalizer.from_text(text, anywhen, forward=False)
    return normalizer.readings


@functools.cache
def _one_date_order(language: str) -> bool:
    """Whether dateparser's locales of ``language`` all order day, month and year the same way."""
    codes = [language, *language_locale_dict.get(language, ())]
    return len({default_loader.get_locale(code).info["date_order"] for code in codes}) == 1


def _borrow_year(given: tuple[int | None, int | None, int | None], other: _Single, before: bool) -> _Single:
    """A year-less end of a range, in the year that puts it just before (or after) the other end."""
    _, month, day = given
    if month is None:
        raise DateError("a range end gives neither a year nor a month")
    if before:
        year = other.year if (month, day or 1) <= (other.month or 12, other.day or 31) else other.year - 1
    else:
        year = other.year if (month, day or 31) >= (other.month or 1, other.day or 1) else other.year + 1
    return _Single(year, month, day, other.inferred)


def _require_day(given: tuple[int | None, int | None, int | None], text: str) -> None:
    if given[2] is None:
        raise DateError(f"{text!r} has no day for a day range to share")


def _nearest_year(month: int, day: int | None, anchor: dt.date, forward: bool) -> int:
    """The latest year in which (month, day) starts on or before ``anchor``; for a forward-looking
    event, the earliest year in which it ends on or after ``anchor``."""
    try:
        calendar_bounds(2000, month, day)  # a leap year: any day that exists at all exists in it
    except ValueError:
        raise DateError(f"there is no day {day} in month {month}") from None
    step = 1 if forward else -1
    for offset in range(-1, 8):  # 29 February recurs within eight years
        year = anchor.year + step * offset
        try:
            start, end = calendar_bounds(year, month, day)
        except ValueError:  # 29 February in a common year, or a year outside 1-9999
            continue
        if (end >= anchor) if forward else (start <= anchor):
            return year
    raise DateError(f"no year near the publication date {anchor} fits month {month}, day {day}")


def _inference_note(basis: DateBasis, published: Bounds) -> str | None:
    if basis != DateBasis.year_inferred:
        return None
    span = str(published.start) if published.start == published.end else format_interval(str(published.start), str(published.end))
    return f"year inferred from the publication date {span}"


def from_bounds(edtf: str, reason: str) -> NormalizedDate:
    bounds = parse_edtf(edtf)
    return NormalizedDate(edtf, bounds.precision, bounds.start, bounds.end, DateBasis.coder, reason)


def publication_conflict(date: NormalizedDate, published: Bounds, forward: bool) -> str | None:
    """Why the date cannot be right given when its document was published, or None. A date
    read from the text need only overlap the possible span; the coder's bounds must lie in it."""
    if forward:
        if date.end is not None and published.start is not None and date.end < published.start:
            return f"a planned event dated {date.edtf} ends before its document was published ({published.start})"
        if date.basis == DateBasis.coder and published.start is not None and (date.start is None or date.start < published.start):
            return f"a planned event's bounds {date.edtf} must start no earlier than publication ({published.start})"
        return None
    if date.start is not None and published.end is not None and date.start > published.end:
        return f"an event dated {date.edtf} starts after its document was published ({published.end})"
    if date.basis == DateBasis.coder and published.end is not None and (date.end is None or date.end > published.end):
        return f"the bounds {date.edtf} of a past event must end no later than publication ({published.end})"
    return None


# Relative dates ("last month", "on Thursday", "in June last year"), resolved against the
# publication date. Each reading is a whole period (a day, a week, a month, a year) or a stretch
# of one up to or from publication ("earlier this year"); none is sharper than the text.

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
           "eleven": 11, "twelve": 12}  # fmt: skip
_UNIT_DAYS = {"day": 1, "week": 7, "month": 31, "year": 366}
"""How long a period recurs: a publication span longer than this allows readings that share nothing."""
_OFFSETS = {"last": -1, "previous": -1, "past": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
_SIMPLE_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_QUALIFIED = re.compile(
    r"(?:(?P<part>earlier|later)\s+|(?:early|mid|late)[- ]+)?"
    r"(?P<which>last|previous|past|this|current|next|coming)\s+(?P<unit>week|month|year)"
)
_WEEKDAY = re.compile(rf"(?:(?P<which>last|this|next|coming)\s+)?(?P<weekday>{'|'.join(_WEEKDAYS)})")
_AGO = re.compile(r"(?P<count>\d{1,2}|[a-z]+)\s+(?P<unit>day|week|month|year)s?\s+ago")
_MONTH_OF_YEAR = re.compile(rf"(?P<month>{'|'.join(_MONTHS)})\.?(?:\s+of)?\s+(?P<which>last|this|next)\s+year")
_WHICH_MONTH = re.compile(rf"(?P<which>last|this|next|coming)\s+(?P<month>{'|'.join(_MONTHS)})")


@dataclass(frozen=True)
class _Relative:
    """A relative date as the text gives it: ``kind`` names the reading, ``period`` how long it recurs."""

    kind: str
    period: int
    offset: int = 0
    target: int = 0
    part: str | None = None


@dataclass(frozen=True)
class _Period:
    start: dt.date
    end: dt.date
    first: str
    last: str
    precision: Precision


def _relative_phrase(text: str) -> _Relative | None:
    """What a relative date text says, or None when it is not one bilat resolves."""
    phrase = " ".join(text.lower().replace("-", " ").split())
    phrase = re.sub(r"^(?:on|in|during)\s+(?:the\s+)?", "", phrase)
    if phrase in _SIMPLE_DAYS:
        return _Relative("day", 1, offset=_SIMPLE_DAYS[phrase])
    if match := _QUALIFIED.fullmatch(phrase):
        part = match["part"] if match["which"] in ("this", "current") else None
        if match["part"] and part is None:
            return None  # "earlier last year": the whole of last year would read more into it than it says
        return _Relative(match["unit"], _UNIT_DAYS[match["unit"]], offset=_OFFSETS[match["which"]], part=part)
    if match := _WEEKDAY.fullmatch(phrase):
        return _Relative("weekday", 7, target=_WEEKDAYS.index(match["weekday"]), part=match["which"] or "nearest")
    if match := _AGO.fullmatch(phrase):
        count = int(match["count"]) if match["count"].isdigit() else _COUNTS.get(match["count"])
        if not count:
            return None
        return _Relative(match["unit"], _UNIT_DAYS[match["unit"]], offset=-count)
    if match := _MONTH_OF_YEAR.fullmatch(phrase):
        return _Relative("month_of_year", 366, offset=_OFFSETS[match["which"]], target=_MONTHS[match["month"]])
    if match := _WHICH_MONTH.fullmatch(phrase):
        return _Relative("named_month", 366, offset=_OFFSETS[match["which"]], target=_MONTHS[match["month"]])
    return None


def _shift_month(year: int, month: int, offset: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + offset
    return index // 12, index % 12 + 1


def _month(year: int, month: int) -> _Period:
    start, end = calendar_bounds(year, month)
    return _Period(start, end, format_date(year, month), format_date(year, month), Precision.month)


def _days(start: dt.date, end: dt.date) -> _Period:
    precision = Precision.day if start == end else Precision.range
    return _Period(start, end, start.isoformat(), end.isoformat(), precision)


def _read_relative(relative: _Relative, anchor: dt.date, forward: bool) -> _Period:
    """The period ``relative`` names, read on the day ``anchor``."""
    kind, offset = relative.kind, relative.offset
    if kind == "day":
        day = anchor + dt.timedelta(days=offset)
        return _days(day, day)
    if kind == "weekday":
        back = (anchor.weekday() - relative.target) % 7
        ahead = (relative.target - anchor.weekday()) % 7
        steps = {
            "nearest": ahead if forward else -back,
            "last": -(back or 7),
            "next": ahead or 7,
            "coming": ahead or 7,
            "this": relative.target - anchor.weekday(),
        }
        day = anchor + dt.timedelta(days=steps[relative.part])
        return _days(day, day)
    if kind == "week":
        monday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(weeks=offset)
        return _days(monday, monday + dt.timedelta(days=6))
    if kind == "month":
        period = _month(*_shift_month(anchor.year, anchor.month, offset))
    elif kind == "year":
        year = anchor.year + offset
        period = _Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year), str(year), Precision.year)
    elif kind == "month_of_year":
        period = _month(anchor.year + offset, relative.target)
    else:  # named_month: the nearest such month before, in, or after the publication month
        year = anchor.year
        if offset < 0:
            year -= 1 if relative.target >= anchor.month else 0
        elif offset > 0:
            year += 1 if relative.target <= anchor.month else 0
        period = _month(year, relative.target)
    if relative.part == "earlier":
        return _days(period.start, anchor)
    if relative.part == "later":
        return _days(anchor, period.end)
    return period


def _resolve_relative(text: str, relative: _Relative, published: Bounds, forward: bool) -> NormalizedDate:
    """The date read against every publication day the document allows: one reading when they
    agree, else a range covering them all. Refused when publication is open-ended, or spans more
    than the period recurs in (readings that share nothing say nothing)."""
    if published.start is None or published.end is None:
        raise DateError(f"{text!r} is relative to the publication date, which is open-ended; give date_bounds and date_reason")
    span = format_interval(str(published.start), str(published.end)) if published.start != published.end else str(published.start)
    if (published.end - published.start).days + 1 > relative.period:
        raise DateError(
            f"{text!r} is relative to the publication date, which spans {span}: too long for it to say when; "
            "give date_bounds and date_reason"
        )
    try:
        first, last = (_read_relative(relative, anchor, forward) for anchor in (published.start, published.end))
    except (ValueError, OverflowError):
        raise DateError(f"{text!r} falls outside the calendar from the publication date {span}; give date_bounds and date_reason") from None
    note = f"relative date resolved against the publication date {span}"
    if first == last:
        return NormalizedDate(_edtf(first), first.precision, first.start, first.end, DateBasis.relative, note)
    return NormalizedDate(format_interval(first.first, last.last), Precision.range, first.start, last.end, DateBasis.relative, note)


def _edtf(period: _Period) -> str:
    return period.first if period.first == period.last else format_interval(period.first, period.last)
