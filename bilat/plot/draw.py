"""Drawing: the dyad chart and the overview as matplotlib figures, from the numbers in
``bilat.plot.geometry``. Only the object-oriented API is used (no pyplot, so no global figure
registry and no backend switch); rcParams are changed only inside ``rc_context``."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bilat.metadata import TABLES
from bilat.plot.geometry import (
    FADE_STEPS,
    INTENDED,
    REALIZED,
    REVERSED,
    TYPE_STYLES,
    bar_extents,
    event_geometry,
    event_label,
    fade_layers,
    lane_bands,
    pack_rows,
    phase_legend,
    row_centres,
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
LANE = 0.24  # least inches per type lane (dyad chart)
OVERVIEW_LANE = 0.32  # least inches per dyad lane (overview)
TOP, AXIS_BOTTOM, LEGEND_HEIGHT, RIGHT = 0.62, 0.42, 1.05, 0.3
BAR_HEIGHT = 0.5  # in row units
MARKER_SIZE = 7.0  # points
# The lanes (overview and type lanes): events that overlap in time get rows of their own in their
# lane, the lane as high as its rows need, up to MAX_SUBROWS; beyond that they share rows and overlap.
MAX_SUBROWS = 6
SUBROW_PT = 6.5  # pitch of the rows within a lane
LANE_PAD_PT = 2.5  # above the first row and below the last, within the lane
COMPACT_BAR_PT = 3.4  # bar height in a lane
COMPACT_MARKER_PT = 4.8  # extent of a point in a lane (every marker scaled to it), plus its edge
COMPACT_EDGE_PT = 0.9
COMPACT_BAR_EDGE_PT = 0.6
GAP_PT = 1.5  # least gap between two marks in one row of a lane
COMPACT_BAR_ALPHA = 0.3  # least opacity of the bars in an overflowing lane (under the points), which is
COMPACT_BAR_DENSITY = 6.0  # COMPACT_BAR_DENSITY / sqrt(events in the row), at most LANE_BAR_ALPHA
LANE_BAR_ALPHA = 0.9  # bars in a lane that does not overflow
COMPACT_FADE_STEPS = 16  # layers of an open bar in a lane (thin: fewer suffice)
LANE_ALPHA_STEP = 0.3  # bar opacities in a lane are multiples of this (few distinct colours, few paths)
MIN_BAR_PT = 2.5  # a bar is drawn at least this wide, so a short range stays visible
LABEL_GAP_PT = 5.0
EDGE_COLOUR = "#333333"
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
TOP_TICKS_ABOVE = 4.0  # inches of overview lanes; a taller overview has year labels at the top too
COUNT_HEADING = "events"


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


def _face(colour: str, style: str) -> Any:
    """Filled for a realized step, else white."""
    return colour if style == REALIZED else "white"


@functools.cache
def _marker_extent(marker: str) -> float:
    """The width or height (the larger) of a marker of size 1, in points."""
    from matplotlib.markers import MarkerStyle

    shape = MarkerStyle(marker)
    extents = shape.get_path().transformed(shape.get_transform()).get_extents()
    return float(max(extents.width, extents.height))


@dataclass(frozen=True)
class LaneLayout:
    """Where the marks of a lane chart go, in points from the top of the axes: each lane's band
    (``tops``, ``heights``), the y of each event, and each event's bar opacity."""

    tops: np.ndarray
    heights: np.ndarray
    rows: np.ndarray  # rows per lane
    overflow: np.ndarray  # per lane: more than MAX_SUBROWS rows were needed, some marks overlap
    y: np.ndarray
    alpha: np.ndarray

    @property
    def total(self) -> float:
        return float(self.heights.sum())

    @property
    def centres(self) -> np.ndarray:
        return self.tops + self.heights / 2


def lane_layout(
    geometry: pd.DataFrame, lane: np.ndarray, lanes: int, xlim: tuple[float, float], width_pt: float, least_pt: float
) -> LaneLayout:
    """Rows within lanes (``geometry.pack_rows``) for the marks as drawn on an axes ``width_pt``
    wide: bars with their least width and edge, points with their marker, open sides to the axis
    edges."""
    scale = width_pt / (xlim[1] - xlim[0])
    x0, x1 = bar_extents(geometry, xlim, MIN_BAR_PT / scale)
    is_point = geometry["is_point"].to_numpy(bool)
    x = (geometry["x_start"].to_numpy(float) - xlim[0]) * scale
    half_point = (COMPACT_MARKER_PT + COMPACT_EDGE_PT) / 2
    half_edge = COMPACT_BAR_EDGE_PT / 2
    left = np.where(is_point, x - half_point, (x0 - xlim[0]) * scale - half_edge)
    right = np.where(is_point, x + half_point, (x1 - xlim[0]) * scale + half_edge)
    lane = np.asarray(lane, dtype=np.int64)
    row, rows, overflow = pack_rows(lane, left, right, GAP_PT, MAX_SUBROWS, lanes)
    tops, heights = lane_bands(rows, SUBROW_PT, LANE_PAD_PT, least_pt)
    y = row_centres(lane, row, rows, tops, heights, SUBROW_PT)
    # Bars are opaque where nothing overlaps; in an overflowing lane they are paler the more
    # events share a row, so that overlapping bars show as a denser shade.
    _, where, sharing = np.unique(lane * (MAX_SUBROWS + 1) + row, return_inverse=True, return_counts=True)
    dense = np.clip(COMPACT_BAR_DENSITY / np.sqrt(sharing[where]), COMPACT_BAR_ALPHA, LANE_BAR_ALPHA)
    dense = np.maximum(np.round(dense / LANE_ALPHA_STEP), 1) * LANE_ALPHA_STEP
    alpha = np.where(overflow[lane], dense, LANE_BAR_ALPHA) if lane.size else np.zeros(0)
    return LaneLayout(tops, heights, rows, overflow, y, alpha)


def _lane_axes(ax: Axes, layout: LaneLayout, names: list[str], ids: list[str], xlim: tuple[float, float]) -> None:
    """y in points from the top; a band per lane (SVG id ``lane-<id>``), every other one shaded,
    and the lane's name at its centre."""
    from matplotlib.patches import Rectangle

    ax.set_ylim(layout.total, 0)
    ax.set_yticks(layout.centres[: len(names)], names)
    ax.tick_params(axis="y", length=0)
    for i, (top, height) in enumerate(zip(layout.tops, layout.heights, strict=True)):
        ax.add_artist(  # not add_patch: the limits are set, and updating them for every lane is slow
            Rectangle((xlim[0], top), xlim[1] - xlim[0], height, facecolor="#f3f3f3" if i % 2 else "none", linewidth=0, zorder=0.4,
                      transform=ax.transData, gid=f"lane-{ids[i]}" if i < len(ids) else None)
        )  # fmt: skip


def _visibly_distinct(
    ax: Axes, geometry: pd.DataFrame, y: np.ndarray, alpha: np.ndarray, xlim: tuple[float, float]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Drop the events that would be drawn exactly over an identical mark (same row, type, style
    and openness, same place to a third of a pixel; only in a lane that overflows can there be
    any): a large corpus draws much faster, and looks the same."""
    if len(geometry) < 2:
        return geometry, y, alpha
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
    return geometry[keep], y[keep], alpha[keep]


def _boxes(left: np.ndarray, right: np.ndarray, y: np.ndarray, half: float) -> np.ndarray:
    """Rectangles as (n, 4, 2) corner arrays."""
    corners = [(left, -half), (right, -half), (right, half), (left, half)]
    return np.stack([np.column_stack([xs, y + dy]) for xs, dy in corners], axis=1)


def _compound(boxes: np.ndarray) -> Any:
    """One path of many closed rectangles (hatching them as one is fast in Agg)."""
    from matplotlib.path import Path as MplPath

    vertices = np.concatenate([boxes, boxes[:, :1]], axis=1).reshape(-1, 2)
    codes = np.tile([MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY], len(boxes))
    return MplPath(vertices, codes)


@dataclass(frozen=True)
class _OpenShapes:
    """What open-ended bars are drawn with: fill layers (``boxes``, ``faces``, ``hatches``,
    ``hatched``) and edge segments (``segments``, ``edges``, ``dashed``), each with its own colour
    and opacity, and for each a ``key`` that no two shapes of one bar share (its layer)."""

    boxes: np.ndarray
    faces: np.ndarray
    hatches: np.ndarray
    hatched: np.ndarray
    layer: np.ndarray
    segments: np.ndarray
    edges: np.ndarray
    dashed: np.ndarray
    segment_layer: np.ndarray


def _open_shapes(
    x0: np.ndarray, x1: np.ndarray, y: np.ndarray, half: float, colours: np.ndarray, styles: np.ndarray, open_start: np.ndarray,
    open_end: np.ndarray, alpha: np.ndarray, hollow_face: tuple[float, ...] | None, steps: int = FADE_STEPS,
) -> _OpenShapes:  # fmt: skip
    """Open-ended bars, fading out towards their open side (``geometry.fade_layers``): the fill
    (hatched for a reversal) and the top and bottom edges in layers that compose to an opacity
    falling towards the open side, and an edge line across the known end only. ``hollow_face``
    fills a bar that is not realized (None: nothing); ``alpha`` is each bar's strength."""
    owner, left, right, alphas = fade_layers(x0, x1, open_start, open_end, alpha, steps)
    first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    layer = np.arange(owner.size) - np.repeat(first, np.diff(np.r_[first, owner.size]))
    ys = y[owner]
    realized, hatched = styles[owner] == REALIZED, styles[owner] == REVERSED
    faces = colours[owner].copy()
    if hollow_face is not None:
        faces[~realized] = hollow_face
    else:
        faces[~realized, 3] = 0.0
    faces[:, 3] *= alphas
    strokes = colours[owner].copy()
    strokes[:, 3] *= alphas
    segments = [np.stack([np.column_stack([left, ys + dy]), np.column_stack([right, ys + dy])], axis=1) for dy in (-half, half)]
    edges, dashed, segment_layer = [strokes, strokes], [hatched, hatched], [layer, layer]
    for known, xs in ((~open_start, x0), (~open_end, x1)):
        segments.append(np.stack([np.column_stack([xs[known], y[known] - half]), np.column_stack([xs[known], y[known] + half])], axis=1))
        full = colours[known].copy()
        full[:, 3] *= alpha[known]
        edges.append(full)
        dashed.append(styles[known] == REVERSED)
        segment_layer.append(np.full(int(known.sum()), -1))
    return _OpenShapes(_boxes(left, right, ys, half), faces, strokes, hatched, layer, np.concatenate(segments), np.concatenate(edges),
                       np.concatenate(dashed), np.concatenate(segment_layer))  # fmt: skip


def _add_open_bar(ax: Axes, g: Any, row: float, x0: float, x1: float, colour: str) -> None:
    """One open-ended bar of a dyad chart: its fill layers as one collection (``event-<ID>``), its
    edges as another (``edge-<ID>``)."""
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.colors import to_rgba, to_rgba_array

    shapes = _open_shapes(np.array([x0]), np.array([x1]), np.array([float(row)]), BAR_HEIGHT / 2, to_rgba_array(colour),
                          np.array([g.style], dtype=object), np.array([g.open_start]), np.array([g.open_end]), np.ones(1),
                          to_rgba("white"))  # fmt: skip
    fill = PolyCollection(shapes.boxes, facecolors=shapes.faces, edgecolors="none", linewidths=0, zorder=3, clip_on=False,
                          gid=f"event-{g.event_id}")  # fmt: skip
    if g.style == REVERSED:
        fill.set_hatch("xxxx")
        fill.set_hatchcolor(shapes.hatches)
    ax.add_collection(fill, autolim=False)
    ax.add_collection(
        LineCollection(shapes.segments, colors=shapes.edges, linewidths=1.2, linestyles="--" if g.style == REVERSED else "-",
                       capstyle="butt", zorder=3.1, clip_on=False, gid=f"edge-{g.event_id}"),
        autolim=False,
    )  # fmt: skip


def _by_colour(colours: np.ndarray, layer: np.ndarray) -> Iterator[tuple[tuple[float, ...], np.ndarray]]:
    """Groups of shapes drawn as one compound path: the same colour and opacity, and the same
    layer (one path fills the union of its parts, so two layers of one bar must not share one).
    Yields each group's colour and the indices of its shapes."""
    if not len(colours):
        return
    rgb = np.round(colours[:, :3] * 255).astype(np.int64)
    packed = (rgb[:, 0] * 256 + rgb[:, 1]) * 256 + rgb[:, 2]
    bits = np.ascontiguousarray(colours[:, 3], dtype=np.float64).view(np.int64)
    order = np.lexsort((layer, bits, packed))
    keys = np.column_stack([packed, bits, layer])[order]
    starts = np.flatnonzero(np.r_[True, (keys[1:] != keys[:-1]).any(axis=1)])
    for start, chosen in zip(starts, np.split(order, starts[1:]), strict=True):
        i = order[start]
        yield (*map(float, colours[i, :3]), float(colours[i, 3])), chosen


def _add_open_bars_compact(ax: Axes, shapes: _OpenShapes, zorder: float, rasterized: bool) -> None:
    """Many open-ended bars, as one compound path per colour, opacity and layer for each of:
    fills, hatching, solid edges and dashed edges (a few hundred artists, whatever the count)."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    def add(patch: PathPatch) -> None:
        patch.set_transform(ax.transData)
        ax.add_artist(patch)  # not add_patch: the limits are set, and updating them for large paths is slow

    filled = shapes.faces[:, 3] > 0
    boxes = shapes.boxes[filled]
    for colour, chosen in _by_colour(shapes.faces[filled], shapes.layer[filled]):
        add(PathPatch(_compound(boxes[chosen]), facecolor=colour, edgecolor="none", linewidth=0, zorder=zorder, clip_on=False,
                      rasterized=rasterized))  # fmt: skip
    boxes = shapes.boxes[shapes.hatched]
    for colour, chosen in _by_colour(shapes.hatches[shapes.hatched], shapes.layer[shapes.hatched]):
        add(PathPatch(_compound(boxes[chosen]), facecolor="none", edgecolor="none", linewidth=0, hatch="xxxx", hatchcolor=colour,
                      zorder=zorder, clip_on=False, rasterized=rasterized))  # fmt: skip
    for is_dashed in (False, True):
        chosen_style = shapes.dashed == is_dashed
        segments = shapes.segments[chosen_style]
        for colour, chosen in _by_colour(shapes.edges[chosen_style], shapes.segment_layer[chosen_style]):
            path = MplPath(segments[chosen].reshape(-1, 2), np.tile([MplPath.MOVETO, MplPath.LINETO], len(chosen)))
            path.should_simplify = False  # separate segments, each with its place in the layers: none to merge or drop
            add(PathPatch(path, facecolor="none", edgecolor=colour, linewidth=COMPACT_BAR_EDGE_PT, linestyle="--" if is_dashed else "-",
                          capstyle="butt", zorder=zorder + 0.1, clip_on=False, rasterized=rasterized))  # fmt: skip


def _draw_events_compact(ax: Axes, geometry: pd.DataFrame, y: np.ndarray, alpha: np.ndarray, xlim: tuple[float, float]) -> None:
    """Draw many events, unlabelled, with a few collections, at the rows ``y`` that
    ``lane_layout`` gave them: closed bars (longest first, so short ones stay visible where a
    lane overflows), open bars fading out, reversed bars hatched, then points by marker and
    reversal crosses, all below the spines (zorder < 2.5) so that a large corpus, rasterized in
    the SVG, is one embedded image."""
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import to_rgba_array
    from matplotlib.patches import PathPatch

    if geometry.empty:
        return
    geometry, y, alpha = _visibly_distinct(ax, geometry, y, alpha, xlim)
    rasterized = len(geometry) > RASTERIZE_ABOVE
    colour_of = {t: to_rgba_array(type_style(t)[0])[0] for t in dict.fromkeys(geometry["event_type"])}
    colours = np.array([colour_of[t] for t in geometry["event_type"]])
    markers = np.array([type_style(t)[1] for t in geometry["event_type"]])
    styles = geometry["style"].to_numpy(dtype=object)
    realized = styles == REALIZED
    open_start, open_end = geometry["open_start"].to_numpy(bool), geometry["open_end"].to_numpy(bool)
    is_open = open_start | open_end
    is_point = geometry["is_point"].to_numpy(bool)
    x0, x1 = bar_extents(geometry, xlim, _min_width(ax))
    half = COMPACT_BAR_PT / 2
    bars = np.flatnonzero(~is_point)
    bars = bars[np.argsort(-(x1[bars] - x0[bars]), kind="stable")]
    chosen = bars[~is_open[bars] & (styles[bars] != REVERSED)]
    if chosen.size:
        faces = colours[chosen].copy()
        faces[:, 3] = np.where(realized[chosen], alpha[chosen], 0.0)
        edges = colours[chosen].copy()
        edges[:, 3] = alpha[chosen]
        ax.add_collection(
            PolyCollection(_boxes(x0[chosen], x1[chosen], y[chosen], half), facecolors=faces, edgecolors=edges,
                           linewidths=COMPACT_BAR_EDGE_PT, zorder=2, clip_on=False, rasterized=rasterized),
            autolim=False,
        )  # fmt: skip
    # Closed reversed bars: hatched, which Agg does slowly per polygon, so one compound path per colour.
    closed_reversed = bars[~is_open[bars] & (styles[bars] == REVERSED)]
    for colour in dict.fromkeys(map(tuple, colours[closed_reversed])):
        chosen = closed_reversed[(colours[closed_reversed] == colour).all(axis=1)]
        edge = (*colour[:3], float(alpha[chosen].mean()))
        ax.add_artist(
            PathPatch(_compound(_boxes(x0[chosen], x1[chosen], y[chosen], half)), facecolor="none", edgecolor=edge,
                      linewidth=COMPACT_BAR_EDGE_PT, linestyle="--", hatch="xxxx", zorder=2, clip_on=False, rasterized=rasterized,
                      transform=ax.transData)
        )  # fmt: skip
    chosen = bars[is_open[bars]]
    if chosen.size:
        shapes = _open_shapes(x0[chosen], x1[chosen], y[chosen], half, colours[chosen], styles[chosen], open_start[chosen],
                              open_end[chosen], alpha[chosen], None, COMPACT_FADE_STEPS)  # fmt: skip
        _add_open_bars_compact(ax, shapes, 2, rasterized)
    x = geometry["x_start"].to_numpy(float)
    for marker in dict.fromkeys(markers[is_point]):
        chosen = np.flatnonzero(is_point & (markers == marker))
        faces = colours[chosen].copy()
        faces[~realized[chosen]] = (1.0, 1.0, 1.0, 1.0)
        size = COMPACT_MARKER_PT / _marker_extent(marker)
        ax.scatter(x[chosen], y[chosen], s=size**2, marker=marker, facecolors=faces, edgecolors=colours[chosen], linewidths=COMPACT_EDGE_PT,
                   zorder=2.3, clip_on=False, rasterized=rasterized)  # fmt: skip
    crosses = np.flatnonzero(is_point & (styles == REVERSED))
    if crosses.size:
        ax.scatter(x[crosses], y[crosses], s=(COMPACT_MARKER_PT * 0.6) ** 2, marker="x", c=colours[crosses], linewidths=COMPACT_EDGE_PT,
                   zorder=2.4, clip_on=False, rasterized=rasterized)  # fmt: skip


def _draw_event_row(ax: Axes, g: Any, row: float, bar: tuple[float, float]) -> tuple[float, float]:
    """One labelled event as its own artists (SVG group id ``event-<ID>``), a bar over ``bar``
    unless it is a point (fading out towards an open side, its edges then ``edge-<ID>``);
    returns the drawn x extent."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    colour, marker = type_style(g.event_type)
    face = _face(colour, g.style)
    if g.is_point:
        ax.add_line(
            Line2D([g.x_start], [row], marker=marker, markersize=MARKER_SIZE, markerfacecolor=face, markeredgecolor=colour,
                   markeredgewidth=1.3, linestyle="none", zorder=4, clip_on=False, gid=f"event-{g.event_id}")
        )  # fmt: skip
        if g.style == REVERSED:
            ax.add_line(Line2D([g.x_start], [row], marker="x", markersize=MARKER_SIZE * 0.6, color=colour, markeredgewidth=1.1, zorder=5,
                               clip_on=False))  # fmt: skip
        return g.x_start, g.x_start
    x0, x1 = bar
    reversed_ = g.style == REVERSED
    if g.open_start or g.open_end:
        _add_open_bar(ax, g, row, x0, x1, colour)
        return x0, x1
    ax.add_patch(
        Rectangle((x0, row - BAR_HEIGHT / 2), x1 - x0, BAR_HEIGHT, facecolor=face, edgecolor=colour, linewidth=1.2,
                  linestyle="--" if reversed_ else "-", hatch="xxxx" if reversed_ else None, zorder=3, clip_on=False,
                  gid=f"event-{g.event_id}")
    )  # fmt: skip
    return x0, x1


def _place_label(ax: Axes, renderer: Any, text: str, row: float, extent: tuple[float, float], g: Any) -> None:
    """Right of the event if it fits in the axes, else left of it, else on a white box over a bar
    wide enough (at its open side if it has one, so the known end stays visible), else shortened
    to fit the widest of those places. A label never covers a point, nor a hatched (reversed)
    bar if at least its head (ID, date, type and status) fits beside it; where not even that
    does, it goes over the bar on an opaque box."""
    scale = ax.figure.dpi / 72
    clearance = LABEL_GAP_PT + (MARKER_SIZE / 2 if g.is_point else 0)
    hatched = g.style == REVERSED and not g.is_point
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
        "over": min(right_px, axes_box.x1) - max(left_px, axes_box.x0) - 2 * gap - 2 * margin,
    }
    if hatched:
        label.set_text(text.split(": ", 1)[0])
        head = label.get_window_extent(renderer).width
        label.set_text(text)
        if max(rooms["right"], rooms["left"]) >= head:
            rooms["over"] = -1.0
    if g.is_point:
        rooms["over"] = -1.0
    place = next((where for where in rooms if width <= rooms[where]), None)
    if place is None:
        place = max(rooms, key=lambda where: rooms[where])
        head = text.split(": ", 1)[0]
        while width > rooms[place] and len(text) > 12:
            text = text[: max(11, int(len(text) * rooms[place] / width) - 1)].rstrip() + "…"
            if text.startswith(f"{head}: ") and len(text) < len(head) + 8:  # not a word of the summary left
                text = f"{head}…"
            label.set_text(text)
            width = label.get_window_extent(renderer).width
    if place == "over" and hatched:
        label.get_bbox_patch().set_alpha(1.0)
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


class _FadeKey:
    """Legend key of an open-ended bar: open at the left, fading out towards it, as drawn."""


def _fade_handler() -> Any:
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.colors import to_rgba
    from matplotlib.legend_handler import HandlerBase

    class HandlerFade(HandlerBase):
        def create_artists(self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans):  # noqa: ANN001, ANN201
            x0, x1, y0, y1 = -xdescent, -xdescent + width, -ydescent, -ydescent + height
            _, left, right, opacity = fade_layers(np.array([x0]), np.array([x1]), np.array([True]), np.array([False]))
            colours = np.array([to_rgba(EDGE_COLOUR, a) for a in opacity])
            fill = PolyCollection(_boxes(left, right, np.full(left.size, (y0 + y1) / 2), (y1 - y0) / 2), facecolors=colours,
                                  edgecolors="none", linewidths=0, transform=trans)  # fmt: skip
            lines = [[(a, y), (b, y)] for a, b in zip(left, right, strict=True) for y in (y0, y1)]
            edges = LineCollection([*lines, [(x1, y0), (x1, y1)]], colors=[*np.repeat(colours, 2, axis=0), to_rgba(EDGE_COLOUR)],
                                   linewidths=1.2, capstyle="butt", transform=trans)  # fmt: skip
            return [fill, edges]

    return HandlerFade()


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
                (_FadeKey(), "open-ended: fades out towards the side not known"),
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
            handler_map={tuple: HandlerTuple(ndivide=None, pad=0.4), _Overlay: HandlerTuple(ndivide=1), _FadeKey: _fade_handler()},
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
    axis, under a panel with every event of the dyad in one unlabelled lane per event type (events
    that overlap in time on rows of their own within it, as in the overview)."""
    with style():
        ordered = TABLES["events"].sorted(events[events["dyad"] == dyad])
        geometry = event_geometry(ordered)
        total = len(ordered)
        shown = min(total, max_rows)
        rows_geometry, rows = geometry.iloc[total - shown :], ordered.iloc[total - shown :]
        capped = shown < total
        present = set(geometry["event_type"])
        lane_types = [t for t in TYPE_STYLES if t in present] if capped else []
        left = 1.25 if capped else 0.4
        all_xlim = x_limits(geometry)
        layout = None
        if capped:
            lane_of = {t: i for i, t in enumerate(lane_types)}
            lane = np.array([lane_of[t] for t in geometry["event_type"]], dtype=np.int64)
            layout = lane_layout(geometry, lane, len(lane_types), all_xlim, (WIDTH - left - RIGHT) * 72, LANE * 72)
        lanes_height = layout.total / 72 if layout is not None else 0.0
        rows_height = max(shown, 1) * ROW + 0.1
        gap = 0.75 if capped else 0.0
        height = TOP + (lanes_height + gap if capped else 0.0) + rows_height + AXIS_BOTTOM + LEGEND_HEIGHT
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
            extents[g.event_id] = _draw_event_row(ax, g, row, (float(x0), float(x1)))
            row_of[g.event_id] = row
        _draw_connectors(ax, rows, rows_geometry, row_of, min_width)
        for row, (g, (_, event)) in enumerate(zip(rows_geometry.itertuples(index=False), rows.iterrows(), strict=True)):
            text = event_label(event)
            if isinstance(event.get("follows"), str) and event["follows"] not in extents:
                text += f" (follows {event['follows']})"
            _place_label(ax, renderer, text, row, extents[g.event_id], g)
        title = f"{dyad}: {total} event{'s' if total != 1 else ''}"
        if layout is None:
            ax.set_title(f"{title}, {span_text(xlim, geometry)}", loc="left", fontweight="bold", pad=8)
        else:
            lanes = _axes(fig, height, left, bottom + rows_height + gap, lanes_height)
            _date_axis(lanes, all_xlim)
            counts = geometry["event_type"].value_counts()
            _lane_axes(lanes, layout, [f"{t} ({counts[t]})" for t in lane_types], lane_types, all_xlim)
            lanes.axvspan(max(xlim[0], all_xlim[0]), min(xlim[1], all_xlim[1]), color="black", alpha=0.07, zorder=0.5, linewidth=0)
            _draw_events_compact(lanes, geometry, layout.y, layout.alpha, all_xlim)
            lanes.set_title(f"{title}, {span_text(all_xlim, geometry)}: all of them by type", loc="left", fontweight="bold", pad=8)
            ax.set_title(
                f"the {shown} most recent, labelled (the shaded period above), {span_text(xlim, rows_geometry)}; "
                f"the {total - shown} earlier ones are only in the panel above",
                loc="left", fontweight="bold", pad=8,
            )  # fmt: skip
        _legends(fig, height)
        return fig


def overview_figure(events: pd.DataFrame) -> Figure:
    """All dyads, one lane each (sorted by code, with the number of events on the right, under
    the heading ``COUNT_HEADING``); events that overlap in time on rows of their own in the lane."""
    with style():
        from matplotlib.transforms import blended_transform_factory

        ordered = TABLES["events"].sorted(events)
        geometry = event_geometry(ordered).reset_index(drop=True)
        dyads = sorted(ordered["dyad"].astype("string").dropna().unique())
        left = 0.25 + 0.075 * max((len(d) for d in dyads), default=4)
        counts = ordered["dyad"].value_counts()
        right = 0.25 + 0.06 * max(len(str(counts.max() if len(counts) else 0)), len(COUNT_HEADING))
        xlim = x_limits(geometry)
        lane_of = {d: i for i, d in enumerate(dyads)}
        lane = np.array([lane_of[d] for d in ordered["dyad"]], dtype=np.int64)
        layout = lane_layout(geometry, lane, max(len(dyads), 1), xlim, (WIDTH - left - right) * 72, OVERVIEW_LANE * 72)
        lanes_height = layout.total / 72
        height = TOP + lanes_height + AXIS_BOTTOM + LEGEND_HEIGHT
        fig, _ = _new_figure(height)
        ax = _axes(fig, height, left, AXIS_BOTTOM + LEGEND_HEIGHT, lanes_height, right)
        _date_axis(ax, xlim)
        _lane_axes(ax, layout, dyads, dyads, xlim)
        tall = lanes_height > TOP_TICKS_ABOVE
        if tall:  # the years at the top as well
            ax.tick_params(axis="x", top=True, labeltop=True)
        _draw_events_compact(ax, geometry, layout.y, layout.alpha, xlim)
        to_right = blended_transform_factory(ax.transAxes, ax.transData)
        for d, centre in zip(dyads, layout.centres, strict=False):
            ax.annotate(str(counts[d]), (1, centre), xycoords=to_right, xytext=(7, 0), textcoords="offset points", va="center",
                        ha="left", color="#555555", fontsize=7, annotation_clip=False, gid=f"count-{d}")  # fmt: skip
        n = len(ordered)
        rows = f"on up to {MAX_SUBROWS} rows, then over each other" if layout.overflow.any() else "on rows of their own"
        title = ax.set_title(
            f"bilat: {n} event{'s' if n != 1 else ''} in {len(dyads)} dyad{'s' if len(dyads) != 1 else ''}, {span_text(xlim, geometry)}"
            f" (a lane per dyad; events overlapping in time {rows})",
            loc="left", fontweight="bold", pad=20 if tall else 8,
        )  # fmt: skip
        ax.annotate(COUNT_HEADING, (1, 0), xycoords=("axes fraction", title), xytext=(7, 0), textcoords="offset points", va="bottom",
                    ha="left", color="#555555", fontsize=7, fontweight="bold", annotation_clip=False, gid="count-heading")  # fmt: skip
        if not dyads:
            ax.text(0.5, 0.5, "no events", transform=ax.transAxes, ha="center", va="center")
        _legends(fig, height)
        return fig
