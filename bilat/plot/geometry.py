"""The numbers a chart draws, from the events table alone: no drawing here.

Styles follow the models: each event type gets the next colour and marker of a fixed list (in
the order the types are defined), and each status is drawn by its phase (``Phase``: realized,
intended or reversed). A type or status with no style is an error, never drawn as another.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from bilat.models import EVENT_TYPES, Phase, statuses

PALETTE = ("#0072B2", "#009E73", "#D55E00", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
"""Okabe-Ito colours, one per event type in the order the types are defined."""
MARKERS = ("o", "s", "D", "^", "v", "p", "h")
TYPE_STYLES: dict[str, tuple[str, str]] = {
    event_type: (PALETTE[i], MARKERS[i]) for i, event_type in enumerate(EVENT_TYPES) if i < len(PALETTE)
}
"""event_type: (colour, marker)."""
REALIZED, INTENDED, REVERSED = Phase.realized.value, Phase.intended.value, Phase.reversed.value
LABEL_FIELDS = ("visitor", "agreement_title", "instrument", "item")
LABEL_WORDS = 44  # characters of the words after the type and status
EPOCH = pd.Timestamp("1970-01-01")
MIN_SPAN_DAYS = 90.0
MARGIN = 0.03  # of the span, each side, within the years shown
OPEN_ROOM = 0.06  # of the span: the least an open bar shows before the axis edge, or, where a year ends before,
OPEN_ROOM_LEAST = 0.04  # at least this much
YEAR_END_SHY = 0.5  # days: an axis kept within a year ends this much before the next, so no tick there names it
DAY_EPSILON = 1e-6  # days: an axis ending at midnight shows the day before, not the one after
FADE_STEPS = 32  # pieces of an open-ended bar, its opacity falling towards the open side
UNDATED_OPACITY = 0.25  # of a bar open at both ends


class StyleError(ValueError):
    """An event type or status that the charts have no style for."""


def type_style(event_type: str) -> tuple[str, str]:
    """(colour, marker) of an event type."""
    if event_type not in TYPE_STYLES:
        raise StyleError(f"no chart style for the event type {event_type!r}; the charts know {', '.join(TYPE_STYLES)}")
    return TYPE_STYLES[event_type]


@functools.cache
def _phases() -> dict[tuple[str, str], str]:
    return {(event_type, status.value): status.phase.value for event_type in EVENT_TYPES for status in statuses(event_type)}


def phase(event_type: str, status: str) -> str:
    """How a status of an event type is drawn: realized, intended or reversed."""
    found = _phases().get((event_type, status))
    if found is None:
        raise StyleError(f"no chart style for the status {status!r} of the event type {event_type!r}")
    return found


def phase_legend(chosen: str) -> str:
    """``realized (occurred, signed, …)``: a phase and the statuses drawn by it, in their defined order."""
    names = dict.fromkeys(status.replace("_", " ") for (_, status), found in _phases().items() if found == chosen)
    return f"{chosen} ({', '.join(names)})"


def _days(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 as floats (matplotlib's date numbers with its default epoch); NaN for NaT."""
    return ((pd.to_datetime(dates) - EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)


def event_geometry(events: pd.DataFrame) -> pd.DataFrame:
    """What the charts draw for each event, one row per input row (same index).

    ``x_start``/``x_end`` are days since 1970-01-01 (matplotlib date numbers). A day-precision
    event is a point (``is_point``) at the middle of its day, ``x_start == x_end``. Anything else
    is a bar over ``[date_start, date_end + 1 day]``; an open side is NaN with ``open_start`` or
    ``open_end`` set, and is drawn to the axis edge."""
    start, end = _days(events["date_start"]), _days(events["date_end"])
    precision = events["date_precision"].astype("string").fillna("").to_numpy(dtype=object)
    is_point = (precision == "day") & ~np.isnan(start) & (start == end)
    x_start = np.where(is_point, start + 0.5, start)
    x_end = np.where(is_point, start + 0.5, end + 1.0)
    event_type = events["event_type"].astype("string").fillna("").to_numpy(dtype=object)
    status = events["status"].astype("string").fillna("").to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "event_id": events["event_id"].astype("string").to_numpy(dtype=object),
            "event_type": event_type,
            "status": status,
            "style": [phase(t, s) for t, s in zip(event_type, status, strict=True)],
            "x_start": x_start,
            "x_end": x_end,
            "is_point": is_point,
            "open_start": np.isnan(start) & ~is_point,
            "open_end": np.isnan(end) & ~is_point,
        },
        index=events.index,
    )


def _year_start(days: float, years_later: int = 0) -> float:
    """1 January of the year that day ``days`` falls in (plus ``years_later`` years), in days."""
    year = (EPOCH + pd.Timedelta(days=float(days))).year + years_later
    return float((pd.Timestamp(year=year, month=1, day=1) - EPOCH) / pd.Timedelta(days=1))


def x_limits(geometry: pd.DataFrame) -> tuple[float, float]:
    """The x range: every known bound, at least ``MIN_SPAN_DAYS`` and one and a half times the
    longest bar wide, with a margin (``MARGIN``) that stays within the years already shown, so
    that a title stating the axis's years (``span_text``) names no year only a margin touches.
    On a side where an open bar would show less than ``OPEN_ROOM`` of the span before the axis
    edge, the axis goes that far, or only to the end of a year if one comes after
    ``OPEN_ROOM_LEAST``."""
    x_start, x_end = geometry["x_start"].to_numpy(float), geometry["x_end"].to_numpy(float)
    known = np.concatenate([x_start, x_end])
    known = known[~np.isnan(known)]
    if known.size == 0:
        known = np.array([_days(pd.Series([pd.Timestamp("2000-01-01")]))[0]])
    lo, hi = float(known.min()), float(known.max())
    longest = np.nanmax(x_end - x_start, initial=0.0)
    least = max(MIN_SPAN_DAYS, 1.5 * longest)  # a bar never fills the whole axis: its bounds stay visible
    if hi - lo < least:
        middle = (lo + hi) / 2
        lo, hi = middle - least / 2, middle + least / 2
    span = hi - lo
    lo = max(lo - MARGIN * span, _year_start(lo))
    hi = max(hi, min(hi + MARGIN * span, _year_start(hi - DAY_EPSILON, 1) - YEAR_END_SHY))
    open_start, open_end = geometry["open_start"].to_numpy(bool), geometry["open_end"].to_numpy(bool)
    ends, starts = x_end[open_start & ~np.isnan(x_end)], x_start[open_end & ~np.isnan(x_start)]
    if ends.size:  # at a year's start if one falls in the room an open bar may take
        near, far = float(ends.min()) - OPEN_ROOM_LEAST * span, float(ends.min()) - OPEN_ROOM * span
        lo = min(lo, max(far, _year_start(near)))
    if starts.size:
        near, far = float(starts.max()) + OPEN_ROOM_LEAST * span, float(starts.max()) + OPEN_ROOM * span
        hi = max(hi, min(far, _year_start(near - DAY_EPSILON, 1) - YEAR_END_SHY))
    return lo, hi


def _clean(text: Any) -> str:
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return ""
    return " ".join(str(text).split())


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def event_label(event: pd.Series) -> str:
    """``ID  date  type status: a few words`` (visitor, agreement title, instrument or item, else summary)."""
    words = next((_clean(event.get(name)) for name in LABEL_FIELDS if _clean(event.get(name))), _clean(event.get("summary")))
    date = _clean(event.get("date"))
    head = f"{event['event_id']}  {date + '  ' if date else ''}{event['event_type']} {str(event['status']).replace('_', ' ')}"
    return f"{head}: {_truncate(words, LABEL_WORDS)}" if words else head


def span_text(xlim: tuple[float, float], geometry: pd.DataFrame | None = None) -> str:
    """The years an axis covers, from its first to its last day: ``2007–2026``, or ``2010``;
    ``undated`` if ``geometry`` (the events drawn on it) has no date at all."""
    if geometry is not None and np.isnan(geometry[["x_start", "x_end"]].to_numpy(float)).all():
        return "undated"
    first, last = ((EPOCH + pd.Timedelta(days=float(v))).year for v in (xlim[0], xlim[1] - DAY_EPSILON))
    return f"{first}–{last}" if last != first else str(first)


def bar_extents(geometry: pd.DataFrame, xlim: tuple[float, float], min_width: float) -> tuple[np.ndarray, np.ndarray]:
    """Where each bar is drawn: open sides at the axis edges, at least ``min_width`` wide."""
    x0 = np.where(geometry["open_start"].to_numpy(), xlim[0], geometry["x_start"].to_numpy(float))
    x1 = np.where(geometry["open_end"].to_numpy(), xlim[1], geometry["x_end"].to_numpy(float))
    middle, narrow = (x0 + x1) / 2, (x1 - x0) < min_width
    return np.where(narrow, middle - min_width / 2, x0), np.where(narrow, middle + min_width / 2, x1)


def bar_pieces(
    x0: np.ndarray, x1: np.ndarray, open_start: np.ndarray, open_end: np.ndarray, steps: int = FADE_STEPS
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """How bars ``[x0, x1]`` are drawn: ``(owner, left, right, opacity)``, one entry per piece. A
    closed bar is one piece at full opacity. An open-ended bar is ``steps`` equal pieces whose
    opacity falls linearly to nearly nothing at its open side, so that no piece reads as a start
    (or an end); a bar open at both ends, with no date known, is pale all along
    (``UNDATED_OPACITY``), so that no part of it looks likelier than another."""
    x0, x1 = np.asarray(x0, float), np.asarray(x1, float)
    open_start, open_end = np.asarray(open_start, bool), np.asarray(open_end, bool)
    count = np.where(open_start ^ open_end, steps, 1)
    owner = np.repeat(np.arange(x0.size), count)
    k = np.arange(owner.size) - (np.cumsum(count) - count)[owner]
    n = count[owner]
    width = (x1 - x0)[owner] / n
    left = x0[owner] + k * width
    right = np.where(k == n - 1, x1[owner], x0[owner] + (k + 1) * width)  # the next piece's left, to the bit: no seam
    centre = (k + 0.5) / n  # 0 at the bar's left end, 1 at its right end
    rise = np.where(open_start[owner], centre, 1.0)
    fall = np.where(open_end[owner], 1.0 - centre, 1.0)
    opacity = np.where(open_start[owner] & open_end[owner], UNDATED_OPACITY, np.minimum(rise, fall))
    return owner, left, right, opacity


def pack_rows(
    lane: np.ndarray, left: np.ndarray, right: np.ndarray, gap: float, cap: int, lanes: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sub-rows within lanes so that no two marks of a lane overlap: ``(row of each mark, rows
    per lane, whether the lane overflows)``. Marks go, by left edge (ties in the given order),
    into the first row of their lane whose last mark ends at least ``gap`` before them, so a lane
    has as many rows as marks overlap at its most crowded moment; a lane that would need more
    than ``cap`` rows puts the rest in the row that ends first, over other marks (overflows).
    ``left`` and ``right`` are in drawn units (points), ``lane`` is 0, 1, ... (of ``lanes``, by
    default one more than the highest); an empty lane has one row."""
    lane = np.asarray(lane, dtype=np.int64)
    if lanes is None:
        lanes = int(lane.max()) + 1 if lane.size else 0
    rows = np.zeros(lane.size, dtype=np.int64)
    ends: list[list[float]] = [[] for _ in range(lanes)]
    overflow = np.zeros(lanes, dtype=bool)
    order = np.lexsort((np.arange(lane.size), np.asarray(left, float), lane))
    left, right = np.asarray(left, float), np.asarray(right, float)
    for i, lane_i, left_i, right_i in zip(order.tolist(), lane[order].tolist(), left[order].tolist(), right[order].tolist(), strict=True):
        row_ends = ends[lane_i]
        row = next((r for r, end in enumerate(row_ends) if end + gap <= left_i), None)
        if row is None and len(row_ends) < cap:
            row = len(row_ends)
            row_ends.append(right_i)
        elif row is None:
            row = row_ends.index(min(row_ends))
            row_ends[row] = max(row_ends[row], right_i)
            overflow[lane_i] = True
        else:
            row_ends[row] = right_i
        rows[i] = row
    return rows, np.array([max(len(e), 1) for e in ends], dtype=np.int64), overflow


def lane_bands(rows_per_lane: np.ndarray, pitch: float, pad: float, least: float) -> tuple[np.ndarray, np.ndarray]:
    """(top, height) of each lane, stacked from 0 down: room for its rows, ``pad`` above and
    below, and at least ``least`` high."""
    heights = np.maximum(least, np.asarray(rows_per_lane, float) * pitch + 2 * pad)
    return np.cumsum(heights) - heights, heights


def row_centres(
    lane: np.ndarray, row: np.ndarray, rows_per_lane: np.ndarray, tops: np.ndarray, heights: np.ndarray, pitch: float
) -> np.ndarray:
    """The y of each mark: its row within its lane, the lane's rows centred in the lane's band."""
    return tops[lane] + (heights[lane] - rows_per_lane[lane] * pitch) / 2 + (np.asarray(row) + 0.5) * pitch


def fade_layers(
    x0: np.ndarray, x1: np.ndarray, open_start: np.ndarray, open_end: np.ndarray, strength: np.ndarray | None = None,
    steps: int = FADE_STEPS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """``bar_pieces`` as they are drawn: ``(owner, left, right, alpha)``, one layer per piece,
    each from its piece to the bar's known end, so that no two shapes of a bar abut (where
    antialiased edges meet, renderers show a seam). Layer opacities stack: over a piece, the
    layers that cover it compose to the piece's opacity times ``strength`` (of each bar; 1 by
    default)."""
    owner, left, right, opacity = bar_pieces(x0, x1, open_start, open_end, steps)
    x0, x1 = np.asarray(x0, float), np.asarray(x1, float)
    open_start, open_end = np.asarray(open_start, bool), np.asarray(open_end, bool)
    strength = np.ones(x0.size) if strength is None else np.asarray(strength, float)
    target = opacity * strength[owner]
    fading_in, fading_out = open_start[owner] & ~open_end[owner], open_end[owner] & ~open_start[owner]
    same_before = np.r_[False, owner[1:] == owner[:-1]]  # the piece to the left is of the same bar
    same_after = np.r_[owner[:-1] == owner[1:], False]
    outer = np.zeros(owner.size)  # what the layers towards the open side already give
    outer[1:] = np.where(fading_in[1:] & same_before[1:], target[:-1], 0.0)
    outer[:-1] = np.where(fading_out[:-1] & same_after[:-1], target[1:], outer[:-1])
    alpha = 1.0 - (1.0 - target) / (1.0 - outer)
    left = np.where(fading_out, x0[owner], left)
    right = np.where(fading_in, x1[owner], right)
    return owner, left, right, alpha
