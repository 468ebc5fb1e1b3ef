"""The timeline charts (bilat.plot): what they show, and that they are the same bytes every time."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bilat.plot.draw import COUNT_HEADING, MAX_ROWS, MAX_SUBROWS, SUBROW_PT, dyad_figure, overview_figure
from bilat.plot.files import render_dyad, render_plots
from bilat.plot.geometry import EPOCH, UNDATED_OPACITY, bar_pieces, event_geometry, fade_layers, pack_rows, x_limits
from tests.conftest import DATA, ROOT

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return pd.read_parquet(DATA / "events.parquet")


@pytest.fixture(scope="module")
def rendered(events: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("plots")
    return out, render_plots(events, out, jobs=1)


def svg_texts(path: Path) -> list[str]:
    """The text of every <text> element (the labels, ticks, titles), not ids or other attributes."""
    root = ET.parse(path).getroot()
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def synthetic(n: int, dyad: str = "AAA-BBB") -> pd.DataFrame:
    """n events of one dyad, with the dtypes of the published table: every precision, open starts
    and ends, a cluster of events on consecutive days, follows links and a '$' in a summary."""
    base = pd.read_parquet(DATA / "events.parquet")
    rows = base.iloc[np.arange(n) % len(base)].reset_index(drop=True).copy()
    rows["dyad"] = dyad
    rows["event_id"] = [f"T{i:08d}" for i in range(n)]
    rows["follows"] = [f"T{i - 1:08d}" if i % 7 == 3 else None for i in range(n)]
    rows["summary"] = "A deal worth $5 billion and 10% of $x$ was announced."
    rows[["visitor", "agreement_title", "instrument", "item"]] = None
    starts, ends, dates, precisions = [], [], [], []
    for i in range(n):
        spread, cluster = (
            pd.Timestamp("1979-03-01") + pd.Timedelta(days=int(i * 16000 / n)),
            pd.Timestamp("2015-03-01") + pd.Timedelta(days=i),
        )
        day = spread if i % 3 else cluster
        kind = ["day", "month", "year", "range", "open_start", "open_end", "day"][i % 7]
        if kind == "day":
            start, end, date = day, day, f"{day:%Y-%m-%d}"
        elif kind == "month":
            start, end, date = day.replace(day=1), day.replace(day=1) + pd.offsets.MonthEnd(0), f"{day:%Y-%m}"
        elif kind == "year":
            start, end, date = day.replace(month=1, day=1), day.replace(month=12, day=31), f"{day.year}"
        elif kind == "range":
            start, end, date = day, day + pd.Timedelta(days=400), f"{day:%Y-%m-%d}/{day + pd.Timedelta(days=400):%Y-%m-%d}"
        elif kind == "open_start":
            start, end, date = pd.NaT, day, f"../{day:%Y-%m-%d}"
        else:
            start, end, date = day, pd.NaT, f"{day:%Y-%m-%d}/.."
        precision = {"open_start": "unknown", "open_end": "unknown"}.get(kind, kind)
        starts.append(start), ends.append(end), dates.append(date), precisions.append(precision)
    rows["date_start"] = pd.Series(starts, dtype="datetime64[us]")
    rows["date_end"] = pd.Series(ends, dtype="datetime64[us]")
    rows["date"] = pd.Series(dates, dtype=base["date"].dtype)
    rows["date_precision"] = pd.Series(precisions, dtype=base["date_precision"].dtype)
    return rows


def inline(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    """An events frame built here, one (event_id, dyad, event_type, status, date) per row, the
    bounds and precision read from the date as bilat writes it: ``2015-01-20``, ``2010-06``,
    ``2007``, ``2010-06-01/2015-04-13``, ``../2017-12-31`` or ``2025-12-06/..``."""
    records = []
    for event_id, dyad, event_type, status, date in rows:
        first, _, last = date.partition("/")
        if not last:
            start = pd.Timestamp(first if len(first) > 4 else f"{first}-01-01")
            step = {10: pd.DateOffset(days=0), 7: pd.offsets.MonthEnd(0), 4: pd.offsets.YearEnd(0)}[len(first)]
            start, end, precision = start, start + step, {10: "day", 7: "month", 4: "year"}[len(first)]
        else:
            start = pd.NaT if first == ".." else pd.Timestamp(first)
            end = pd.NaT if last == ".." else pd.Timestamp(last)
            precision = "range" if first != ".." and last != ".." else "unknown"
        records.append({"event_id": event_id, "event_type": event_type, "status": status, "dyad": dyad, "date": date,
                        "date_precision": precision, "date_start": start, "date_end": end, "follows": None,
                        "summary": f"{event_type} {status} on {date}, a long enough summary to need a shortened label"})  # fmt: skip
    frame = pd.DataFrame.from_records(records)
    frame["date_start"] = frame["date_start"].astype("datetime64[us]")
    frame["date_end"] = frame["date_end"].astype("datetime64[us]")
    return frame


def crowded(overlapping: int) -> pd.DataFrame:
    """Dyad AAA-BBB with ``overlapping`` events that are all under way on 2015-01-20 (identical
    open-start visits, a cancelled range, two events on that day) and, inside the range, a month;
    AAA-CCC and AAA-DDD, its neighbours, have one event each."""
    same = max(overlapping - 3, 0)
    rows = [(f"V{i:08d}", "AAA-BBB", "visit", "occurred", "../2025-12-06") for i in range(same)]
    rows += [
        ("CANCELLED", "AAA-BBB", "sale", "cancelled", "2010-06-01/2015-04-13"),
        ("INSIDE", "AAA-BBB", "sale", "agreed", "2011-10"),
        ("DAYVISIT", "AAA-BBB", "visit", "occurred", "2015-01-20"),
        ("DAYSIGNED", "AAA-BBB", "agreement", "signed", "2015-01-20"),
        ("ABOVE", "AAA-CCC", "sale", "agreed", "2007"),
        ("BELOW", "AAA-DDD", "visit", "planned", "2025-12-06/.."),
    ]
    return inline(*rows)


def day_of(x: float) -> pd.Timestamp:
    return EPOCH + pd.Timedelta(days=float(x))


def axis_years(ax) -> str:  # noqa: ANN001
    """The years from the first to the last day an axes shows, as a title would state them."""
    lo, hi = ax.get_xlim()
    first, last = day_of(lo).year, day_of(hi - 1e-6).year
    return f"{first}–{last}" if last != first else str(first)


def title_years(title: str) -> str:
    found = re.search(r", (\d{4}(?:–\d{4})?)(?: |:|;|$)", title)
    assert found, f"no span in the title {title!r}"
    return found.group(1)


def drawn_marks(ax) -> np.ndarray:  # noqa: ANN001
    """Every piece of ink the events leave in a lane chart, as display boxes (x0, y0, x1, y1),
    line widths and marker edges included: bars and their pieces, edge lines, hatching, points.
    The lane bands (gid ``lane-…``) are not marks."""
    from matplotlib.collections import LineCollection, PathCollection, PolyCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath
    from matplotlib.transforms import Affine2D

    px = ax.figure.dpi / 72
    boxes = []

    def add(vertices: np.ndarray, pad: float) -> None:
        xy = ax.transData.transform(vertices)
        boxes.append((xy[:, 0].min() - pad, xy[:, 1].min() - pad, xy[:, 0].max() + pad, xy[:, 1].max() + pad))

    for artist in ax.collections:
        if isinstance(artist, PathCollection):  # scatter: one marker at each offset
            marker = artist.get_paths()[0]
            for (x, y), size, width in zip(artist.get_offsets(), np.broadcast_to(artist.get_sizes(), len(artist.get_offsets())),
                                           np.broadcast_to(artist.get_linewidths(), len(artist.get_offsets())), strict=True):  # fmt: skip
                extent = marker.transformed(Affine2D().scale(np.sqrt(size) * px)).get_extents()
                cx, cy = ax.transData.transform((x, y))
                pad = width / 2 * px
                boxes.append((cx + extent.x0 - pad, cy + extent.y0 - pad, cx + extent.x1 + pad, cy + extent.y1 + pad))
        elif isinstance(artist, (PolyCollection, LineCollection)):
            widths = np.broadcast_to(artist.get_linewidths(), len(artist.get_paths()))
            for path, width in zip(artist.get_paths(), widths, strict=True):
                add(path.vertices, width / 2 * px)
    for patch in ax.patches:
        if (patch.get_gid() or "").startswith("lane-") or not isinstance(patch, PathPatch):
            continue
        path, pad = patch.get_path(), patch.get_linewidth() / 2 * px
        starts = np.flatnonzero(path.codes == MplPath.MOVETO)
        for a, b in zip(starts, [*starts[1:], len(path.codes)], strict=True):
            add(path.vertices[a:b], pad)
    return np.array(boxes)


def visible_marks(ax) -> np.ndarray:  # noqa: ANN001
    """The marks a reader tells apart: pieces of ink that touch or overlap are one mark (a bar's
    pieces, edges and hatching; two events drawn over each other). Display boxes."""
    boxes = drawn_marks(ax)
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tolerance = 0.05
    order = np.argsort(boxes[:, 0])
    for n, i in enumerate(order):
        for j in order[n + 1 :]:
            if boxes[j, 0] > boxes[i, 2] + tolerance:
                break
            if boxes[j, 1] <= boxes[i, 3] + tolerance and boxes[i, 1] <= boxes[j, 3] + tolerance:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(boxes)):
        groups.setdefault(root(i), []).append(i)
    return np.array([[boxes[g, 0].min(), boxes[g, 1].min(), boxes[g, 2].max(), boxes[g, 3].max()] for g in groups.values()])


def lane_bands(ax) -> dict[str, tuple[float, float]]:  # noqa: ANN001
    """Display (bottom, top) of each lane, by the name in its gid."""
    bands = {}
    for patch in ax.patches:
        if (patch.get_gid() or "").startswith("lane-"):
            box = patch.get_window_extent()
            bands[patch.get_gid()[len("lane-") :]] = (box.y0, box.y1)
    return bands


def marks_per_lane(ax) -> dict[str, int]:  # noqa: ANN001
    """How many visible marks lie wholly inside each lane's band; every mark must lie in one."""
    bands = lane_bands(ax)
    counts = dict.fromkeys(bands, 0)
    for _, y0, _, y1 in visible_marks(ax):
        inside = [name for name, (bottom, top) in bands.items() if bottom <= y0 and y1 <= top]
        assert len(inside) == 1, f"a mark at y {y0:.1f}..{y1:.1f} px crosses a lane boundary ({bands})"
        counts[inside[0]] += 1
    return counts


def test_render_plots_writes_one_chart_per_dyad_and_the_overview(events: pd.DataFrame, rendered: tuple[Path, list[Path]]) -> None:
    out, paths = rendered
    dyads = sorted(events["dyad"].unique())
    expected = sorted(out / f"{name}.{suffix}" for name in [*dyads, "overview"] for suffix in ("svg", "png"))
    assert paths == expected
    assert all(path.stat().st_size > 0 for path in paths)
    assert all(path.read_bytes().startswith(b"\x89PNG") for path in paths if path.suffix == ".png")


def test_every_event_id_of_a_dyad_is_text_in_its_svg(events: pd.DataFrame, rendered: tuple[Path, list[Path]]) -> None:
    out, _ = rendered
    for dyad, group in events.groupby("dyad"):
        texts = svg_texts(out / f"{dyad}.svg")
        for event_id in group["event_id"]:
            assert any(text.startswith(f"{event_id}  ") for text in texts), f"{event_id} is not labelled in {dyad}.svg"


def test_overview_has_a_lane_for_every_dyad(events: pd.DataFrame, rendered: tuple[Path, list[Path]]) -> None:
    out, _ = rendered
    texts = svg_texts(out / "overview.svg")
    for dyad in events["dyad"].unique():
        assert dyad in texts, f"no lane for {dyad} in overview.svg"
    fig = overview_figure(events)
    labels = [tick.get_text() for tick in fig.axes[0].get_yticklabels()]
    assert labels == sorted(events["dyad"].unique())


def test_pack_rows_gives_overlapping_marks_rows_of_their_own_up_to_the_cap() -> None:
    lane = np.array([0, 0, 0, 0, 1, 1])
    left, right = np.array([0.0, 5.0, 5.0, 12.0, 0.0, 11.0]), np.array([10.0, 10.0, 10.0, 20.0, 10.0, 20.0])
    rows, per_lane, overflow = pack_rows(lane, left, right, gap=1.0, cap=8)
    assert list(rows) == [0, 1, 2, 0, 0, 0] and list(per_lane) == [3, 1] and not overflow.any()
    rows, per_lane, overflow = pack_rows(lane, left, right, gap=1.0, cap=2, lanes=3)
    assert list(per_lane) == [2, 1, 1] and list(overflow) == [True, False, False]
    assert set(rows[:3]) == {0, 1}


def test_overview_keeps_every_event_of_a_crowded_lane_visible_inside_it() -> None:
    frame = crowded(MAX_SUBROWS)  # as many under way at once as a lane has rows: every event apart
    fig = overview_figure(frame)
    fig.canvas.draw()
    ax = fig.axes[0]
    assert marks_per_lane(ax) == frame["dyad"].value_counts().to_dict() == {"AAA-BBB": MAX_SUBROWS + 1, "AAA-CCC": 1, "AAA-DDD": 1}
    bottom, top = lane_bands(ax)["AAA-BBB"]
    assert top - bottom >= MAX_SUBROWS * SUBROW_PT * fig.dpi / 72, "the crowded lane grew"
    assert "on rows of their own" in ax.get_title(loc="left")


def test_overview_lane_with_more_overlapping_events_than_rows_stays_inside_its_band_and_says_so() -> None:
    frame = crowded(3 * MAX_SUBROWS)
    fig = overview_figure(frame)
    fig.canvas.draw()
    ax = fig.axes[0]
    counts = marks_per_lane(ax)  # asserts that no mark crosses a lane boundary
    assert counts["AAA-CCC"] == counts["AAA-DDD"] == 1 and 1 <= counts["AAA-BBB"] <= MAX_SUBROWS
    assert f"on up to {MAX_SUBROWS} rows, then over each other" in ax.get_title(loc="left")


def test_overview_of_the_data_shows_each_event_as_its_own_mark_in_its_lane(events: pd.DataFrame) -> None:
    fig = overview_figure(events)
    fig.canvas.draw()
    assert marks_per_lane(fig.axes[0]) == events["dyad"].value_counts().to_dict()


def test_overview_open_bars_have_no_edge_line_at_the_axis_edges(events: pd.DataFrame) -> None:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    ax = overview_figure(events).axes[0]
    left, right = ax.get_xlim()
    edges = []
    for patch in ax.patches:  # the open bars' edges: compound paths of separate segments
        codes = patch.get_path().codes if isinstance(patch, PathPatch) else None
        if (
            codes is not None
            and patch.get_linewidth() > 0
            and (codes[0::2] == MplPath.MOVETO).all()
            and (codes[1::2] == MplPath.LINETO).all()
        ):
            edges.append(patch.get_path().vertices.reshape(-1, 2, 2))
    segments = np.concatenate(edges)
    vertical = segments[:, 0, 0] == segments[:, 1, 0]
    assert vertical.sum() == events[["date_start", "date_end"]].isna().any(axis=1).sum(), "one across each open bar's known end"
    assert not np.isclose(segments[vertical, 0, 0], left).any() and not np.isclose(segments[vertical, 0, 0], right).any()


def test_overview_counts_have_a_heading_above_them(events: pd.DataFrame) -> None:
    fig = overview_figure(events)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    counts = [t for t in ax.texts if (t.get_gid() or "").startswith("count-") and t.get_gid() != "count-heading"]
    heading = next(t for t in ax.texts if t.get_gid() == "count-heading")
    assert heading.get_text() == COUNT_HEADING == "events"
    assert sorted(int(t.get_text()) for t in counts) == sorted(events["dyad"].value_counts())
    box = heading.get_window_extent(renderer)
    assert all(box.x0 == pytest.approx(t.get_window_extent(renderer).x0, abs=1) for t in counts), "aligned with the column"
    assert box.y0 > max(t.get_window_extent(renderer).y1 for t in counts) and box.y0 >= ax.get_window_extent(renderer).y1
    assert fig.bbox.contains(box.x1, box.y1), "inside the figure"
    assert not box.overlaps(ax.title.get_window_extent(renderer))


def test_titles_state_the_years_their_axis_shows(events: pd.DataFrame) -> None:
    figures = [overview_figure(events), overview_figure(crowded(4)), *(dyad_figure(events, d) for d in sorted(events["dyad"].unique()))]
    figures.append(dyad_figure(synthetic(MAX_ROWS + 15), "AAA-BBB"))
    for fig in figures:
        fig.canvas.draw()
        for ax in fig.axes:
            title = ax.get_title(loc="left")
            if title.startswith("the ") or ", " in title:
                assert title_years(title) == axis_years(ax), title


def test_a_margin_adds_no_year_to_the_span() -> None:
    frame = inline(("A", "AAA-BBB", "sale", "agreed", "2007"), ("B", "AAA-BBB", "visit", "occurred", "2015-04-13"))
    lo, hi = x_limits(event_geometry(frame))
    assert day_of(lo) == pd.Timestamp("2007-01-01") and day_of(hi).year == 2015 and day_of(hi) > pd.Timestamp("2015-04-14")
    assert dyad_figure(frame, "AAA-BBB").axes[0].get_title(loc="left") == "AAA-BBB: 2 events, 2007–2015"


def test_a_chart_with_no_date_says_undated(events: pd.DataFrame) -> None:
    assert ", undated (" in overview_figure(events.iloc[:0]).axes[0].get_title(loc="left")
    frame = inline(("A", "AAA-BBB", "visit", "occurred", "../.."))
    assert dyad_figure(frame, "AAA-BBB").axes[0].get_title(loc="left") == "AAA-BBB: 1 event, undated"


def test_rebuild_gives_identical_bytes_also_in_parallel(events: pd.DataFrame, rendered: tuple[Path, list[Path]], tmp_path: Path) -> None:
    out, paths = rendered
    again = render_plots(events, tmp_path, jobs=2)
    assert [p.name for p in again] == [p.name for p in paths]
    for first, second in zip(paths, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), f"{first.name} differs between two renders"


def test_one_dyad_alone_gives_the_same_files(events: pd.DataFrame, rendered: tuple[Path, list[Path]], tmp_path: Path) -> None:
    out, _ = rendered
    paths = render_dyad(events, "IRN-RUS", tmp_path)
    assert [p.name for p in paths] == ["IRN-RUS.svg", "IRN-RUS.png"]
    assert all(p.read_bytes() == (out / p.name).read_bytes() for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["IRN-RUS.png", "IRN-RUS.svg"]
    with pytest.raises(ValueError):
        render_dyad(events, "AAA-ZZZ", tmp_path)


def test_files_carry_no_date_or_software_version(rendered: tuple[Path, list[Path]]) -> None:
    _, paths = rendered
    for path in paths:
        data = path.read_bytes()
        assert b"<dc:date>" not in data and b"Matplotlib v" not in data and b"Software" not in data, path.name


def test_year_precision_is_a_span_of_the_year_and_only_day_precision_is_a_point(events: pd.DataFrame) -> None:
    geometry = event_geometry(events).set_index("event_id")
    year = geometry.loc["93CATQVMK"]  # "2007"
    assert not year["is_point"]
    assert year["x_end"] - year["x_start"] == pytest.approx(365.0)
    assert pd.Timestamp("1970-01-01") + pd.Timedelta(days=year["x_start"]) == pd.Timestamp("2007-01-01")
    month = geometry.loc["WG0E46M0H"]  # "2010-06"
    assert not month["is_point"] and month["x_end"] - month["x_start"] == pytest.approx(30.0)
    day = geometry.loc["CB31KRM6G"]  # "2015-01-20"
    assert day["is_point"] and day["x_start"] == day["x_end"]
    is_day = events.set_index("event_id")["date_precision"] == "day"
    assert (geometry["is_point"] == is_day.reindex(geometry.index)).all()
    open_start = geometry.loc["18FQMQRVU"]  # "../2017-12-31"
    assert open_start["open_start"] and np.isnan(open_start["x_start"]) and not open_start["open_end"]


def test_year_event_is_drawn_as_a_bar_over_the_year(events: pd.DataFrame) -> None:
    fig = dyad_figure(events, "IRN-RUS")
    bar = next(a for a in fig.axes[0].patches if a.get_gid() == "event-93CATQVMK")
    assert bar.get_width() == pytest.approx(365.0)


def open_bar(ax, event_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # noqa: ANN001
    """An open-ended bar of a dyad chart as drawn: its fill layers (x0, x1) and their opacity,
    its edge segments ((x0, y0), (x1, y1)) and theirs."""
    fill = next(c for c in ax.collections if c.get_gid() == f"event-{event_id}")
    edges = next(c for c in ax.collections if c.get_gid() == f"edge-{event_id}")
    pieces = np.array([(path.vertices[:, 0].min(), path.vertices[:, 0].max()) for path in fill.get_paths()])
    segments = np.array([path.vertices[[0, -1]] for path in edges.get_paths()])
    return pieces, fill.get_facecolors()[:, 3], segments, edges.get_colors()[:, 3]


def composite(layers: np.ndarray, opacity: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """The opacity the fill layers (x0, x1) compose to at each x."""
    covering = (layers[:, :1] <= xs) & (xs <= layers[:, 1:])
    return 1 - np.prod(np.where(covering, 1 - opacity[:, None], 1.0), axis=0)


def test_fade_layers_compose_to_the_pieces_and_never_abut() -> None:
    x0, x1, start, end = (
        np.array([0.0, 0.0, 0.0]),
        np.array([8.0, 8.0, 8.0]),
        np.array([True, False, False]),
        np.array([False, True, False]),
    )
    owner, left, right, alpha = fade_layers(x0, x1, start, end, np.array([1.0, 0.5, 1.0]))
    pieces = bar_pieces(x0, x1, start, end)
    for bar, strength in ((0, 1.0), (1, 0.5), (2, 1.0)):
        mine, theirs = owner == bar, pieces[0] == bar
        middles = (pieces[1][theirs] + pieces[2][theirs]) / 2
        layers = np.column_stack([left[mine], right[mine]])
        assert composite(layers, alpha[mine], middles) == pytest.approx(pieces[3][theirs] * strength)
        assert (left[mine] == 0.0).all() or (right[mine] == 8.0).all(), "every layer reaches the known end"


def test_an_open_start_fades_out_to_the_axis_edge_and_has_no_edge_line_there(events: pd.DataFrame) -> None:
    fig = dyad_figure(events, "SDF-USA")  # its one event is "../2017-12-31": armed by then, since when is not known
    ax = fig.axes[0]
    left, right = ax.get_xlim()
    end = (pd.Timestamp("2018-01-01") - EPOCH) / pd.Timedelta(days=1)
    layers, opacity, segments, edge_opacity = open_bar(ax, "18FQMQRVU")
    assert layers[:, 0].min() == pytest.approx(left) and layers[:, 1].max() == pytest.approx(end) and end < right
    seen = composite(layers, opacity, np.linspace(left, end, 50)[1:-1])
    assert np.all(np.diff(seen) >= 0) and seen[-1] > seen[0], "the fill grows stronger towards the known end"
    assert seen[0] < 0.05 and seen[-1] > 0.95
    vertical = segments[:, 0, 0] == segments[:, 1, 0]
    assert list(segments[vertical, 0, 0]) == [pytest.approx(end)], "an edge line across the known end only"
    assert edge_opacity[vertical] == pytest.approx(1.0)
    at_the_edge = ~vertical & np.isclose(np.minimum(segments[:, 0, 0], segments[:, 1, 0]), left)
    assert at_the_edge.sum() == 2 and np.all(edge_opacity[at_the_edge] < 0.05), "top and bottom edges fade out too"
    assert not [line for line in ax.lines if line.get_marker() in ("<", ">")], "no arrowhead at the axis edge"
    geometry = event_geometry(events).set_index("event_id").loc["18FQMQRVU"]
    assert geometry["open_start"] and not geometry["open_end"]


def test_an_open_end_fades_out_to_the_right_edge(events: pd.DataFrame) -> None:
    fig = dyad_figure(events, "IRN-TUR")  # 0FVG9M0T5 is "2025-12-06/..", planned: hollow
    ax = fig.axes[0]
    start = (pd.Timestamp("2025-12-06") - EPOCH) / pd.Timedelta(days=1)
    layers, opacity, segments, edge_opacity = open_bar(ax, "0FVG9M0T5")
    assert layers[:, 0].min() == pytest.approx(start) and layers[:, 1].max() == pytest.approx(ax.get_xlim()[1])
    seen = composite(layers, opacity, np.linspace(start, ax.get_xlim()[1], 50)[1:-1])
    assert np.all(np.diff(seen) <= 0) and seen[0] > 0.9 and seen[-1] < 0.05, "white, fading out to the right"
    vertical = segments[:, 0, 0] == segments[:, 1, 0]
    assert list(segments[vertical, 0, 0]) == [pytest.approx(start)]
    rightmost = ~vertical & np.isclose(np.maximum(segments[:, 0, 0], segments[:, 1, 0]), ax.get_xlim()[1])
    assert rightmost.sum() == 2 and np.all(edge_opacity[rightmost] < 0.05)


def test_bar_pieces_fade_towards_the_open_side_and_leave_a_closed_bar_whole() -> None:
    owner, left, right, opacity = bar_pieces(np.array([0.0, 0.0, 0.0]), np.array([10.0, 10.0, 10.0]), np.array([False, True, True]),
                                             np.array([False, False, True]), steps=4)  # fmt: skip
    assert list(owner) == [0, 1, 1, 1, 1, 2]
    assert (left[0], right[0], opacity[0]) == (0.0, 10.0, 1.0)
    assert list(left[1:5]) == [0.0, 2.5, 5.0, 7.5] and list(right[1:5]) == [2.5, 5.0, 7.5, 10.0]
    assert list(opacity[1:5]) == [0.125, 0.375, 0.625, 0.875]  # rising from the open start
    assert (left[5], right[5], opacity[5]) == (0.0, 10.0, UNDATED_OPACITY)  # open at both ends, no date known: pale all along


def test_the_legend_says_how_an_open_side_is_drawn(events: pd.DataFrame) -> None:
    for fig in (dyad_figure(events, "SDF-USA"), overview_figure(events)):
        texts = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
        assert "open-ended: fades out towards the side not known" in texts


def test_follows_links_are_drawn_as_connectors(events: pd.DataFrame) -> None:
    fig = dyad_figure(events, "IRN-RUS")  # KM71SBP7N follows 93CATQVMK
    assert [a.get_gid() for a in fig.axes[0].patches if (a.get_gid() or "").startswith("follows-")] == ["follows-KM71SBP7N"]


@pytest.mark.parametrize("n", [25, MAX_ROWS + 15])
def test_labels_do_not_overlap_stay_inside_and_never_cover_a_point(n: int) -> None:
    frame = synthetic(n)
    fig = dyad_figure(frame, "AAA-BBB")
    fig.canvas.draw()  # places the labels' boxes as in the files
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("label-")]
    assert len(labels) == min(n, MAX_ROWS)
    boxes = []
    for label in labels:
        box = label.get_bbox_patch().get_window_extent(renderer)
        boxes.append(box)
        assert ax.get_window_extent(renderer).x0 <= box.x0 and box.x1 <= ax.get_window_extent(renderer).x1, label.get_text()
        assert fig.bbox.contains(box.x0, box.y0) and fig.bbox.contains(box.x1, box.y1)
    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            assert not first.overlaps(second)
    points = {line.get_gid()[len("event-") :]: line for line in ax.lines if (line.get_gid() or "").startswith("event-")}
    for label, box in zip(labels, boxes, strict=True):
        point = points.get(label.get_gid()[len("label-") :])
        if point is not None:
            x, y = ax.transData.transform((point.get_xdata()[0], point.get_ydata()[0]))
            assert not box.contains(x, y), f"{label.get_text()} covers its point"
    texts = [t.get_text() for t in ax.texts]
    assert any("$5 billion" in t for t in texts)  # '$' is text, not mathtext


def hatched_and_points(ax, renderer) -> tuple[dict[str, object], dict[str, object]]:  # noqa: ANN001
    """Display boxes of the hatched (reversed) bars and of the points of a dyad chart, by event ID."""
    from matplotlib.transforms import Bbox

    hatched, points = {}, {}
    for artist in [*ax.patches, *ax.collections]:
        gid = artist.get_gid() or ""
        if gid.startswith("event-") and artist.get_hatch():
            if hasattr(artist, "get_paths"):
                xy = ax.transData.transform(np.concatenate([path.vertices for path in artist.get_paths()]))
                hatched[gid[len("event-") :]] = Bbox([xy.min(axis=0), xy.max(axis=0)])
            else:
                hatched[gid[len("event-") :]] = artist.get_window_extent(renderer)
    for line in ax.lines:
        if (line.get_gid() or "").startswith("event-"):
            points[line.get_gid()[len("event-") :]] = line.get_window_extent(renderer)
    return hatched, points


HATCHED = inline(
    ("EARLY", "AAA-BBB", "visit", "occurred", "2000-03-01"),
    ("WIDE", "AAA-BBB", "sale", "cancelled", "../2020-01-31"),  # from the axis edge to near the other: no room beside it
    ("HALF", "AAA-BBB", "sale", "cancelled", "2004-05-01/2019-12-31"),  # room on the left only, to be shortened into
    ("BESIDE", "AAA-BBB", "agreement", "signed", "2004-06-02"),
    ("OPEN", "AAA-BBB", "agreement", "terminated", "2012-01-01/.."),
    ("POINT", "AAA-BBB", "visit", "cancelled", "2012-01-02"),
    ("LATE", "AAA-BBB", "visit", "occurred", "2020-02-01"),
)


@pytest.mark.parametrize("case", ["hatched", "synthetic-25", "synthetic-capped", "data"])
def test_no_label_covers_a_hatched_bar_or_a_point(case: str, events: pd.DataFrame) -> None:
    charts = {
        "hatched": [(HATCHED, "AAA-BBB")],
        "synthetic-25": [(synthetic(25), "AAA-BBB")],
        "synthetic-capped": [(synthetic(MAX_ROWS + 15), "AAA-BBB")],
        "data": [(events, dyad) for dyad in sorted(events["dyad"].unique())],
    }[case]
    for frame, dyad in charts:
        fig = dyad_figure(frame, dyad)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        hatched, points = hatched_and_points(ax, renderer)
        for label in (t for t in ax.texts if (t.get_gid() or "").startswith("label-")):
            own = label.get_gid()[len("label-") :]
            box = label.get_bbox_patch().get_window_extent(renderer)
            for event_id, point in points.items():
                assert not box.overlaps(point), f"{label.get_text()!r} covers the point of {event_id}"
            for event_id, bar in hatched.items():
                if box.overlaps(bar):
                    opaque = label.get_bbox_patch().get_alpha() == 1.0 and label.get_bbox_patch().get_facecolor()[:3] == (1, 1, 1)
                    assert event_id == own and opaque, f"{label.get_text()!r} is drawn over the hatching of {event_id}"
    if case == "hatched":
        labels = {t.get_gid()[len("label-") :]: t for t in ax.texts if (t.get_gid() or "").startswith("label-")}
        assert labels["HALF"].get_text().endswith("…") and labels["HALF"].get_horizontalalignment() == "right", "shortened, left of it"
        assert labels["WIDE"].get_bbox_patch().get_alpha() == 1.0, "nowhere beside it: over it, on an opaque box"


def test_large_dyad_is_capped_with_the_rest_in_type_lanes() -> None:
    n = MAX_ROWS + 15
    fig = dyad_figure(synthetic(n), "AAA-BBB")
    lanes, rows = fig.axes[1], fig.axes[0]
    assert f"the {MAX_ROWS} most recent" in rows.get_title(loc="left")
    assert f"{n} events" in lanes.get_title(loc="left")
    assert sum(int(t.get_text().split("(")[1].rstrip(")")) for t in lanes.get_yticklabels()) == n
    fig.canvas.draw()
    counts = marks_per_lane(lanes)  # no mark crosses out of its type's lane
    assert set(counts) == {"visit", "agreement", "sanction", "sale"} and all(counts.values())


def test_importing_bilat_plot_does_not_import_matplotlib() -> None:
    code = "import sys, bilat.plot; assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_rendering_leaves_matplotlib_settings_alone(tmp_path: Path) -> None:
    import matplotlib

    before = dict(matplotlib.rcParams)
    render_plots(synthetic(8), tmp_path, jobs=1)
    assert dict(matplotlib.rcParams) == before
    assert "matplotlib.pyplot" not in sys.modules or not __import__("matplotlib.pyplot").pyplot.get_fignums()


def test_plot_command_redraws_into_the_data_directory_and_keeps_it_verifiable(tmp_path: Path, capsys) -> None:
    import shutil

    from bilat.cli import main

    copy = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data", copy)
    shutil.rmtree(copy / "plots")
    assert main(["plot", "--data", str(copy)]) == 0
    assert (copy / "plots" / "overview.svg").is_file() and (copy / "plots" / "IRN-RUS.png").is_file()
    assert main(["verify", str(copy)]) == 0
    assert main(["plot", "--data", str(copy), "--dyad", "XXX-YYY"]) == 1
    assert "no events for the dyad XXX-YYY" in capsys.readouterr().err
