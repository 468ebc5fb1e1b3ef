"""The timeline charts (bilat.plot): what they show, and that they are the same bytes every time."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bilat.plot.draw import MAX_ROWS, dyad_figure, overview_figure
from bilat.plot.files import render_dyad, render_plots
from bilat.plot.geometry import event_geometry
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


def test_open_start_bar_reaches_the_left_edge_of_the_axis(events: pd.DataFrame) -> None:
    fig = dyad_figure(events, "SDF-USA")  # its one event is "../2017-12-31"
    ax = fig.axes[0]
    bar = next(a for a in ax.patches if a.get_gid() == "event-18FQMQRVU")
    left, right = ax.get_xlim()
    assert bar.get_x() == pytest.approx(left)
    end = (pd.Timestamp("2018-01-01") - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
    assert bar.get_x() + bar.get_width() == pytest.approx(end)
    assert end < right
    heads = [line for line in ax.lines if line.get_marker() == "<"]
    assert [line.get_xdata()[0] for line in heads] == [pytest.approx(left)]


def test_open_end_bar_reaches_the_right_edge(events: pd.DataFrame) -> None:
    fig = dyad_figure(events, "IRN-TUR")  # 0FVG9M0T5 is "2025-12-06/.."
    ax = fig.axes[0]
    bar = next(a for a in ax.patches if a.get_gid() == "event-0FVG9M0T5")
    assert bar.get_x() + bar.get_width() == pytest.approx(ax.get_xlim()[1])


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


def test_large_dyad_is_capped_with_the_rest_in_type_lanes() -> None:
    n = MAX_ROWS + 15
    fig = dyad_figure(synthetic(n), "AAA-BBB")
    lanes, rows = fig.axes[1], fig.axes[0]
    assert f"the {MAX_ROWS} most recent" in rows.get_title(loc="left")
    assert f"{n} events" in lanes.get_title(loc="left")
    assert sum(int(t.get_text().split("(")[1].rstrip(")")) for t in lanes.get_yticklabels()) == n


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
