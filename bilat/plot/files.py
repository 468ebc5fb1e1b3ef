"""The chart files: ``<DYAD>.svg``/``.png`` per dyad and ``overview.svg``/``.png``, drawn in worker
processes for a large dataset. The output is deterministic: fixed figure sizes, dpi, font and SVG
hash salt, and no dates or software versions in the files."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from bilat.plot.draw import dyad_figure, overview_figure, style
from bilat.plot.geometry import LABEL_FIELDS
from bilat.workers import can_fork

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PARALLEL_ABOVE = 16  # dyads; fewer are drawn in this process
PLOT_COLUMNS = (
    "event_id", "event_type", "status", "dyad", "date", "date_precision", "date_start", "date_end", "follows", "summary", *LABEL_FIELDS,
)  # fmt: skip
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def _save(fig: Figure, path: Path) -> Path:
    with style():
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
    if jobs is None:
        jobs = min(os.cpu_count() or 1, 8) if charts > PARALLEL_ABOVE else 1
    if not can_fork():
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
        from bilat.workers import worker_pool

        with worker_pool(workers) as pool:
            results = list(pool.map(_run, tasks))  # the overview, the longest, goes first
    return sorted(path for paths in results for path in paths)
