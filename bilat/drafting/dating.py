"""Date expressions in a sentence, found by regular expressions before anything is parsed, and
read through ``bilat.dates.DateNormalizer`` (which memoizes dateparser) against the document's
publication date, exactly as the build will read them once the draft is accepted."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from bilat.dates import DateError, DateNormalizer, NormalizedDate, publication_conflict
from bilat.edtf import Bounds, format_interval, parse_edtf

_MONTH = (
    "(?:" + "|".join([*calendar.month_name[1:], "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept?", "Oct", "Nov", "Dec"]) + r")\.?"
)
_WEEKDAY = "(?:" + "|".join(calendar.day_name) + ")"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_COUNT = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_CANDIDATES = re.compile(
    "|".join(
        [
            rf"(?P<partial>\b(?:early|mid|late|the end of|end|the beginning of|the start of|the (?:first|second) half of)[-\s]{_YEAR}\b)",
            # (?i:...): a relative date often opens its sentence ("Last month, ...").
            rf"(?P<relative>(?i:\b(?:(?:on|last|next|this|coming)\s+)?{_WEEKDAY}\b(?!\s+\d)"
            rf"|\b(?:(?:earlier|later|early|late|mid)[- ]?\s*)?(?:last|this|next|past|previous|coming)\s+(?:week|month|year)\b"
            rf"|\b(?:yesterday|today|tomorrow)\b"
            rf"|\b(?:in\s+)?(?-i:{_MONTH})\s+(?:of\s+)?(?:last|this|next)\s+year\b"
            rf"|\b(?:last|next|this)\s+(?-i:{_MONTH})(?!\s+\d)"
            rf"|\b{_COUNT}\s+(?:days?|weeks?|months?|years?)\s+ago\b))",
            rf"(?P<day>\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+{_YEAR})?\b|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?\b(?!\s*[-–]))",
            rf"(?P<month>\b{_MONTH},?\s+{_YEAR}\b)",
            rf"(?P<in_month>\b(?:in|In|of|late|early|mid|Late|Early|Mid)[- ](?P<bare>{_MONTH})\b(?!\s+\d))",
            rf"(?P<span>\b{_YEAR}\s*[-–]\s*\d{{2}}(?:\d{{2}})?\b)",
            r"(?P<decade>\b(?:the\s+)?\d{3}0s\b)",
            rf"(?P<year>(?<![/\-\w.]){_YEAR}(?![/\w]|-\d))",
        ]
    )
)
_NOT_THE_EVENT_DATE = re.compile(
    r"(?:\b(?:since|until|till|by|before|after|from|through|between|and|than|to|a|an|its|their|his|her)\s+|[-/])$", re.IGNORECASE
)
"""What before a date makes it something other than the date of the act: a bound ("since 2017"),
part of a span, or a modifier of a noun ("a 2017 law")."""
_MODIFIES_A_NOUN = re.compile(
    r"\s+(?!(?:on|in|to|for|and|or|by|with|from|at|when|after|before|as|but|that|which|who|was|were|is|are|had|has|have|the|a|an|"
    r"its|his|her|their|under|over|during|until|since|while|because|if|he|she|it|they|we|not|no|also|this|then|only|than|through|"
    r"against|of|into|onwards|alone|itself)\b)[a-z][a-z-]+"
)
"""A year followed by a lower-case word that is not a function word ("a landmark 1987 arms control treaty")."""
_PARTIAL_YEAR = re.compile(
    rf"(?P<which>early|mid|late|the end of|end|the beginning of|the start of|the first half of|the second half of)[-\s](?P<year>{_YEAR})"
)


@dataclass(frozen=True)
class DateMention:
    text: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Dating:
    """How a draft is dated: ``date_text`` read as ``normalized``, or bounds with their reason."""

    date_text: str | None
    normalized: NormalizedDate | None
    date_bounds: str | None
    date_reason: str | None
    cue: str


def find_dates(text: str, start: int, end: int) -> list[DateMention]:
    found = []
    for match in _CANDIDATES.finditer(text, start, end):
        kind = match.lastgroup or "year"
        at, until = match.span("bare") if kind == "in_month" else match.span()
        before = text[max(start, at - 12) : at]
        if kind not in ("partial", "decade") and _NOT_THE_EVENT_DATE.search(before):
            continue
        if kind == "year" and _MODIFIES_A_NOUN.match(text, until, end):
            continue
        found.append(DateMention(text[at:until].strip(), at, until, "month" if kind == "in_month" else kind))
    return found


def read_date(mention: DateMention, published: Bounds, forward: bool, normalizer: DateNormalizer) -> Dating | str:
    """The mention as the build would read it, or why it cannot stand as the event's date."""
    if mention.kind == "partial":
        part = _PARTIAL_YEAR.fullmatch(mention.text)
        year = part["year"]
        bounds = {"the first half of": f"{year}-01/{year}-06", "the second half of": f"{year}-07/{year}-12"}.get(part["which"], year)
        reason = f"The text says {mention.text!r}; the date is bounded to {bounds}, no finer than the text"
        bounds, clipped = _within_publication(bounds, published, forward)
        if bounds is None:
            return f"{mention.text!r} lies on the wrong side of publication"
        reason += f", and by publication to {bounds}." if clipped else "."
        return Dating(None, None, bounds, reason, f"date {mention.text!r} read as {bounds} (date_bounds)")
    text = mention.text
    try:
        normalized = normalizer.from_text(text, published, forward)
    except DateError as err:
        return str(err)
    if conflict := publication_conflict(normalized, published, forward):
        return conflict
    how = {"stated": "as written", "year_inferred": "year from the publication date", "relative": "relative to the publication date"}
    return Dating(
        text, normalized, None, None, f"date {text!r} read as {normalized.edtf} ({how.get(normalized.basis.value, normalized.basis.value)})"
    )


def _within_publication(edtf: str, published: Bounds, forward: bool) -> tuple[str | None, bool]:
    """Coder's bounds cut to the side of publication the event lies on (CODEBOOK.md, section 5):
    the bounds, or None when nothing is left, and whether they were cut."""
    bounds = parse_edtf(edtf)
    start, end = bounds.start, bounds.end
    if forward and published.start is not None and start < published.start:
        start = published.start
    if not forward and published.end is not None and end > published.end:
        end = published.end
    if start > end:
        return None, True
    if (start, end) == (bounds.start, bounds.end):
        return edtf, False
    return format_interval(start.isoformat(), end.isoformat()), True


def undated(published: Bounds, forward: bool, why: str) -> Dating:
    """Bounds from the publication date alone, for an act the text does not date."""
    if forward:
        start = str(published.start) if published.start else None
        bounds = format_interval(start, None)
        reason = f"{why}; a planned event lies after publication ({start or 'unknown'})."
    else:
        end = str(published.end) if published.end else None
        bounds = format_interval(None, end)
        reason = f"{why}; it took place before publication ({end or 'unknown'})."
    return Dating(None, None, bounds, reason, f"no date for it in the text: bounds {bounds} from the publication date")
