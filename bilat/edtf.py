"""The small subset of EDTF (ISO 8601-2) that bilat reads and writes.

A date is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; an interval is ``date/date`` where either
side may be ``..`` (open). Each is turned into inclusive calendar bounds: a month covers the
whole month, a year the whole year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

_DATE = re.compile(r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?")


class Precision(StrEnum):
    day = "day"
    month = "month"
    year = "year"
    range = "range"
    unknown = "unknown"


@dataclass(frozen=True)
class Bounds:
    """Inclusive bounds; None means open (unknown) on that side. ``../..`` is wholly unknown."""

    start: dt.date | None
    end: dt.date | None
    precision: Precision


def calendar_bounds(year: int, month: int | None = None, day: int | None = None) -> tuple[dt.date, dt.date]:
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day), dt.date(year, month, day)


def format_date(year: int, month: int | None = None, day: int | None = None) -> str:
    parts = [f"{year:04d}"] + [f"{p:02d}" for p in (month, day) if p is not None]
    return "-".join(parts)


def _parse_single(text: str) -> Bounds:
    match = _DATE.fullmatch(text)
    if not match:
        digits = "; write its digits as 0-9" if any(c.isdigit() and not c.isascii() for c in text) else ""
        raise ValueError(f"{text!r} is not an EDTF date (YYYY, YYYY-MM or YYYY-MM-DD){digits}")
    year, month, day = (int(v) if v else None for v in match.group("year", "month", "day"))
    try:
        start, end = calendar_bounds(year, month, day)
    except ValueError as err:
        raise ValueError(f"{text!r} is not a calendar date: {err}") from None
    precision = Precision.day if day else Precision.month if month else Precision.year
    return Bounds(start, end, precision)


def parse_edtf(text: str) -> Bounds:
    """Bounds of an EDTF date or interval; ValueError with a readable reason otherwise."""
    if "/" not in text:
        return _parse_single(text)
    left, sep, right = text.partition("/")
    if "/" in right:
        raise ValueError(f"{text!r} has more than one '/'")
    start = None if left == ".." else _parse_single(left).start
    end = None if right == ".." else _parse_single(right).end
    if start is not None and end is not None and start > end:
        raise ValueError(f"{text!r} ends before it starts")
    return Bounds(start, end, Precision.range if start and end else Precision.unknown)


def format_interval(start: str | None, end: str | None) -> str:
    return f"{start or '..'}/{end or '..'}"


def intersection(a: tuple, b: tuple) -> tuple | None:
    """What two inclusive spans (start, end) share, None on a side being open; None when they share nothing.
    The sides may be days or anything else that orders (ordinals)."""
    start = max((side for side in (a[0], b[0]) if side is not None), default=None)
    end = min((side for side in (a[1], b[1]) if side is not None), default=None)
    return None if start is not None and end is not None and start > end else (start, end)


def overlap(a: tuple, b: tuple) -> bool:
    """Whether two inclusive spans, each perhaps open on a side, share a day."""
    return intersection(a, b) is not None
