"""Timeline charts (``bilat plot``): one chart per dyad and an overview with one lane per dyad,
each written as SVG and PNG.

How an event is drawn:

- x is time. The event type sets the marker and the colour (``TYPE_STYLES``); the status sets
  the fill: filled for a realized step, hollow for an intention, hollow with a dashed edge and a
  cross (hatched, for bars) for a reversal (``STATUS_STYLES``).
- Only a day-precision event is a point. A month, a year or a range is a bar over
  ``[date_start, date_end + 1 day]``; an open side (no ``date_start`` or no ``date_end``) runs to
  the axis edge and ends in an arrowhead there. ``event_geometry`` gives the numbers the drawing
  uses.
- A dyad chart has one row per event, sorted like the events table (``date_start``, open starts
  first, then ``event_id``), each labelled with its ID, date, type, status and a few words, so
  labels cannot overlap; a label goes right of its event, else left, else over its bar, else
  shortened, and always inside the axes. ``follows`` links are arrows from the earlier step to
  the later one. Above ``MAX_ROWS`` events, only the most recent ``MAX_ROWS`` get a row (on a
  time axis of their own), under a panel with every event of the dyad drawn unlabelled, one lane
  per event type, with the period of the rows shaded.
- The overview has one lane per dyad (with its event count), events split by type within it;
  many events are drawn with a few collections, identical marks once.

The output is deterministic: fixed figure sizes, dpi, font and SVG hash salt, and no dates or
software versions in the files. Matplotlib is imported only when drawing, and only the
object-oriented API is used (no pyplot, so no global figure registry and no backend switch);
rcParams are changed only inside ``rc_context``.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

TYPE_STYLES: dict[str, tuple[str, str]] = {  # event_type: (colour, marker); Okabe-Ito colours
    "visit": ("#0072B2", "o"),
    "agreement": ("#009E73", "s"),
    "sanction": ("#D55E00", "D"),
    "sale": ("#CC79A7", "^"),
}
OTHER_TYPE_STYLE = ("#666666", "P")
REALIZED, INTENDED, REVERSED = "realized", "intended", "reversed"
STATUS_STYLES: dict[str, str] = {
    **dict.fromkeys(["occurred", "signed", "in_force", "imposed", "delivered", "agreed"], REALIZED),
    **dict.fromkeys(["planned", "proposed", "threatened"], INTENDED),
    **dict.fromkeys(["cancelled", "terminated", "lifted"], REVERSED),
}
STATUS_LEGEND = {
    REALIZED: "realized (occurred, signed, in force, imposed, agreed, delivered)",
    INTENDED: "intended (planned, proposed, threatened)",
    REVERSED: "reversed (cancelled, terminated, lifted)",
}
LABEL_FIELDS = ("visitor", "agreement_title", "instrument", "item")
MAX_ROWS = 60  # labelled rows per dyad chart; a dyad with more events also gets the panel of type lanes
RASTERIZE_ABOVE = 5000  # collections with more items are embedded as an image in the SVG
LABEL_WORDS = 44  # characters of the words after the type and status
EPOCH = pd.Timestamp("1970-01-01")
DPI = 100
WIDTH = 12.0  # inches, every figure
ROW = 0.25  # inches per labelled row
LANE = 0.24  # inches per type lane (dyad chart)
OVERVIEW_LANE = 0.32  # inches per dyad lane (overview)
TOP, AXIS_BOTTOM, LEGEND_HEIGHT, RIGHT = 0.62, 0.42, 1.05, 0.3
BAR_HEIGHT = 0.5  # in row units
MARKER_SIZE = 7.0  # points
OPEN_ALPHA = 0.4  # fill of a realized open-ended bar
COMPACT_BAR_ALPHA = 0.3  # least opacity of the bars in the type lanes and the overview (under the points), which is
COMPACT_BAR_DENSITY = 6.0  # COMPACT_BAR_DENSITY / sqrt(events in the lane), at most 0.9
MIN_SPAN_DAYS = 90.0
MIN_BAR_PT = 2.5  # a bar is drawn at least this wide, so a short range stays visible
LABEL_GAP_PT = 5.0
EDGE_COLOUR = "#333333"
OPEN_GREY = "#adadad"  # EDGE_COLOUR at OPEN_ALPHA on white
RC: dict[str, Any] = {
    "svg.hashsalt": "bilat",
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "font.family": "DejaVu Sans",
    "font.size": 8.0,
    "axes.titlesize": 10.0,
    "axes.unicode_minus": False,
    "date.epoch": "1970-01-01T00:00:00",
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "savefig.bbox": None,
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
    "hatch.linewidth": 0.8,
    "path.simplify": True,
    "text.usetex": False,
    "text.hinting": "no_hinting",  # faster glyph rendering in the PNGs, and no less legible at this size
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
}
TOP_TICKS_ABOVE = 12  # overview lanes; a taller overview has year labels at the top too
PARALLEL_ABOVE = 16  # dyads; fewer are drawn in this process
PLOT_COLUMNS = (
    "event_id", "event_type", "status", "dyad", "date", "date_precision", "date_start", "date_end", "follows", "summary", *LABEL_FIELDS,
)  # fmt: skip
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@contextlib.contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(RC):
        yield


# ---------------------------------------------------------------------------------------------
# Plotting data (pure)


def _days(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 as floats (matplotlib's date numbers with its default epoch); NaN for NaT."""
    return ((pd.to_datetime(dates) - EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)


def sort_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events in the published order: ``date_start`` (open starts first), then ``event_id``."""
    return events.sort_values(["date_start", "event_id"], na_position="first", kind="mergesort")


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
            "style": [STATUS_STYLES.get(s, REALIZED) for s in status],
            "x_start": x_start,
            "x_end": x_end,
            "is_point": is_point,
            "open_start": np.isnan(start) & ~is_point,
            "open_end": np.isnan(end) & ~is_point,
        },
        index=events.index,
    )


def _x_limits(geometry: pd.DataFrame) -> tuple[float, float]:
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


def _type_style(event_type: str) -> tuple[str, str]:
    return TYPE_STYLES.get(event_type, OTHER_TYPE_STYLE)


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


# ---------------------------------------------------------------------------------------------
# Drawing


def _new_figure(height: float) -> tuple[Figure, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH, height), dpi=DPI)
    canvas = FigureCanvasAgg(fig)
    return fig, canvas.get_renderer()


def _date_axis(ax: Axes, xlim: tuple[float, float]) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=14)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlim(*xlim)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _min_width(ax: Axes) -> float:
    """MIN_BAR_PT in data units (days) for the axes' current size and x range."""
    lo, hi = ax.get_xlim()
    width_pt = ax.get_position().width * ax.figure.get_figwidth() * 72
    return (hi - lo) / width_pt * MIN_BAR_PT


def _bar_extent(g: Any, xlim: tuple[float, float], min_width: float) -> tuple[float, float]:
    x0 = xlim[0] if g.open_start else g.x_start
    x1 = xlim[1] if g.open_end else g.x_end
    if x1 - x0 < min_width:
        middle = (x0 + x1) / 2
        x0, x1 = middle - min_width / 2, middle + min_width / 2
    return x0, x1


def _face(colour: str, style: str, is_open: bool = False) -> Any:
    """Filled for a realized step (paler when the bar is open-ended: it only bounds the date), else white."""
    if style != REALIZED:
        return "white"
    if is_open:
        from matplotlib.colors import to_rgba

        return to_rgba(colour, OPEN_ALPHA)
    return colour


def _bar_extents(geometry: pd.DataFrame, xlim: tuple[float, float], min_width: float) -> tuple[np.ndarray, np.ndarray]:
    """Vectorized ``_bar_extent``: open sides at the axis edges, at least ``min_width`` wide."""
    x0 = np.where(geometry["open_start"].to_numpy(), xlim[0], geometry["x_start"].to_numpy(float))
    x1 = np.where(geometry["open_end"].to_numpy(), xlim[1], geometry["x_end"].to_numpy(float))
    middle, narrow = (x0 + x1) / 2, (x1 - x0) < min_width
    return np.where(narrow, middle - min_width / 2, x0), np.where(narrow, middle + min_width / 2, x1)


def _visibly_distinct(ax: Axes, geometry: pd.DataFrame, y: np.ndarray, xlim: tuple[float, float]) -> tuple[pd.DataFrame, np.ndarray]:
    """Drop the events that would be drawn exactly over an identical mark (same lane, type, style
    and openness, same place to a third of a pixel): a large corpus draws much faster, and looks
    the same."""
    if len(geometry) < 2:
        return geometry, y
    pixels = ax.get_position().width * ax.figure.get_figwidth() * ax.figure.dpi * 3
    scale = pixels / (xlim[1] - xlim[0])
    x0, x1 = _bar_extents(geometry, xlim, 0.0)
    key = pd.DataFrame(
        {
            "y": y,
            "type": geometry["event_type"].to_numpy(),
            "style": geometry["style"].to_numpy(),
            "point": geometry["is_point"].to_numpy(),
            "open_start": geometry["open_start"].to_numpy(),
            "open_end": geometry["open_end"].to_numpy(),
            "x0": np.round((x0 - xlim[0]) * scale),
            "x1": np.round((x1 - xlim[0]) * scale),
        }
    )
    keep = ~key.duplicated().to_numpy()
    return geometry[keep], y[keep]


def _draw_events_compact(
    ax: Axes, geometry: pd.DataFrame, y: np.ndarray, xlim: tuple[float, float], bar_height: float, size: float
) -> None:
    """Draw many events, unlabelled, with a few collections: bars (pale, longest drawn first so
    short ones stay visible), then points by marker, reversal crosses and open-side arrowheads."""
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import to_rgba_array
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    if geometry.empty:
        return
    geometry, y = _visibly_distinct(ax, geometry, y, xlim)
    rasterized = len(geometry) > RASTERIZE_ABOVE
    colour_of = {t: to_rgba_array(_type_style(t)[0])[0] for t in dict.fromkeys(geometry["event_type"])}
    colours = np.array([colour_of[t] for t in geometry["event_type"]])
    markers = np.array([_type_style(t)[1] for t in geometry["event_type"]])
    styles = geometry["style"].to_numpy(dtype=object)
    realized = styles == REALIZED
    is_open = (geometry["open_start"] | geometry["open_end"]).to_numpy()
    is_point = geometry["is_point"].to_numpy()
    x0, x1 = _bar_extents(geometry, xlim, _min_width(ax))
    half = bar_height / 2
    # Bars are opaque in a sparse lane and paler the more events share it, so that many bars
    # overlapping show as a denser shade instead of one block of colour.
    lane = np.round(y)
    _, lane_index, lane_size = np.unique(lane, return_inverse=True, return_counts=True)
    alpha = np.clip(COMPACT_BAR_DENSITY / np.sqrt(lane_size[lane_index]), COMPACT_BAR_ALPHA, 0.9)

    def rectangles(chosen: np.ndarray) -> np.ndarray:
        corners = [(x0, -half), (x1, -half), (x1, half), (x0, half)]
        return np.stack([np.column_stack([xs[chosen], y[chosen] + dy]) for xs, dy in corners], axis=1)

    chosen = np.flatnonzero(~is_point & (styles != REVERSED))
    if chosen.size:
        chosen = chosen[np.argsort(-(x1[chosen] - x0[chosen]), kind="stable")]
        faces = colours[chosen].copy()
        faces[:, 3] = np.where(realized[chosen], np.where(is_open[chosen], OPEN_ALPHA, 1.0) * alpha[chosen], 0.0)
        edges = colours[chosen].copy()
        edges[:, 3] = alpha[chosen]
        bars = PolyCollection(rectangles(chosen), facecolors=faces, edgecolors=edges, linewidths=0.6, zorder=2, rasterized=rasterized)
        ax.add_collection(bars, autolim=False)
    # Reversed bars: hatched, which Agg does slowly per polygon, so one compound path per colour.
    for colour in dict.fromkeys(map(tuple, colours[~is_point & (styles == REVERSED)])):
        chosen = np.flatnonzero(~is_point & (styles == REVERSED) & (colours == colour).all(axis=1))
        boxes = rectangles(chosen)
        vertices = np.concatenate([boxes, boxes[:, :1]], axis=1).reshape(-1, 2)
        codes = np.tile([MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY], len(chosen))
        edge = (*colour[:3], float(alpha[chosen].mean()))
        ax.add_patch(
            PathPatch(MplPath(vertices, codes), facecolor="none", edgecolor=edge, linewidth=0.6, linestyle="--", hatch="xxxx", zorder=2,
                      rasterized=rasterized)
        )  # fmt: skip
    x = geometry["x_start"].to_numpy(float)
    for marker in dict.fromkeys(markers[is_point]):
        chosen = np.flatnonzero(is_point & (markers == marker))
        faces = colours[chosen].copy()
        faces[~realized[chosen]] = (1.0, 1.0, 1.0, 1.0)
        ax.scatter(x[chosen], y[chosen], s=size**2, marker=marker, facecolors=faces, edgecolors=colours[chosen], linewidths=0.9,
                   zorder=3, rasterized=rasterized)  # fmt: skip
    crosses = np.flatnonzero(is_point & (styles == REVERSED))
    if crosses.size:
        ax.scatter(x[crosses], y[crosses], s=(size * 0.6) ** 2, marker="x", c=colours[crosses], linewidths=0.9, zorder=4,
                   rasterized=rasterized)  # fmt: skip
    for column, edge, marker in (("open_start", xlim[0], "<"), ("open_end", xlim[1], ">")):
        chosen = np.flatnonzero(geometry[column].to_numpy())
        if chosen.size:
            ax.scatter(np.full(chosen.size, edge), y[chosen], s=(size * 0.9) ** 2, marker=marker, c=colours[chosen], linewidths=0,
                       zorder=4, clip_on=False, rasterized=rasterized)  # fmt: skip


def _draw_event_row(ax: Axes, g: Any, row: float, xlim: tuple[float, float], min_width: float) -> tuple[float, float]:
    """One labelled event as its own artists (SVG group id ``event-<ID>``); returns the drawn x extent."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    colour, marker = _type_style(g.event_type)
    face = _face(colour, g.style, g.open_start or g.open_end)
    if g.is_point:
        ax.add_line(
            Line2D([g.x_start], [row], marker=marker, markersize=MARKER_SIZE, markerfacecolor=face, markeredgecolor=colour,
                   markeredgewidth=1.3, linestyle="none", zorder=4, gid=f"event-{g.event_id}")
        )  # fmt: skip
        if g.style == REVERSED:
            ax.add_line(Line2D([g.x_start], [row], marker="x", markersize=MARKER_SIZE * 0.6, color=colour, markeredgewidth=1.1, zorder=5))
        return g.x_start, g.x_start
    x0, x1 = _bar_extent(g, xlim, min_width)
    reversed_ = g.style == REVERSED
    ax.add_patch(
        Rectangle((x0, row - BAR_HEIGHT / 2), x1 - x0, BAR_HEIGHT, facecolor=face, edgecolor=colour, linewidth=1.2,
                  linestyle="--" if reversed_ else "-", hatch="xxxx" if reversed_ else None, zorder=3, gid=f"event-{g.event_id}")
    )  # fmt: skip
    for is_open, edge, head in ((g.open_start, xlim[0], "<"), (g.open_end, xlim[1], ">")):
        if is_open:
            ax.add_line(
                Line2D([edge], [row], marker=head, markersize=MARKER_SIZE * 1.3, color=colour, markeredgewidth=0, linestyle="none",
                       clip_on=False, zorder=4.5)
            )  # fmt: skip
    return x0, x1


def _place_label(ax: Axes, renderer: Any, text: str, row: float, extent: tuple[float, float], g: Any) -> None:
    """Right of the event if it fits in the axes, else left of it, else on a white box over a bar
    wide enough (at its open side if it has one, so the known end stays visible), else shortened
    to fit the widest of those places. A label never covers a point."""
    scale = ax.figure.dpi / 72
    clearance = LABEL_GAP_PT + (MARKER_SIZE / 2 if g.is_point else 0)
    box = {"boxstyle": "square,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
    label = ax.annotate(text, (extent[1], row), xytext=(clearance, 0), textcoords="offset points", ha="left", va="center",
                        parse_math=False, zorder=6, bbox=box, gid=f"label-{g.event_id}", annotation_clip=False)  # fmt: skip
    width = label.get_window_extent(renderer).width
    axes_box = ax.get_window_extent(renderer)
    left_px, right_px = ax.transData.transform([(extent[0], row), (extent[1], row)])[:, 0]
    margin, gap = 3 * scale, clearance * scale
    rooms = {
        "right": axes_box.x1 - margin - (right_px + gap),
        "left": left_px - gap - (axes_box.x0 + margin),
        "over": -1.0 if g.is_point else min(right_px, axes_box.x1) - max(left_px, axes_box.x0) - 2 * gap - 2 * margin,
    }
    place = next((where for where in rooms if width <= rooms[where]), None)
    if place is None:
        place = max(rooms, key=lambda where: rooms[where])
        while width > rooms[place] and len(text) > 12:
            text = text[: max(11, int(len(text) * rooms[place] / width) - 1)].rstrip() + "…"
            label.set_text(text)
            width = label.get_window_extent(renderer).width
    xlim = ax.get_xlim()
    if place == "left":
        label.xy, label.xyann = (extent[0], row), (-clearance, 0)
        label.set_horizontalalignment("right")
    elif place == "over" and g.open_start:  # from the axes' left edge
        label.xy, label.xyann = (xlim[0], row), (2 * clearance, 0)
    elif place == "over" and g.open_end:  # ending at the axes' right edge
        label.xy, label.xyann = (xlim[1], row), (-2 * clearance, 0)
        label.set_horizontalalignment("right")
    elif place == "over":  # ending at the bar's end
        label.xy, label.xyann = (min(extent[1], xlim[1]), row), (-clearance, 0)
        label.set_horizontalalignment("right")


def _draw_connectors(ax: Axes, rows: pd.DataFrame, geometry: pd.DataFrame, row_of: dict[str, int], min_width: float) -> None:
    """An arrow for each ``follows`` link between two rows: out of the earlier event's end (below
    or above its bar; its start if the end is open), along the boundary between rows (where no
    label is), and into the later event's known part from above (or below)."""
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path as MplPath

    known = {}
    for g in geometry.itertuples(index=False):
        first = g.x_start if not np.isnan(g.x_start) else g.x_end
        last = g.x_end if not np.isnan(g.x_end) else g.x_start
        known[g.event_id] = (first, last, bool(g.is_point))
    for event_id, earlier in zip(rows["event_id"], rows["follows"], strict=True):
        if earlier not in known or event_id not in known or earlier == event_id:
            continue
        (_, x, _), (l0, l1, point) = known[earlier], known[event_id]
        y_e, y_l = row_of[earlier], row_of[event_id]
        step = 1 if y_l > y_e else -1
        near, far = y_e + step * BAR_HEIGHT / 2, y_l - step * BAR_HEIGHT / 2  # the facing sides of the two bars
        if l0 <= x <= l1:  # straight down (or up) into the later bar
            verts = [(x, near), (x, y_l if point else far)]
        else:  # along the boundary between rows, where no label is, then into the later bar's top (or bottom)
            inset = min((l1 - l0) / 2, min_width)
            target = l0 + inset if x < l0 else l1 - inset
            boundary = y_l - step * 0.5
            verts = [(x, near), (x, boundary), (target, boundary), (target, y_l if point else far)]
        ax.add_patch(
            FancyArrowPatch(path=MplPath(verts), arrowstyle="-|>,head_length=4,head_width=2.2", color="#555555", linewidth=0.9,
                            shrinkA=0, shrinkB=MARKER_SIZE / 2 + 1 if point else 0, zorder=2.5, gid=f"follows-{event_id}")
        )  # fmt: skip


class _Overlay(tuple):
    """Legend handles drawn on top of each other (a tuple is drawn side by side)."""


def _legends(fig: Figure, height: float) -> None:
    """Type, status and precision keys in a band under the axes, never over the data."""
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    def marker(m: str, colour: str = EDGE_COLOUR, face: str | None = None) -> Line2D:
        return Line2D([], [], marker=m, linestyle="none", markersize=MARKER_SIZE, color=colour, markerfacecolor=face or colour,
                      markeredgewidth=1.3)  # fmt: skip

    def bar(face: str, dashed: bool = False) -> Rectangle:
        return Rectangle((0, 0), 1, 1, facecolor=face, edgecolor=EDGE_COLOUR, linewidth=1.2, linestyle="--" if dashed else "-",
                         hatch="xxxx" if dashed else None)  # fmt: skip

    cross = Line2D([], [], marker="x", linestyle="none", markersize=MARKER_SIZE * 0.6, color=EDGE_COLOUR, markeredgewidth=1.1)
    keys = [
        ("event type", [(marker(m, c), name) for name, (c, m) in TYPE_STYLES.items()], 2),
        (
            "status (point / bar)",
            [
                ((marker("o"), bar(EDGE_COLOUR)), STATUS_LEGEND[REALIZED]),
                ((marker("o", face="white"), bar("white")), STATUS_LEGEND[INTENDED]),
                ((_Overlay((marker("o", face="white"), cross)), bar("white", dashed=True)), STATUS_LEGEND[REVERSED]),
            ],
            1,
        ),
        (
            "date precision",
            [
                (marker("o"), "day: a point"),
                (bar(EDGE_COLOUR), "month, year or range: a bar over it"),
                ((marker("<"), bar(OPEN_GREY)), "open-ended: a paler bar to the axis edge"),
            ],
            1,
        ),
    ]
    lefts = [0.02, 0.2, 0.62]
    top = (LEGEND_HEIGHT - 0.05) / height
    for (title, entries, ncol), left in zip(keys, lefts, strict=True):
        legend = fig.legend(
            [h for h, _ in entries],
            [label for _, label in entries],
            loc="upper left",
            bbox_to_anchor=(left, top),
            ncol=ncol,
            title=title,
            title_fontproperties={"weight": "bold", "size": 8},
            alignment="left",
            frameon=False,
            handler_map={tuple: HandlerTuple(ndivide=None, pad=0.4), _Overlay: HandlerTuple(ndivide=1)},
            handlelength=3.2 if title != "event type" else 1.5,
            columnspacing=1.2,
            borderaxespad=0,
        )
        legend.set_gid(f"legend-{title.split()[0]}")


def _axes(fig: Figure, height: float, left: float, bottom: float, axes_height: float, right: float = RIGHT) -> Axes:
    return fig.add_axes((left / WIDTH, bottom / height, (WIDTH - left - right) / WIDTH, axes_height / height))


def _span_text(geometry: pd.DataFrame) -> str:
    known = np.concatenate([geometry["x_start"].to_numpy(float), geometry["x_end"].to_numpy(float) - 1e-9])
    known = known[~np.isnan(known)]
    if known.size == 0:
        return "undated"
    years = sorted({(EPOCH + pd.Timedelta(days=float(v))).year for v in (known.min(), known.max())})
    return "–".join(str(y) for y in years)


def dyad_figure(events: pd.DataFrame, dyad: str, max_rows: int = MAX_ROWS) -> Figure:
    """The timeline chart of one dyad (the events whose ``dyad`` is ``dyad``): one labelled row per
    event. Above ``max_rows`` events, the rows are the ``max_rows`` most recent, on their own time
    axis, under a panel with every event of the dyad in one unlabelled lane per event type."""
    with _style():
        ordered = sort_events(events[events["dyad"] == dyad]).reset_index(drop=True)
        geometry = event_geometry(ordered)
        total = len(ordered)
        shown = min(total, max_rows)
        rows_geometry, rows = geometry.iloc[total - shown :], ordered.iloc[total - shown :]
        capped = shown < total
        present = set(geometry["event_type"])
        lane_types = [t for t in [*TYPE_STYLES, *sorted(present - set(TYPE_STYLES))] if t in present] if capped else []
        lanes_height = len(lane_types) * LANE + 0.1
        rows_height = max(shown, 1) * ROW + 0.1
        gap = 0.75 if capped else 0.0
        height = TOP + (lanes_height + gap if capped else 0.0) + rows_height + AXIS_BOTTOM + LEGEND_HEIGHT
        left = 1.25 if capped else 0.4
        fig, renderer = _new_figure(height)
        bottom = AXIS_BOTTOM + LEGEND_HEIGHT
        ax = _axes(fig, height, left, bottom, rows_height)
        xlim = _x_limits(rows_geometry)
        _date_axis(ax, xlim)
        ax.set_ylim(shown - 0.5, -0.5)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        min_width = _min_width(ax)
        extents: dict[str, tuple[float, float]] = {}
        row_of: dict[str, int] = {}
        for row, g in enumerate(rows_geometry.itertuples(index=False)):
            extents[g.event_id] = _draw_event_row(ax, g, row, xlim, min_width)
            row_of[g.event_id] = row
        _draw_connectors(ax, rows, rows_geometry, row_of, min_width)
        for row, (g, (_, event)) in enumerate(zip(rows_geometry.itertuples(index=False), rows.iterrows(), strict=True)):
            text = event_label(event)
            if isinstance(event.get("follows"), str) and event["follows"] not in extents:
                text += f" (follows {event['follows']})"
            _place_label(ax, renderer, text, row, extents[g.event_id], g)
        title = f"{dyad}: {total} event{'s' if total != 1 else ''}, {_span_text(geometry)}"
        if not capped:
            ax.set_title(title, loc="left", fontweight="bold", pad=8)
        else:
            lanes = _axes(fig, height, left, bottom + rows_height + gap, lanes_height)
            all_xlim = _x_limits(geometry)
            _date_axis(lanes, all_xlim)
            lane_of = {t: i for i, t in enumerate(lane_types)}
            lanes.set_ylim(len(lane_types) - 0.5, -0.5)
            counts = geometry["event_type"].value_counts()
            lanes.set_yticks(range(len(lane_types)), [f"{t} ({counts[t]})" for t in lane_types])
            lanes.tick_params(axis="y", length=0)
            lanes.axvspan(max(xlim[0], all_xlim[0]), min(xlim[1], all_xlim[1]), color="#ececec", zorder=0.5, linewidth=0)
            y = np.array([lane_of[t] for t in geometry["event_type"]], dtype=float)
            _draw_events_compact(lanes, geometry, y, all_xlim, 0.3, MARKER_SIZE * 0.75)
            lanes.set_title(f"{title}: all of them by type", loc="left", fontweight="bold", pad=8)
            ax.set_title(
                f"the {shown} most recent, labelled (the shaded period above); "
                f"the {total - shown} earlier ones are only in the panel above",
                loc="left", fontweight="bold", pad=8,
            )  # fmt: skip
        _legends(fig, height)
        return fig


def overview_figure(events: pd.DataFrame) -> Figure:
    """All dyads, one lane each (sorted by code, with the number of events on the right)."""
    with _style():
        from matplotlib.transforms import blended_transform_factory

        ordered = sort_events(events)
        geometry = event_geometry(ordered).reset_index(drop=True)
        dyads = sorted(ordered["dyad"].astype("string").dropna().unique())
        lanes = max(len(dyads), 1)
        lanes_height = lanes * OVERVIEW_LANE + 0.1
        height = TOP + lanes_height + AXIS_BOTTOM + LEGEND_HEIGHT
        left = 0.25 + 0.075 * max((len(d) for d in dyads), default=4)
        counts = ordered["dyad"].value_counts()
        right = 0.25 + 0.06 * len(str(counts.max() if len(counts) else 0))
        fig, _ = _new_figure(height)
        ax = _axes(fig, height, left, AXIS_BOTTOM + LEGEND_HEIGHT, lanes_height, right)
        xlim = _x_limits(geometry)
        _date_axis(ax, xlim)
        ax.set_ylim(lanes - 0.5, -0.5)
        ax.set_yticks(range(len(dyads)), dyads)
        ax.tick_params(axis="y", length=0)
        if lanes > TOP_TICKS_ABOVE:  # a tall chart: the years at the top as well
            ax.tick_params(axis="x", top=True, labeltop=True)
        ax.barh(np.arange(1, lanes, 2), xlim[1] - xlim[0], left=xlim[0], height=1.0, color="#f3f3f3", linewidth=0, zorder=0.4)
        lane_of = {d: i for i, d in enumerate(dyads)}
        types = [*TYPE_STYLES]
        offset = {t: (i - (len(types) - 1) / 2) * 0.17 for i, t in enumerate(types)}
        y = np.array([lane_of[d] + offset.get(t, 0.0) for d, t in zip(ordered["dyad"], geometry["event_type"], strict=True)], dtype=float)
        _draw_events_compact(ax, geometry, y, xlim, 0.12, MARKER_SIZE * 0.6)
        to_right = blended_transform_factory(ax.transAxes, ax.transData)
        for d in dyads:
            ax.annotate(str(counts[d]), (1, lane_of[d]), xycoords=to_right, xytext=(7, 0), textcoords="offset points", va="center",
                        ha="left", color="#555555", fontsize=7, annotation_clip=False)  # fmt: skip
        n = len(ordered)
        ax.set_title(
            f"bilat: {n} event{'s' if n != 1 else ''} in {len(dyads)} dyad{'s' if len(dyads) != 1 else ''}, {_span_text(geometry)}"
            " (one lane per dyad; events per dyad on the right)",
            loc="left", fontweight="bold", pad=20 if lanes > TOP_TICKS_ABOVE else 8,
        )  # fmt: skip
        if not dyads:
            ax.text(0.5, 0.5, "no events", transform=ax.transAxes, ha="center", va="center")
        _legends(fig, height)
        return fig


def _save(fig: Figure, path: Path) -> Path:
    with _style():
        if path.suffix == ".svg":
            fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
        else:
            fig.savefig(path, format="png", metadata={"Software": None})
    return path


def _file_stem(dyad: str) -> str:
    if not _SAFE_NAME.fullmatch(dyad) or dyad == "overview":
        raise ValueError(f"dyad {dyad!r} cannot be a file name")
    return dyad


def _plain(events: pd.DataFrame) -> pd.DataFrame:
    """The columns the charts use, text as plain Python objects (None when missing): cheap to
    split, pickle and sort, with no Arrow machinery left for a worker process to run."""
    columns = [c for c in PLOT_COLUMNS if c in events.columns]
    frame = events[columns].copy()
    for column in columns:
        if column not in ("date_start", "date_end"):
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame


def render_dyad(events: pd.DataFrame, dyad: str, out_dir: Path) -> list[Path]:
    """Write only ``<DYAD>.svg`` and ``<DYAD>.png`` (the same bytes as ``render_plots`` writes) into ``out_dir``."""
    out_dir = Path(out_dir)
    stem = _file_stem(dyad)
    if not (events["dyad"] == dyad).any():
        raise ValueError(f"no events of dyad {dyad!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    fig = dyad_figure(_plain(events[events["dyad"] == dyad]), dyad)
    paths = [_save(fig, out_dir / f"{stem}.{suffix}") for suffix in ("svg", "png")]
    fig.clear()
    return paths


def render_overview(events: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write only ``overview.svg`` and ``overview.png`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fig = overview_figure(_plain(events))
    paths = [_save(fig, out_dir / f"overview.{suffix}") for suffix in ("svg", "png")]
    fig.clear()
    return paths


def _run(task: tuple[Any, ...]) -> list[Path]:
    return render_overview(*task) if len(task) == 2 else render_dyad(*task)


def _workers(jobs: int | None, charts: int) -> int:
    """``jobs`` worker processes (None: one per CPU, at most 8, and none below PARALLEL_ABOVE
    charts); 1 where processes cannot be forked."""
    import multiprocessing

    if jobs is None:
        jobs = min(os.cpu_count() or 1, 8) if charts > PARALLEL_ABOVE else 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(jobs, charts))


def render_plots(events: pd.DataFrame, out_dir: Path, jobs: int | None = None) -> list[Path]:
    """Write ``<DYAD>.svg`` and ``<DYAD>.png`` for every dyad, and ``overview.svg``/``overview.png``,
    into ``out_dir`` (created if needed); return the written paths, sorted. Other files in
    ``out_dir`` are left alone. ``events`` is the events table as ``pd.read_parquet`` gives it.

    ``jobs``: worker processes (forked, so callers need no ``__main__`` guard); None uses every
    CPU (up to 8) for a corpus of more than PARALLEL_ABOVE dyads. The files are the same bytes
    whatever the number of workers."""
    out_dir = Path(out_dir)
    frame = _plain(events)
    groups = {dyad: group for dyad, group in frame.groupby("dyad", sort=True)}
    for dyad in groups:
        _file_stem(dyad)
    out_dir.mkdir(parents=True, exist_ok=True)
    tasks: list[tuple[Any, ...]] = [(frame, out_dir)] + [(group, dyad, out_dir) for dyad, group in groups.items()]
    workers = _workers(jobs, len(tasks))
    if workers == 1:
        results = [_run(task) for task in tasks]
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_run, tasks))  # the overview, the longest, goes first
    return sorted(path for paths in results for path in paths)
