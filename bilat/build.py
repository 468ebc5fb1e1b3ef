"""The pipeline: load → validate and normalize → tabulate → write.

Each stage is a function from typed records to typed records; files are read only by the
first stage and written only by the last (see ARCHITECTURE.md).

Error policy: ``check`` raises one ``InputError`` holding every problem of the tree; saving
raises ``OutputError`` and leaves the last good output in place.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from bilat.datapackage import datapackage
from bilat.dates import DateNormalizer, DateReader
from bilat.metadata import CHECKSUMS_FILE, DATAPACKAGE_FILE, PLOTS_DIR
from bilat.models import ActorRegistry, EventsFile, RetiredIds
from bilat.normalize import Checked, code_events, date_texts, tree_problems
from bilat.plot.files import render_dyad, render_plots
from bilat.problems import InputError, Problem
from bilat.publish import checksums, write_dataset, write_table
from bilat.release import (
    CHANGELOG_HEAD,
    NOT_RELEASED,
    RECORD_FILE,
    UNRELEASED,
    Release,
    ReleaseEntry,
    ReleaseRecord,
    changelog_section,
    check_new_version,
    citation_cff,
    default_release_dir,
    event_delta,
    load_release,
    next_version,
)
from bilat.seeds import Seeds, load_seeds, loading
from bilat.tables import tabulate, to_frame
from bilat.yamlio import canonical_yaml

SCHEMA_MODELS = {"events": EventsFile, "actors": ActorRegistry, "retired": RetiredIds}


def check(seeds_dir: Path, release_dir: Path | None = None) -> Checked:
    """Load and validate everything; InputError lists every problem. Writes nothing. What is
    loaded is left out of garbage collection (see ``seeds.loading``)."""
    with loading():
        seeds, normalizers = _load_reading_dates(seeds_dir)
        codings = code_events(seeds, normalizers)
    try:
        release, release_problems = load_release(release_dir or default_release_dir(seeds_dir)), []
    except InputError as err:
        release, release_problems = Release(UNRELEASED, None, None, NOT_RELEASED), err.problems
    problems = tree_problems(
        seeds,
        seeds.problems,
        [coding.facts for coding in codings],
        [problem for coding in codings for problem in coding.problems],
        release.released,
        release_problems,
        seeds_dir.as_posix(),
    )
    if problems:
        raise InputError(problems)
    return Checked(seeds, codings, release)


def _load_reading_dates(seeds_dir: Path) -> tuple[Seeds, dict[str, DateNormalizer]]:
    """``load_seeds``, with dateparser reading each document's dates on the other cores as it loads."""
    with DateReader() as reader:
        seeds = load_seeds(seeds_dir, each=lambda document: reader.add(document.meta.language, date_texts(document)))
        return seeds, reader.normalizers()


def build_tables(checked: Checked) -> dict[str, pd.DataFrame]:
    """The published tables of a checked tree, with the last release's delta as ``changes``."""
    return tabulate(checked.seeds, checked.events, checked.release.changes)


def build(seeds_dir: Path, out: Path, release_dir: Path | None = None, plots: bool = True) -> dict[str, pd.DataFrame]:
    checked = check(seeds_dir, release_dir)
    tables = build_tables(checked)
    publish(tables, checked.release.record, seeds_dir, out, plots)
    return tables


def publish(tables: dict[str, pd.DataFrame], record: ReleaseRecord, seeds_dir: Path, out: Path, plots: bool = True) -> None:
    """Save: the tables, ``datapackage.json`` and the charts, stamped with the record's latest release."""
    version = record.latest.version if record.latest else "unreleased"
    package = datapackage(record, sorted(tables["events"]["dyad"].unique()))
    write_dataset(
        tables,
        out,
        keep=(seeds_dir,),
        metadata={"bilat.version": version},
        extra_files={DATAPACKAGE_FILE: json.dumps(package, indent=2, ensure_ascii=False) + "\n"},
        also=(lambda staging: render_plots(tables["events"], staging / PLOTS_DIR)) if plots else None,
    )


def cut_release(
    seeds_dir: Path, out: Path, date: str, version: str | None = None, release_dir: Path | None = None
) -> tuple[ReleaseEntry, pd.DataFrame]:
    """Compare a fresh build with the last release; record the new release (snapshot, delta,
    CHANGELOG.md and CITATION.cff beside the seeds) and rebuild ``out`` stamped with it."""
    release_dir = release_dir or default_release_dir(seeds_dir)
    checked = check(seeds_dir, release_dir)
    if checked.release.record is UNRELEASED:
        raise InputError([Problem(f"{release_dir.as_posix()}/{RECORD_FILE}", 1, 1, "(file)", "no release record; create it first")])
    tables = tabulate(checked.seeds, checked.events)
    record, snapshot = checked.release.record, checked.release.snapshot
    delta = event_delta(snapshot, tables["events"], tables["retired"])
    if record.latest is not None and delta.empty:
        raise InputError([Problem(f"{release_dir.as_posix()}/{RECORD_FILE}", 1, 1, "releases", "nothing changed since the last release")])
    columns_changed = snapshot is not None and list(snapshot.columns) != list(tables["events"].columns)
    version = version or next_version(record.latest, delta, columns_changed)
    check_new_version(record.latest, version, date)
    counts = delta["change"].value_counts()
    entry = ReleaseEntry(
        version=version,
        date=date,
        events=len(tables["events"]),
        added=int(counts.get("added", 0)),
        changed=int(counts.get("changed", 0)),
        retired=int(counts.get("retired", 0)),
    )
    record = record.model_copy(update={"releases": [*record.releases, entry]})
    tables["changes"] = to_frame("changes", delta.assign(version=version).to_dict("records"))
    write_table(tables["events"], "events", release_dir / "events", {"bilat.version": version}, csv=False)
    write_table(tables["changes"], "changes", release_dir / "changes", csv=False)
    (release_dir / RECORD_FILE).write_text(canonical_yaml(record), encoding="utf-8")
    changelog = seeds_dir.parent / "CHANGELOG.md"
    previous = changelog.read_text(encoding="utf-8").removeprefix(CHANGELOG_HEAD) if changelog.exists() else ""
    changelog.write_text(CHANGELOG_HEAD + changelog_section(entry, delta, tables["events"]) + previous, encoding="utf-8")
    (seeds_dir.parent / "CITATION.cff").write_text(citation_cff(record), encoding="utf-8")
    publish(tables, record, seeds_dir, out)
    return entry, delta


def plot(data_dir: Path, out: Path | None = None, dyad: str | None = None) -> list[Path]:
    """Draw the charts from a data directory. Into the directory's own plots/ (the default),
    its SHA256SUMS is brought up to date so that ``bilat verify`` still holds."""
    events = pd.read_parquet(data_dir / "events.parquet")
    target = out or data_dir / PLOTS_DIR
    if dyad is not None:
        if dyad not in set(events["dyad"]):
            raise InputError([Problem(f"{data_dir.as_posix()}/events.parquet", 1, 1, "dyad", f"no events for the dyad {dyad}")])
        written = render_dyad(events, dyad, target)
    else:
        written = render_plots(events, target)
    if target.resolve().parent == data_dir.resolve():
        (data_dir / CHECKSUMS_FILE).write_text(checksums(data_dir), encoding="utf-8")
    return written


def json_schemas() -> dict[str, str]:
    """``schema/<name>.schema.json`` texts: JSON Schema of each YAML file kind, for editors."""
    texts = {}
    for name, model in SCHEMA_MODELS.items():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
        texts[f"{name}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return texts


def write_schemas(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in json_schemas().items():
        (out / name).write_text(text, encoding="utf-8")
