"""Turn a date as the document writes it into EDTF, a precision, inclusive bounds and a basis.

dateparser reads the text. Its ``period`` says how precise the text is and its ``parts`` say
which of year, month and day the text itself gave; whatever dateparser filled in is thrown
away. A missing year is inferred from the document's publication date (never from today),
and only when every publication date the document's bounds allow gives the same year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from dateparser.date import DateDataParser

from bilat.edtf import Bounds, Precision, calendar_bounds, format_date, format_interval, parse_edtf


class DateBasis(StrEnum):
    stated = "stated"
    year_inferred = "year_inferred"
    coder = "coder"


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


_PRECISION_OF_PERIOD = {"day": Precision.day, "time": Precision.day, "month": Precision.month, "year": Precision.year}
_DECADE = re.compile(r"(?:the\s+)?(?P<decade>\d{3}0)s", re.IGNORECASE)
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


class DateNormalizer:
    """Holds dateparser's parsers and a memo of answers; make one per build."""

    def __init__(self, language: str = "en"):
        self.language = language
        self._parsers: dict[dt.datetime, DateDataParser] = {}
        self._memo: dict[tuple, tuple[int | None, int | None, int | None] | None] = {}

    def _read(self, text: str, base: dt.datetime) -> tuple[int | None, int | None, int | None] | None:
        """(year, month, day) that the text gives, each None when the text does not give it."""
        key = (text, base)
        if key not in self._memo:
            parser = self._parsers.get(base)
            if parser is None:
                parser = self._parsers[base] = DateDataParser(
                    languages=[self.language], settings={"RELATIVE_BASE": base, "PARSERS": ["absolute-time"]}
                )
            data = parser.get_date_data(text)
            if data.date_obj is None or data.period not in _PRECISION_OF_PERIOD:
                self._memo[key] = None
            else:
                parts, obj = set(data.parts), data.date_obj
                # A weekday ("Tuesday") fills every part from the anchor; probing two anchors exposes it.
                self._memo[key] = (
                    obj.year if "year" in parts else None,
                    obj.month if "month" in parts and data.period != "year" else None,
                    obj.day if "day" in parts and data.period in ("day", "time") else None,
                )
        return self._memo[key]

    def _single(self, text: str, published: Bounds, forward: bool) -> _Single:
        readings = [self._read(text, base) for base in _PROBE_BASES]
        if None in readings:
            raise DateError(f"dateparser cannot read {text!r} as a calendar date; give date_bounds and date_reason")
        given = set(readings)
        if len(given) > 1:
            raise DateError(f"{text!r} is relative to some other date; give date_bounds and date_reason")
        year, month, day = given.pop()
        if year is not None:
            return _Single(year, month, day, inferred=False)
        if month is None:
            raise DateError(f"{text!r} gives neither a year nor a month")
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
        if decade := _DECADE.fullmatch(text.strip()):
            first = int(decade["decade"])
            edtf = format_interval(str(first), str(first + 9))
            return NormalizedDate(edtf, Precision.range, dt.date(first, 1, 1), dt.date(first + 9, 12, 31), DateBasis.stated)
        try:
            single = self._single(text, published, forward)
        except DateError:
            split = _RANGE.fullmatch(text.strip())
            if not split:
                raise
            try:
                first, last = self._range_ends(split["first"].strip(), split["last"].strip(), published, forward)
            except DateError:
                raise DateError(f"dateparser cannot read {text!r} as a date or a range; give date_bounds and date_reason") from None
            if first.bounds[0] > last.bounds[1]:
                raise DateError(f"the range {text!r} ends before it starts") from None
            basis = DateBasis.year_inferred if first.inferred or last.inferred else DateBasis.stated
            edtf = format_interval(first.edtf, last.edtf)
            return NormalizedDate(edtf, Precision.range, first.bounds[0], last.bounds[1], basis, _inference_note(basis, published))
        basis = DateBasis.year_inferred if single.inferred else DateBasis.stated
        start, end = single.bounds
        return NormalizedDate(single.edtf, single.precision, start, end, basis, _inference_note(basis, published))

    def _range_ends(self, first_text: str, last_text: str, published: Bounds, forward: bool) -> tuple[_Single, _Single]:
        """Both ends of a range; a short or year-less end borrows from the other ("1980-88", "June to August 2010")."""
        if re.fullmatch(r"\d{4}", first_text) and re.fullmatch(r"\d{2}", last_text):
            first_year = int(first_text)
            last_year = first_year // 100 * 100 + int(last_text)
            last_year += 100 if last_year < first_year else 0
            return _Single(first_year, None, None, False), _Single(last_year, None, None, False)
        first = self._single(first_text, published, forward)
        if re.fullmatch(r"\d{1,2}", last_text) and first.precision == Precision.day:
            return first, _Single(first.year, first.month, int(last_text), first.inferred)
        last = self._single(last_text, published, forward)
        if first.inferred and not last.inferred:
            first_year = last.year if (first.month, first.day or 1) <= (last.month or 12, last.day or 31) else last.year - 1
            first = _Single(first_year, first.month, first.day, False)
        return first, last


def _nearest_year(month: int, day: int | None, anchor: dt.date, forward: bool) -> int:
    """The latest year in which (month, day) starts on or before ``anchor``; for a forward-looking
    event, the earliest year in which it ends on or after ``anchor``."""
    year = anchor.year + (-1 if forward else 1)
    step = 1 if forward else -1
    while True:
        try:
            start, end = calendar_bounds(year, month, day)
        except ValueError:  # 29 February in a common year
            year += step
            continue
        if (end >= anchor) if forward else (start <= anchor):
            return year
        year += step


def _inference_note(basis: DateBasis, published: Bounds) -> str | None:
    if basis != DateBasis.year_inferred:
        return None
    span = str(published.start) if published.start == published.end else format_interval(str(published.start), str(published.end))
    return f"year inferred from the publication date {span}"


def from_bounds(edtf: str, reason: str) -> NormalizedDate:
    bounds = parse_edtf(edtf)
    return NormalizedDate(edtf, bounds.precision, bounds.start, bounds.end, DateBasis.coder, reason)


def publication_conflict(date: NormalizedDate, published: Bounds, forward: bool) -> str | None:
    """Why the date cannot be right given when its document was published, or None."""
    if forward and date.end is not None and published.start is not None and date.end < published.start:
        return f"a planned event dated {date.edtf} ends before its document was published ({published.start})"
    if not forward and date.start is not None and published.end is not None and date.start > published.end:
        return f"an event dated {date.edtf} starts after its document was published ({published.end})"
    return None
