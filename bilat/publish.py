"""Save: write the tables to a fresh directory beside the output and swap it in only when
everything is written. A build that dies part-way leaves the last good output in place; the
next build removes what it left behind."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from csv import QUOTE_MINIMAL
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from bilat.metadata import CHECKSUMS_FILE, DATASET_MARKER, TIMELINE_TABLE, TIMELINES_DIR
from bilat.problems import DataError, OutputError
from bilat.tables import to_arrow

STAGING_SUFFIX = ".staging"
RETIRING_SUFFIX = ".retiring"


def write_table(frame: pd.DataFrame, table: str, stem: Path, metadata: dict[str, str] | None = None, csv: bool = True) -> None:
    pq.write_table(
        to_arrow(table, frame, metadata),
        stem.with_suffix(".parquet"),
        compression="zstd",
        use_dictionary=True,
        write_statistics=True,
        store_schema=True,
    )
    if not csv:
        return
    frame.to_csv(
        stem.with_suffix(".csv"),
        index=False,
        date_format="%Y-%m-%d",
        lineterminator="\n",
        quoting=QUOTE_MINIMAL,
        encoding="utf-8",
    )


def write_dataset(
    tables: dict[str, pd.DataFrame],
    out: Path,
    keep: tuple[Path, ...] = (),
    metadata: dict[str, str] | None = None,
    extra_files: dict[str, str] | None = None,
    also: Callable[[Path], object] | None = None,
) -> None:
    """Write the tables, per-dyad timelines, ``extra_files`` and SHA256SUMS to ``out``,
    replacing it whole. ``keep`` lists directories (the seeds) that ``out`` must be neither
    equal to nor hold; ``metadata`` goes into every Parquet file's key-value metadata; ``also``
    writes whatever else belongs in the output (the plots) into the directory it is given."""
    out = out.absolute()
    _refuse_unsafe(out, keep)
    staging = out.with_name(out.name + STAGING_SUFFIX)
    retiring = out.with_name(out.name + RETIRING_SUFFIX)
    try:
        _recover(out, staging, retiring)
        staging.mkdir(parents=True)
        for name, frame in tables.items():
            write_table(frame, name, staging / name, metadata)
        timelines = staging / TIMELINES_DIR
        timelines.mkdir()
        events = tables[TIMELINE_TABLE]
        for dyad in sorted(events["dyad"].unique()):
            write_table(events[events["dyad"] == dyad].reset_index(drop=True), TIMELINE_TABLE, timelines / dyad, metadata)
        for name, text in (extra_files or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        if also is not None:
            also(staging)
        (staging / CHECKSUMS_FILE).write_text(checksums(staging), encoding="utf-8")
        _swap_in(staging, out, retiring)
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write {out.name}/: {err.strerror or err}") from None


def checksums(directory: Path) -> str:
    """``sha256sum``-compatible lines for every file under ``directory`` but SHA256SUMS itself."""
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(directory).as_posix()}"
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != CHECKSUMS_FILE
    ]
    return "\n".join(lines) + "\n"


def verify(directory: Path) -> list[str]:
    """One line per file that differs from SHA256SUMS: changed, missing or extra. DataError when
    there is nothing to verify against: no such directory, or no readable SHA256SUMS in it."""
    listed = directory / CHECKSUMS_FILE
    if not directory.is_dir():
        raise DataError(f"{directory.as_posix()} is not a directory; give the data directory to verify")
    if not listed.is_file():
        raise DataError(f"{listed.as_posix()} is missing, so nothing can be verified")
    expected = {}
    for number, line in enumerate(listed.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        digest, separator, name = line.partition("  ")
        if not (separator and re.fullmatch(r"[0-9a-f]{64}", digest) and name):
            raise DataError(f"{listed.as_posix()}:{number}: not a line of sha256sum output ('<64 hex digits>  <path>'): {line[:60]!r}")
        expected[name] = digest
    actual = dict(reversed(line.split("  ", 1)) for line in checksums(directory).splitlines() if line)
    report = [f"{name}: changed" for name in sorted(expected.keys() & actual.keys()) if expected[name] != actual[name]]
    report += [f"{name}: missing" for name in sorted(expected.keys() - actual.keys())]
    report += [f"{name}: extra (not in {CHECKSUMS_FILE})" for name in sorted(actual.keys() - expected.keys())]
    return report


def _refuse_unsafe(out: Path, keep: tuple[Path, ...]) -> None:
    for kept in keep:
        if kept.resolve().is_relative_to(out.resolve()):
            raise OutputError(f"{out} holds {kept}; a build replaces its output directory whole, so it must be a directory of its own")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file, not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / DATASET_MARKER).is_file():
        raise OutputError(f"{out} is not empty and holds no {DATASET_MARKER}: it does not look like bilat output, so it is not replaced")


def _recover(out: Path, staging: Path, retiring: Path) -> None:
    """Undo what an interrupted build left: a half-written staging directory, or an output
    that was moved aside but not yet replaced."""
    if staging.exists():
        shutil.rmtree(staging)
    if retiring.exists():
        if out.exists():
            shutil.rmtree(retiring)
        else:
            retiring.rename(out)


def _swap_in(staging: Path, out: Path, retiring: Path) -> None:
    if out.exists():
        out.rename(retiring)
    try:
        staging.rename(out)
    except OSError:
        if retiring.exists():
            retiring.rename(out)
        raise
    if retiring.exists():
        shutil.rmtree(retiring)
