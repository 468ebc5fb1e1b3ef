"""Save: write the tables to a fresh directory beside the output and swap it in only when
everything is written. A build that dies part-way leaves the last good output in place; the
next build removes what it left behind."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import warnings
from collections.abc import Callable
from csv import QUOTE_MINIMAL
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from bilat.metadata import CHECKSUMS_FILE, DATASET_MARKER, TABLES, TIMELINE_TABLE, TIMELINES_DIR, Table, table_entry
from bilat.problems import DataError, OutputError
from bilat.tables import to_arrow

STAGING_SUFFIX = ".staging"
RETIRING_SUFFIX = ".retiring"
STATA_EPOCH = dt.datetime(1960, 1, 1)
"""The time stamp of the Stata files of a build that is no release: Stata's own day zero."""
STATA_LABEL_LENGTH = 80


def write_table(
    frame: pd.DataFrame,
    table: str | Table,
    stem: Path,
    metadata: dict[str, str] | None = None,
    csv: bool = True,
    stata_time_stamp: dt.datetime | None = None,
) -> None:
    """``stem`` with ``.parquet`` and, unless not ``csv``, ``.csv``; with ``stata_time_stamp``, also ``.dta``."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    if stata_time_stamp is not None:
        version = (metadata or {}).get("bilat.version")
        label = f"bilat {table_entry(table).name}" + (f", version {version}" if version else "")
        write_stata(frame, table, stem.with_suffix(".dta"), label, stata_time_stamp)
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


def write_stata(frame: pd.DataFrame, table: str | Table, path: Path, data_label: str, time_stamp: dt.datetime) -> None:
    """A Stata 118 file (Unicode) of one table: categories as value labels, dates as daily dates (%td),
    missing integers as ``.``, text longer than Stata's 2045 bytes as strL, and each column's description
    as its variable label. The bytes depend only on the frame, the label and ``time_stamp``."""
    columns = table_entry(table).columns
    # Stata has no missing text but the empty string, and pandas refuses a text column that is all missing.
    frame = frame.assign(**{c.name: frame[c.name].fillna("") for c in columns if c.type.kind == "string"})
    # Categories go in as their numbers with every category labelled, used or not (which pandas' own
    # conversion of a categorical column does not do, nor for a table with no rows).
    categories = [c for c in columns if c.type.kind == "category"]
    frame = frame.assign(**{c.name: _category_numbers(frame[c.name], c.type.categories) for c in categories})
    value_labels = {c.name: dict(enumerate(c.type.categories)) for c in categories}
    with warnings.catch_warnings():
        # A column Stata would rename or a number it would round is a bug to fix, not a file to publish.
        warnings.simplefilter("error", pd.errors.InvalidColumnName)
        warnings.simplefilter("error", pd.errors.PossiblePrecisionLoss)
        frame.to_stata(
            path,
            version=118,
            write_index=False,
            byteorder="little",
            convert_dates={c.name: "td" for c in columns if c.type.kind == "date"},
            time_stamp=time_stamp,
            data_label=stata_label(data_label),
            variable_labels={c.name: stata_label(c.description) for c in columns},
            value_labels=value_labels,
        )


def _category_numbers(values: pd.Series, categories: tuple[str, ...]) -> pd.Series:
    codes = pd.Categorical(values, categories=list(categories)).codes
    return pd.Series(codes, index=values.index, dtype="Int16").mask(codes < 0)


def stata_label(text: str) -> str:
    """``text`` within Stata's 80 characters: whole if it fits, else cut at a word and marked with an ellipsis."""
    if len(text) <= STATA_LABEL_LENGTH:
        return text
    return text[: STATA_LABEL_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def write_dataset(
    tables: dict[str, pd.DataFrame],
    out: Path,
    keep: tuple[Path, ...] = (),
    metadata: dict[str, str] | None = None,
    extra_files: dict[str, str] | None = None,
    also: Callable[[Path], object] | None = None,
    stata_time_stamp: dt.datetime = STATA_EPOCH,
) -> None:
    """Write the tables, per-dyad timelines, ``extra_files`` and SHA256SUMS to ``out``,
    replacing it whole (where it points, when it is a symlink). ``keep`` lists directories (the
    seeds, the release record) that ``out`` must neither be, hold, nor lie in; ``metadata`` goes
    into every Parquet file's key-value metadata; ``also`` writes whatever else belongs in the
    output (the plots) into the directory it is given;
    the tables published in Stata's format carry ``stata_time_stamp``."""
    out = _target(out.absolute())
    _refuse_unsafe(out, keep)
    staging = out.with_name(out.name + STAGING_SUFFIX)
    retiring = out.with_name(out.name + RETIRING_SUFFIX)
    try:
        _recover(out, staging, retiring)
        staging.mkdir(parents=True)
        for name, frame in tables.items():
            table = TABLES[name]
            write_table(frame, name, staging / table.path, metadata, stata_time_stamp=stata_time_stamp if table.stata else None)
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


def _target(out: Path) -> Path:
    """Where the output really goes: a symlinked output directory is replaced where it points, and
    the link keeps pointing there."""
    if not out.is_symlink():
        return out
    target = out.resolve()
    if not target.is_dir() and target.exists():
        raise OutputError(f"{out} is a symlink to {target}, which is not a directory")
    return target


def _refuse_unsafe(out: Path, keep: tuple[Path, ...]) -> None:
    """Never write over, into or around the seeds or the release record (``keep``)."""
    for kept in keep:
        if kept.resolve() == out.resolve():
            raise OutputError(f"{out} is {kept}: bilat never replaces the seeds or the release record, so choose another --out")
        if kept.resolve().is_relative_to(out.resolve()):
            raise OutputError(f"{out} holds {kept}; a build replaces its output directory whole, so it must be a directory of its own")
        if out.resolve().is_relative_to(kept.resolve()):
            raise OutputError(f"{out} is inside {kept}; bilat never writes into the seeds or the release record, so choose another --out")
    if (out / "release.yaml").exists():
        raise OutputError(f"{out} holds release.yaml: it is a release record, not bilat output, so it is not replaced")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file, not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / DATASET_MARKER).is_file():
        raise OutputError(f"{out} is not empty and holds no {DATASET_MARKER}: it does not look like bilat output, so it is not replaced")


def _recover(out: Path, staging: Path, retiring: Path) -> None:
    """Undo what an interrupted build left: a half-written staging directory, or an output
    that was moved aside but not yet replaced."""
    for leftover in (staging, retiring):
        if leftover.is_symlink() or leftover.is_file():  # not a build's: a build leaves directories
            raise OutputError(f"{leftover} is in the way of the build and is not a directory it left; move it or remove it")
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
