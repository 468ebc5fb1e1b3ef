"""The pipeline: load → validate and normalize → tabulate → write.

Each stage is a function from typed records to typed records; files are read only by the
first stage and written only by the last (see ARCHITECTURE.md).

Error policy: ``check`` raises one ``InputError`` holding every problem of the tree; saving
raises ``OutputError`` and leaves the last good output in place.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd

from bilat.api import find_data_dir, read_table
from bilat.datapackage import datapackage
from bilat.dates import DateNormalizer, DateReader
from bilat.metadata import CHECKSUMS_FILE, DATAPACKAGE_FILE, PLOTS_DIR
from bilat.models import ActorRegistry, EventsFile, RetiredIds
from bilat.normalize import Checked, code_events, date_texts, tree_problems
from bilat.plot.files import render_dyad, render_plots
from bilat.plot.geometry import StyleError
from bilat.problems import DataError, InputError, OutputError, Problem
from bilat.progress import Progress
from bilat.publish import STATA_EPOCH, checksums, write_dataset, write_table
from bilat.release import (
    CHANGELOG_HEAD,
    NOT_RELEASED,
    RECORD_FILE,
    UNRELEASED,
    Edition,
    Release,
    ReleaseEntry,
    ReleaseRecord,
    changelog_section,
    check_new_version,
    check_release_options,
    citation_cff,
    default_release_dir,
    edition,
    load_release,
    next_version,
    release_delta,
    release_summary,
    replace_block,
)
from bilat.seeds import Seeds, SourceDocument, folder_entries, load_seeds, loading
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

    def each(document: SourceDocument) -> None:
        reader.add(document.meta.language, date_texts(document))
        progress.step()

    with DateReader() as reader, Progress("loading documents", len(folder_entries(seeds_dir))) as progress:
        seeds = load_seeds(seeds_dir, each=each)
        return seeds, reader.normalizers()


def build_tables(checked: Checked) -> tuple[dict[str, pd.DataFrame], Edition]:
    """The published tables of a checked tree, and its edition. ``changes`` is what the edition
    changed: the last release's delta when the tree is that release, else the changes since it."""
    tables = tabulate(checked.seeds, checked.events)
    latest = checked.release.record.latest
    delta, columns_changed = release_delta(checked.release.snapshot, tables["events"], tables["retired"])
    found = edition(latest, delta, columns_changed)
    if found.is_release:
        changes = checked.release.changes
        tables["changes"] = tables["changes"] if changes is None else to_frame("changes", changes.to_dict("records"))
    else:
        tables["changes"] = to_frame("changes", delta.assign(version=found.version).to_dict("records"))
    return tables, found


def build(seeds_dir: Path, out: Path, release_dir: Path | None = None, plots: bool = True) -> dict[str, pd.DataFrame]:
    return build_checked(check(seeds_dir, release_dir), seeds_dir, out, plots, release_dir)


def build_checked(
    checked: Checked, seeds_dir: Path, out: Path, plots: bool = True, release_dir: Path | None = None
) -> dict[str, pd.DataFrame]:
    """Tabulate and save a tree that passed ``check``."""
    tables, found = build_tables(checked)
    publish(tables, checked.release.record, found, seeds_dir, out, plots, release_dir)
    return tables


def publish(
    tables: dict[str, pd.DataFrame],
    record: ReleaseRecord,
    found: Edition,
    seeds_dir: Path,
    out: Path,
    plots: bool = True,
    release_dir: Path | None = None,
) -> None:
    """Save: the tables, ``datapackage.json`` and the charts, stamped with the build's edition;
    never over, into or around the seeds or the release record."""
    package = datapackage(record, found, sorted(tables["events"]["dyad"].unique()))
    write_dataset(
        tables,
        out,
        keep=(seeds_dir, release_dir or default_release_dir(seeds_dir)),
        metadata={"bilat.version": found.version},
        extra_files={DATAPACKAGE_FILE: json.dumps(package, indent=2, ensure_ascii=False) + "\n"},
        also=(lambda staging: render_plots(tables["events"], staging / PLOTS_DIR)) if plots else None,
        stata_time_stamp=stata_time_stamp(package),
    )


def stata_time_stamp(package: dict) -> dt.datetime:
    """The time stamp of a build's Stata files: its release's date, as ``datapackage.json`` has it; only a release has one."""
    created = package.get("created")
    return dt.datetime.fromisoformat(created[:10]) if isinstance(created, str) else STATA_EPOCH


def cut_release(
    seeds_dir: Path, out: Path, date: str, version: str | None = None, release_dir: Path | None = None
) -> tuple[ReleaseEntry, pd.DataFrame]:
    """Compare a fresh build with the last release; record the new release (snapshot, delta,
    CHANGELOG.md and CITATION.cff beside the seeds) and rebuild ``out`` stamped with it."""
    check_release_options(version, date)
    release_dir = release_dir or default_release_dir(seeds_dir)
    checked = check(seeds_dir, release_dir)
    if checked.release.record is UNRELEASED:
        raise InputError([Problem(f"{release_dir.as_posix()}/{RECORD_FILE}", 1, 1, "(file)", "no release record; create it first")])
    if pending := checked.pending_drafts:
        raise InputError(
            [
                Problem(file, 1, 1, "drafts", f"{count} drafts wait for review; accept or reject them before a release")
                for file, count in pending.items()
            ]
        )
    tables = tabulate(checked.seeds, checked.events)
    record = checked.release.record
    delta, columns_changed = release_delta(checked.release.snapshot, tables["events"], tables["retired"])
    if record.latest is not None and delta.empty:
        raise InputError([Problem(f"{release_dir.as_posix()}/{RECORD_FILE}", 1, 1, "releases", "nothing changed since the last release")])
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
        merged=int(counts.get("merged", 0)),
    )
    record = record.model_copy(update={"releases": [*record.releases, entry]})
    tables["changes"] = to_frame("changes", delta.assign(version=version).to_dict("records"))
    write_table(tables["events"], "events", release_dir / "events", {"bilat.version": version}, csv=False)
    write_table(tables["changes"], "changes", release_dir / "changes", csv=False)
    (release_dir / RECORD_FILE).write_text(canonical_yaml(record), encoding="utf-8")
    changelog = seeds_dir.parent / "CHANGELOG.md"
    previous = changelog.read_text(encoding="utf-8").removeprefix(CHANGELOG_HEAD) if changelog.exists() else ""
    section = changelog_section(entry, delta, tables["events"], checked.release.snapshot)
    changelog.write_text(CHANGELOG_HEAD + section + (f"\n{previous}" if previous else ""), encoding="utf-8")
    (seeds_dir.parent / "CITATION.cff").write_text(citation_cff(record), encoding="utf-8")
    publish(tables, record, Edition(version, entry), seeds_dir, out, release_dir=release_dir)
    _update_readme(seeds_dir.parent / "README.md", entry, tables["events"], out)
    return entry, delta


README_EXAMPLE = re.compile(r"<!-- cite (?P<id>[0-9A-Z]{9}) -->")


def _update_readme(readme: Path, entry: ReleaseEntry, events: pd.DataFrame, data_dir: Path) -> None:
    """The README's first-screen summary and its citation example, for the new release."""
    if not readme.is_file():
        return
    from bilat.cite import citation, find_event

    text = replace_block(readme.read_text(encoding="utf-8"), "summary", release_summary(entry, events))
    if (example := README_EXAMPLE.search(text)) and example["id"] in set(events["event_id"]):
        text = replace_block(text, f"cite {example['id']}", "\n> " + citation(find_event(example["id"], data_dir)) + "\n")
    readme.write_text(text, encoding="utf-8")


def plot(data_dir: Path | None, out: Path | None = None, dyad: str | None = None) -> list[Path]:
    """Draw the charts from a data directory. Into the directory's own plots/ (the default),
    its SHA256SUMS is brought up to date so that ``bilat verify`` still holds. ``dyad`` may be
    written in either order and any case."""
    data_dir = find_data_dir(data_dir)
    events = read_table(data_dir, "events")
    target = out or data_dir / PLOTS_DIR
    if dyad is not None:
        wanted = "-".join(sorted(code.strip().upper() for code in dyad.split("-")))
        dyads = sorted(set(events["dyad"]))
        if wanted not in dyads:
            message = f"no events for the dyad {dyad}; the dyads are {', '.join(dyads) or '(none)'}"
            raise InputError([Problem(f"{data_dir.as_posix()}/events.parquet", 1, 1, "dyad", message)])
    try:
        written = render_dyad(events, wanted, target) if dyad is not None else render_plots(events, target)
    except StyleError as err:
        raise DataError(f"{data_dir.as_posix()}/events.parquet: {err}; it was built by another version of bilat") from None
    if target.resolve().parent == data_dir.resolve():
        (data_dir / CHECKSUMS_FILE).write_text(checksums(data_dir), encoding="utf-8")
    return written


def panel(
    data_dir: Path | None, out: Path, unit: str = "year", directed: bool = False, types: list[str] | None = None
) -> tuple[str, pd.DataFrame, list[Path]]:
    """A panel counted from a data directory's events, written to ``out`` as Parquet, CSV and Stata;
    its name, its frame and the files written. ``out`` may not lie inside the data directory, whose
    SHA256SUMS and datapackage.json would no longer describe it."""
    from bilat.metadata import panel_table
    from bilat.panels import panel as count_panel

    data_dir = find_data_dir(data_dir)
    if out.resolve().is_relative_to(data_dir.resolve()):
        message = f"{out.as_posix()} is inside the data directory {data_dir.as_posix()}, which would no longer match its SHA256SUMS"
        raise OutputError(message + "; give another --out")
    table = panel_table(unit, directed, types)
    frame = count_panel(read_table(data_dir, "events"), unit, directed, types)
    try:
        package = json.loads((data_dir / DATAPACKAGE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        package = None
    package = package if isinstance(package, dict) else {}
    version = package.get("version")
    stem = out / table.name
    try:
        write_table(frame, table, stem, {"bilat.version": version} if version else None, stata_time_stamp=stata_time_stamp(package))
    except OSError as err:
        raise OutputError(f"cannot write {stem.as_posix()}: {err.strerror or err}") from None
    return table.name, frame, [stem.with_suffix(suffix) for suffix in (".parquet", ".csv", ".dta")]


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
