"""Drawing: the dyad chart and the overview as matplotlib figures, from the numbers in
``bilat.plot.geometry``. Only the object-oriented API is used (no pyplot, so no global figure
registry and no backend switch); rcParams are changed only inside ``rc_context``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bilat.metadata import TABLES
from bilat.plot.geometry import (
    INTENDED,
    REALIZED,
    REVERSED,
    TYPE_STYLES,
    bar_extents,
    event_geometry,
    event_label,
    phase_legend,
    span_text,
    type_style,
    x_limits,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_ROWS = 60  # labelled rows per dyad chart; a dyad with more events also gets the panel of type lanes
RASTERIZE_ABOVE = 5000  # collections with more items are embedded as an image in the SVG
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


@contextlib.contextmanager
def style() -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(RC):
        yield


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


def _face(colour: str, style: str, is_open: bool = False) -> Any:
    """Filled for a realized step (paler when the bar is open-ended: it only bounds the date), else white."""
    if style != REALIZED:
        return "white"
    if is_open:
        from matplotlib.colors import to_rgba

        return to_rgba(colour, OPEN_ALPHA)
    return colour


def _visibly_distinct(ax: Axes, geometry: pd.DataFrame, y: np.ndarray, xlim: tuple[float, float]) -> tuple[pd.DataFrame, np.ndarray]:
    """Drop the events that would be drawn exactly over an identical mark (same lane, type, style
    and openness, same place to a third of a pixel): a large corpus draws much faster, and looks
    the same."""
    if len(geometry) < 2:
        return geometry, y
    pixels = ax.get_position().width * ax.figure.get_figwidth() * ax.figure.dpi * 3
    scale = pixels / (xlim[1] - xlim[0])
    x0, x1 = bar_extents(geometry, xlim, 0.0)
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
    colour_of = {t: to_rgba_array(type_style(t)[0])[0] for t in dict.fromkeys(geometry["event_type"])}
    colours = np.array([colour_of[t] for t in geometry["event_type"]])
    markers = np.array([type_style(t)[1] for t in geometry["event_type"]])
    styles = geometry["style"].to_numpy(dtype=object)
    realized = styles == REALIZED
    is_open = (geometry["open_start"] | geometry["open_end"]).to_numpy()
    is_point = geometry["is_point"].to_numpy()
    x0, x1 = bar_extents(geometry, xlim, _min_width(ax))
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


def _draw_event_row(ax: Axes, g: Any, row: float, xlim: tuple[float, float], bar: tuple[float, float]) -> tuple[float, float]:
    """One labelled event as its own artists (SVG group id ``event-<ID>``), a bar over ``bar``
    unless it is a point; returns the drawn x extent."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    colour, marker = type_style(g.event_type)
    face = _face(colour, g.style, g.open_start or g.open_end)
    if g.is_point:
        ax.add_line(
            Line2D([g.x_start], [row], marker=marker, markersize=MARKER_SIZE, markerfacecolor=face, markeredgecolor=colour,
                   markeredgewidth=1.3, linestyle="none", zorder=4, gid=f"event-{g.event_id}")
        )  # fmt: skip
        if g.style == REVERSED:
            ax.add_line(Line2D([g.x_start], [row], marker="x", markersize=MARKER_SIZE * 0.6, color=colour, markeredgewidth=1.1, zorder=5))
        return g.x_start, g.x_start
    x0, x1 = bar
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
                ((marker("o"), bar(EDGE_COLOUR)), phase_legend(REALIZED)),
                ((marker("o", face="white"), bar("white")), phase_legend(INTENDED)),
                ((_Overlay((marker("o", face="white"), cross)), bar("white", dashed=True)), phase_legend(REVERSED)),
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


def dyad_figure(events: pd.DataFrame, dyad: str, max_rows: int = MAX_ROWS) -> Figure:
    """The timeline chart of one dyad (the events whose ``dyad`` is ``dyad``): one labelled row per
    event. Above ``max_rows`` events, the rows are the ``max_rows`` most recent, on their own time
    axis, under a panel with every event of the dyad in one unlabelled lane per event type."""
    with style():
        ordered = TABLES["events"].sorted(events[events["dyad"] == dyad])
        geometry = event_geometry(ordered)
        total = len(ordered)
        shown = min(total, max_rows)
        rows_geometry, rows = geometry.iloc[total - shown :], ordered.iloc[total - shown :]
        capped = shown < total
        present = set(geometry["event_type"])
        lane_types = [t for t in TYPE_STYLES if t in present] if capped else []
        lanes_height = len(lane_types) * LANE + 0.1
        rows_height = max(shown, 1) * ROW + 0.1
        gap = 0.75 if capped else 0.0
        height = TOP + (lanes_height + gap if capped else 0.0) + rows_height + AXIS_BOTTOM + LEGEND_HEIGHT
        left = 1.25 if capped else 0.4
        fig, renderer = _new_figure(height)
        bottom = AXIS_BOTTOM + LEGEND_HEIGHT
        ax = _axes(fig, height, left, bottom, rows_height)
        xlim = x_limits(rows_geometry)
        _date_axis(ax, xlim)
        ax.set_ylim(shown - 0.5, -0.5)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        min_width = _min_width(ax)
        extents: dict[str, tuple[float, float]] = {}
        row_of: dict[str, int] = {}
        bars = zip(*bar_extents(rows_geometry, xlim, min_width), strict=True)
        for row, (g, (x0, x1)) in enumerate(zip(rows_geometry.itertuples(index=False), bars, strict=True)):
            extents[g.event_id] = _draw_event_row(ax, g, row, xlim, (float(x0), float(x1)))
            row_of[g.event_id] = row
        _draw_connectors(ax, rows, rows_geometry, row_of, min_width)
        for row, (g, (_, event)) in enumerate(zip(rows_geometry.itertuples(index=False), rows.iterrows(), strict=True)):
            text = event_label(event)
            if isinstance(event.get("follows"), str) and event["follows"] not in extents:
                text += f" (follows {event['follows']})"
            _place_label(ax, renderer, text, row, extents[g.event_id], g)
        title = f"{dyad}: {total} event{'s' if total != 1 else ''}, {span_text(geometry)}"
        if not capped:
            ax.set_title(title, loc="left", fontweight="bold", pad=8)
        else:
            lanes = _axes(fig, height, left, bottom + rows_height + gap, lanes_height)
            all_xlim = x_limits(geometry)
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
    with style():
        from matplotlib.transforms import blended_transform_factory

        ordered = TABLES["events"].sorted(events)
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
        xlim = x_limits(geometry)
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
            f"bilat: {n} event{'s' if n != 1 else ''} in {len(dyads)} dyad{'s' if len(dyads) != 1 else ''}, {span_text(geometry)}"
            " (one lane per dyad; events per dyad on the right)",
            loc="left", fontweight="bold", pad=20 if lanes > TOP_TICKS_ABOVE else 8,
        )  # fmt: skip
        if not dyads:
            ax.text(0.5, 0.5, "no events", transform=ax.transAxes, ha="center", va="center")
        _legends(fig, height)
        return fig
