"""The pipeline: load → validate and normalize → tabulate → write.

Each stage is a function from typed records to typed records; files are read only by the
first stage and written only by the last.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bilat.datapackage import datapackage
from bilat.dates import DateNormalizer, DateReader
from bilat.mint import canonical_yaml
from bilat.models import ActorRegistry, EventsFile, RetiredIds
from bilat.normalize import CodedEvent, code_events, date_texts
from bilat.plot import render_dyad, render_plots
from bilat.problems import InputError, Problem
from bilat.publish import CHECKSUMS, checksums, write_dataset, write_table
from bilat.release import (
    CHANGELOG_HEAD,
    RECORD_FILE,
    SNAPSHOT_FILE,
    UNRELEASED,
    Release,
    ReleaseEntry,
    changelog_section,
    check_new_version,
    citation_cff,
    default_release_dir,
    event_delta,
    load_release,
    lost_id_problems,
    next_version,
    snapshot_ids,
)
from bilat.seeds import Seeds, load_seeds, loading
from bilat.tables import tabulate, to_frame

SCHEMA_MODELS = {"events": EventsFile, "actors": ActorRegistry, "retired": RetiredIds}


@dataclass(frozen=True)
class Checked:
    seeds: Seeds
    events: tuple[CodedEvent, ...]
    release: Release


def check(seeds_dir: Path, release_dir: Path | None = None) -> Checked:
    """Load and validate everything; InputError lists every problem. Writes nothing. What is
    loaded is left out of garbage collection (see ``seeds.loading``)."""
    with loading():
        seeds, normalizers = _load_reading_dates(seeds_dir)
        problems = []
        try:
            events = code_events(seeds, normalizers)
        except InputError as err:
            problems += err.problems
            events = ()
    try:
        release = load_release(release_dir or default_release_dir(seeds_dir))
    except InputError as err:
        raise InputError(problems + err.problems) from None
    live = {e.id for d in seeds.documents for _, e in d.events if e.id}
    retired = {t.id for _, t in seeds.retired}
    snapshot = (release_dir or default_release_dir(seeds_dir)) / SNAPSHOT_FILE
    problems += lost_id_problems(*snapshot_ids(release), live, retired, f"{seeds_dir.as_posix()}/retired.yaml", seeds.problems, snapshot)
    if problems:
        raise InputError(problems)
    return Checked(seeds, events, release)


def _load_reading_dates(seeds_dir: Path) -> tuple[Seeds, dict[str, DateNormalizer]]:
    """``load_seeds``, with dateparser reading each document's dates on the other cores as it loads."""
    with DateReader() as reader:
        seeds = load_seeds(seeds_dir, each=lambda document: reader.add(document.meta.language, date_texts(document)))
        return seeds, reader.normalizers()


def build_tables(checked: Checked) -> dict[str, pd.DataFrame]:
    return tabulate(checked.seeds, checked.events, checked.release.changes)


PLOTS_DIR = "plots"


def build(seeds_dir: Path, out: Path, release_dir: Path | None = None, plots: bool = True) -> dict[str, pd.DataFrame]:
    checked = check(seeds_dir, release_dir)
    tables = build_tables(checked)
    record = checked.release.record
    version = record.latest.version if record.latest else "unreleased"
    package = datapackage(record, sorted(tables["events"]["dyad"].unique()))
    write_dataset(
        tables,
        out,
        keep=(seeds_dir,),
        metadata={"bilat.version": version},
        extra_files={"datapackage.json": json.dumps(package, indent=2, ensure_ascii=False) + "\n"},
        also=(lambda staging: render_plots(tables["events"], staging / PLOTS_DIR)) if plots else None,
    )
    return tables


def cut_release(
    seeds_dir: Path, out: Path, date: str, version: str | None = None, release_dir: Path | None = None
) -> tuple[ReleaseEntry, pd.DataFrame]:
    """Compare a fresh build with the last release; record the new release (snapshot, delta,
    CHANGELOG.md and CITATION.cff beside the seeds) and rebuild ``out`` stamped with it."""
    release_dir = release_dir or default_release_dir(seeds_dir)
    checked = check(seeds_dir, release_dir)
    if checked.release.record is UNRELEASED:
        raise InputError([Problem(f"{release_dir.as_posix()}/{RECORD_FILE}", 1, 1, "(file)", "no release record; create it first")])
    tables = build_tables(checked)
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
    write_table(tables["events"], "events", release_dir / "events", {"bilat.version": version}, csv=False)
    write_table(to_frame("changes", delta.assign(version=version).to_dict("records")), "changes", release_dir / "changes", csv=False)
    (release_dir / RECORD_FILE).write_text(canonical_yaml(record), encoding="utf-8")
    changelog = seeds_dir.parent / "CHANGELOG.md"
    previous = changelog.read_text(encoding="utf-8").removeprefix(CHANGELOG_HEAD) if changelog.exists() else ""
    changelog.write_text(CHANGELOG_HEAD + changelog_section(entry, delta, tables["events"]) + previous, encoding="utf-8")
    (seeds_dir.parent / "CITATION.cff").write_text(citation_cff(record), encoding="utf-8")
    build(seeds_dir, out, release_dir)
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
        (data_dir / CHECKSUMS).write_text(checksums(data_dir), encoding="utf-8")
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
