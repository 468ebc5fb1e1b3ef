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


def x_limits(geometry: pd.DataFrame) -> tuple[float, float]:
    """The x range: every known bound with a margin, at least ``MIN_SPAN_DAYS`` and one and a half
    times the longest bar wide, and wider on a side where some event is open, so that open bars
    show some length before their arrowhead."""
    known = np.concatenate([geometry["x_start"].to_numpy(float), geometry["x_end"].to_numpy(float)])
    known = known[~np.isnan(known)]
    if known.size == 0:
        known = np.array([_days(pd.Series([pd.Timestamp("2000-01-01")]))[0]])
    lo, hi = float(known.min()), float(known.max())
    longest = np.nanmax(geometry["x_end"].to_numpy(float) - geometry["x_start"].to_numpy(float), initial=0.0)
    least = max(MIN_SPAN_DAYS, 1.5 * longest)  # a bar never fills the whole axis: its bounds stay visible
    if hi - lo < least:
        middle = (lo + hi) / 2
        lo, hi = middle - least / 2, middle + least / 2
    span = hi - lo
    lo, hi = lo - 0.03 * span, hi + 0.03 * span
    if geometry["open_start"].any():
        lo -= 0.07 * span
    if geometry["open_end"].any():
        hi += 0.07 * span
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


def span_text(geometry: pd.DataFrame) -> str:
    known = np.concatenate([geometry["x_start"].to_numpy(float), geometry["x_end"].to_numpy(float) - 1e-9])
    known = known[~np.isnan(known)]
    if known.size == 0:
        return "undated"
    years = sorted({(EPOCH + pd.Timedelta(days=float(v))).year for v in (known.min(), known.max())})
    return "–".join(str(y) for y in years)


def bar_extents(geometry: pd.DataFrame, xlim: tuple[float, float], min_width: float) -> tuple[np.ndarray, np.ndarray]:
    """Where each bar is drawn: open sides at the axis edges, at least ``min_width`` wide."""
    x0 = np.where(geometry["open_start"].to_numpy(), xlim[0], geometry["x_start"].to_numpy(float))
    x1 = np.where(geometry["open_end"].to_numpy(), xlim[1], geometry["x_end"].to_numpy(float))
    middle, narrow = (x0 + x1) / 2, (x1 - x0) < min_width
    return np.where(narrow, middle - min_width / 2, x0), np.where(narrow, middle + min_width / 2, x1)
