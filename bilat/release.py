"""Releases: the dataset's version, what changed since the last release, and the files that
tell a reader how to cite it.

``release/release.yaml`` is the one place that holds the version: the dataset's description and
the list of releases, each with its date. ``release/events.parquet`` is the events table of the
last release, kept to compare the next one against, and ``release/changes.parquet`` is that
release's delta, republished in ``data/``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, StringConstraints

from bilat.metadata import LIST_SEPARATOR, Change
from bilat.models import IsoDay, Record, Text, iso_day, pair_text
from bilat.problems import InputError, Problem, UsageError, first_line
from bilat.seeds import read_yaml_model

if TYPE_CHECKING:  # pandas is imported where it is used: ``bilat check`` runs without it
    import pandas as pd

SemVer = Annotated[str, StringConstraints(pattern=r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")]
RECORD_FILE, SNAPSHOT_FILE, CHANGES_FILE = "release.yaml", "events.parquet", "changes.parquet"
CHANGELOG_HEAD = "# Changelog\n\nEvery release of the bilat dataset, newest first. Written by `bilat release`.\n\n"


class DatasetInfo(Record):
    """What the dataset is, for datapackage.json and CITATION.cff."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")]
    title: Text
    description: Text
    authors: list[Text] = Field(min_length=1, description="Names of the people or bodies credited, as they wish to be cited.")
    data_license: Text = Field(description="SPDX identifier of the data licence.")
    code_license: Text = Field(description="SPDX identifier of the code licence.")
    citation_message: Text


class ReleaseEntry(Record):
    version: SemVer
    date: IsoDay = Field(description="Release day, YYYY-MM-DD.")
    events: int = Field(ge=0)
    added: int = Field(ge=0)
    changed: int = Field(ge=0)
    retired: int = Field(ge=0)
    merged: int = Field(0, ge=0, description="Events retired because they were one event with another, which stands for them now.")


class ReleaseRecord(Record):
    dataset: DatasetInfo
    releases: list[ReleaseEntry]

    @property
    def latest(self) -> ReleaseEntry | None:
        return self.releases[-1] if self.releases else None


@dataclass(frozen=True)
class ReleasedIds:
    """The last release's version and event IDs, which may disappear only with a tombstone."""

    version: str | None
    doc_of: Mapping[str, str]
    """Each released ID's document."""

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self.doc_of)


NOT_RELEASED = ReleasedIds(None, {})


@dataclass(frozen=True)
class Release:
    record: ReleaseRecord
    snapshot: pd.DataFrame | None
    """The events table as last released; None before the first release."""
    changes: pd.DataFrame | None
    released: ReleasedIds


UNRELEASED = ReleaseRecord(
    dataset=DatasetInfo(
        name="bilat",
        title="bilat (unreleased build)",
        description="A build from a seeds tree with no release record.",
        authors=["unknown"],
        data_license="CC-BY-4.0",
        code_license="MIT",
        citation_message="This build is not a release; cite a released version.",
    ),
    releases=[],
)


def default_release_dir(seeds_dir: Path) -> Path:
    return seeds_dir.parent / "release"


def load_release(release_dir: Path) -> Release:
    """The release record and last snapshot; a tree with no release/ is an unreleased build."""
    import pandas as pd

    record = _record(release_dir)
    if record is None:
        return Release(UNRELEASED, None, None, NOT_RELEASED)
    snapshot = release_dir / SNAPSHOT_FILE
    changes = release_dir / CHANGES_FILE
    import pyarrow as pa

    try:
        return Release(
            record,
            pd.read_parquet(snapshot) if snapshot.is_file() else None,
            pd.read_parquet(changes) if changes.is_file() else None,
            _released_ids(record, snapshot),
        )
    except (OSError, ValueError, pa.ArrowException) as err:
        raise _damaged(snapshot, err) from None


def _damaged(path: Path, err: Exception) -> InputError:
    reason = first_line(err)
    message = f"a file of the release record cannot be read ({reason}); restore release/ from version control"
    return InputError([Problem(path.as_posix(), 1, 1, "(file)", message)])


def _record(release_dir: Path) -> ReleaseRecord | None:
    """release.yaml, validated; None where there is none (an unreleased tree)."""
    if not (release_dir / RECORD_FILE).exists():
        return None
    return read_yaml_model(release_dir / RECORD_FILE, f"{release_dir.as_posix()}/{RECORD_FILE}", ReleaseRecord)[0]


def released_ids(release_dir: Path) -> ReleasedIds:
    """The last release's version and event IDs, read without pandas (for ``bilat check``)."""
    return _released_ids(_record(release_dir), release_dir / SNAPSHOT_FILE)


def _released_ids(record: ReleaseRecord | None, snapshot: Path) -> ReleasedIds:
    if record is None or record.latest is None or not snapshot.is_file():
        return NOT_RELEASED
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(snapshot, columns=["event_id", "doc_id"])
    except (OSError, ValueError, pa.ArrowException) as err:
        raise _damaged(snapshot, err) from None
    doc_of = dict(zip(table.column("event_id").to_pylist(), table.column("doc_id").to_pylist(), strict=True))
    return ReleasedIds(record.latest.version, doc_of)


def lost_id_problems(
    released: ReleasedIds, live_ids: set[str], retired_ids: set[str], retired_file: str, load_problems: Sequence[Problem] = ()
) -> list[Problem]:
    """An ID of the last release may disappear only with a tombstone. But an ID may only be
    unreadable: when retired.yaml has ``load_problems`` no ID is judged, and an ID whose document
    (its ``doc_id`` in the release) has them is counted in one line for the document."""
    lost = sorted(released.ids - live_ids - retired_ids)
    if not lost:
        return []
    if any(problem.file == retired_file for problem in load_problems):
        message = f"{_ids(len(lost))} of release {released.version} could not be checked against the tombstones, as this file has problems"
        return [Problem(retired_file, 1, 1, "retired", message)]
    # A document's problems are in its folder, or about the folder itself.
    places = [PurePosixPath(problem.file) for problem in load_problems]
    troubled = {folder.name: folder for place in places for folder in (place.parent, place)}
    unchecked = Counter(released.doc_of[event_id] for event_id in lost if released.doc_of.get(event_id) in troubled)
    problems = []
    for doc_id, count in sorted(unchecked.items()):
        message = f"{_ids(count)} of release {released.version} could not be checked, as this document has problems"
        problems.append(Problem(f"{troubled[doc_id]}/events.yaml", 1, 1, "events", message))
    advice = f"of release {released.version} is gone; add a tombstone for it (reason, merged_into)"
    problems += [
        Problem(retired_file, 1, 1, "retired", f"{event_id} {advice}")
        for event_id in lost
        if released.doc_of.get(event_id) not in unchecked
    ]
    return problems


def _ids(count: int) -> str:
    return f"{count} ID" if count == 1 else f"{count} IDs"


def event_delta(old: pd.DataFrame | None, new: pd.DataFrame, retired: pd.DataFrame) -> pd.DataFrame:
    """One row per event ID that was added, changed (naming the changed columns), merged into
    another (its tombstone says into which) or retired."""
    import pandas as pd

    old = old if old is not None else new.iloc[0:0]
    old_rows = old.set_index("event_id")
    new_rows = new.set_index("event_id")
    columns = [c for c in new_rows.columns if c in old_rows.columns]
    tombstones = retired.set_index("event_id")
    rows = []
    for event_id in sorted(set(old_rows.index) | set(new_rows.index)):
        if event_id not in old_rows.index:
            rows.append({"event_id": event_id, "change": Change.added.value})
        elif event_id not in new_rows.index:
            tombstone = tombstones.loc[event_id] if event_id in tombstones.index else None
            rows.append(
                {
                    "event_id": event_id,
                    "change": Change.merged.value
                    if tombstone is not None and isinstance(tombstone["merged_into"], str)
                    else Change.retired.value,
                    "reason": None if tombstone is None else tombstone["reason"],
                    "merged_into": None if tombstone is None else tombstone["merged_into"],
                }
            )
        else:
            before, after = old_rows.loc[event_id], new_rows.loc[event_id]
            fields = [c for c in columns if not _same(before[c], after[c])]
            fields += [c for c in new_rows.columns if c not in old_rows.columns]
            if fields:
                rows.append({"event_id": event_id, "change": Change.changed.value, "fields": LIST_SEPARATOR.join(fields)})
    return pd.DataFrame(rows, columns=["event_id", "change", "fields", "reason", "merged_into"])


def _same(a: object, b: object) -> bool:
    import pandas as pd

    if pd.isna(a) and pd.isna(b):
        return True
    return bool(a == b) if not (pd.isna(a) or pd.isna(b)) else False


UNRELEASED_SUFFIX = "+unreleased"
UNRELEASED_VERSION = "unreleased"
"""The version of a build from a tree that was never released."""


@dataclass(frozen=True)
class Edition:
    """What a build is: exactly the last release, or unreleased changes since it (or since nothing)."""

    version: str
    """``1.0.0`` for the release itself, ``1.0.0+unreleased`` for changes since it, ``unreleased`` before any release."""
    last: ReleaseEntry | None

    @property
    def is_release(self) -> bool:
        return self.last is not None and self.version == self.last.version


def edition(latest: ReleaseEntry | None, delta: pd.DataFrame, columns_changed: bool) -> Edition:
    """The edition of a build whose events differ from the last release by ``delta``."""
    if latest is None:
        return Edition(UNRELEASED_VERSION, None)
    if delta.empty and not columns_changed:
        return Edition(latest.version, latest)
    return Edition(latest.version + UNRELEASED_SUFFIX, latest)


def release_delta(snapshot: pd.DataFrame | None, events: pd.DataFrame, retired: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """The delta of ``events`` against the last release's snapshot, and whether the columns changed."""
    columns_changed = snapshot is not None and list(snapshot.columns) != list(events.columns)
    return event_delta(snapshot, events, retired), columns_changed


def next_version(latest: ReleaseEntry | None, delta: pd.DataFrame, columns_changed: bool) -> str:
    """SemVer: major for a column change, minor for new events, patch for corrections."""
    if latest is None:
        return "1.0.0"
    major, minor, patch = (int(p) for p in latest.version.split("."))
    if columns_changed:
        return f"{major + 1}.0.0"
    if (delta["change"] == Change.added.value).any():
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def check_release_options(version: str | None, date: str) -> None:
    """UsageError unless ``version`` (when given) is SemVer and ``date`` a day."""
    problems = []
    if version is not None and not re.fullmatch(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)", version):
        problems.append(f"--version: {version!r} is not a version X.Y.Z (SemVer)")
    try:
        iso_day(date)
    except ValueError as err:
        problems.append(f"--date: {err}")
    if problems:
        raise UsageError(problems)


def check_new_version(latest: ReleaseEntry | None, version: str, date: str) -> None:
    """The new release must come after the last, in version and in date."""
    problems = []
    if latest is not None and tuple(map(int, version.split("."))) <= tuple(map(int, latest.version.split("."))):
        problems.append(Problem(RECORD_FILE, 1, 1, "version", f"{version} is not after the last release {latest.version}"))
    if latest is not None and date < latest.date:
        problems.append(Problem(RECORD_FILE, 1, 1, "date", f"{date} is before the last release's date {latest.date}"))
    if problems:
        raise InputError(problems)


def changelog_section(entry: ReleaseEntry, delta: pd.DataFrame, events: pd.DataFrame, snapshot: pd.DataFrame | None = None) -> str:
    """The CHANGELOG.md section of one release, from its delta rows; ``snapshot``, the last
    release's events, says which columns of the events table came or went."""
    summaries = events.set_index("event_id")
    lines = [
        f"## {entry.version} ({entry.date})",
        "",
        f"{entry.events} events: {entry.added} added, {entry.changed} changed, {entry.merged} merged, {entry.retired} retired.",
    ]
    if snapshot is not None and list(snapshot.columns) != list(events.columns):
        came = [f"`{c}`" for c in events.columns if c not in snapshot.columns]
        went = [f"`{c}`" for c in snapshot.columns if c not in events.columns]
        lines += ["", "### Columns of the events table", ""]
        lines += [f"- added: {', '.join(came)}"] if came else []
        lines += [f"- removed: {', '.join(went)}"] if went else []
        lines += [] if came or went else ["- reordered"]
    merged_into = {row.merged_into for row in delta[delta["change"] == Change.merged.value].itertuples()}
    changed_fields = {row.event_id: row.fields for row in delta[delta["change"] == Change.changed.value].itertuples()}
    headings = ((Change.added, "Added"), (Change.changed, "Changed"), (Change.merged, "Merged"), (Change.retired, "Retired"))
    for change, heading in headings:
        rows = delta[delta["change"] == change.value]
        if change == Change.changed:  # a change that a merge made is told with the merge
            rows = rows[~rows["event_id"].isin(merged_into)]
        if rows.empty:
            continue
        lines += ["", f"### {heading}", ""]
        for row in rows.itertuples():
            if change == Change.added:
                event = summaries.loc[row.event_id]
                pair = pair_text(event.event_type, event.actor1, event.actor2)
                lines.append(f"- `{row.event_id}` {event.event_type} {pair} {event.date}: {event.summary}")
            elif change == Change.changed:
                lines.append(f"- `{row.event_id}`: {row.fields.replace(LIST_SEPARATOR, ', ')}")
            elif change == Change.merged:
                fields = changed_fields.get(row.merged_into)
                with_it = f"; `{row.merged_into}` changed with it: {fields.replace(LIST_SEPARATOR, ', ')}" if fields else ""
                lines.append(f"- `{row.event_id}` into `{row.merged_into}`: {row.reason}{with_it}")
            else:
                lines.append(f"- `{row.event_id}`: {row.reason}")
    return "\n".join(lines) + "\n"


def release_summary(entry: ReleaseEntry, events: pd.DataFrame) -> str:
    """One sentence on what a release holds, for the README's first screen."""
    import pandas as pd

    known = pd.concat([events["date_start"], events["date_end"]]).dropna()
    span = f", dated {known.min().year}–{known.max().year}" if len(known) else ""
    return (
        f"Release {entry.version} ({entry.date}) holds {len(events)} events from {_documents(events)} documents, "
        f"between {events['dyad'].nunique()} pairs of actors{span}."
    )


def _documents(events: pd.DataFrame) -> int:
    """How many documents code or report the events."""
    column = events["doc_ids"] if "doc_ids" in events else events["doc_id"]
    return len({doc_id for doc_ids in column for doc_id in doc_ids.split(LIST_SEPARATOR)})


def replace_block(text: str, name: str, content: str) -> str:
    """``text`` with what stands between ``<!-- name -->`` and ``<!-- /name -->`` replaced by ``content``."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    if start not in text or end not in text:
        return text
    head, rest = text.split(start, 1)
    return head + start + content + end + rest.split(end, 1)[1]


def citation_cff(record: ReleaseRecord) -> str:
    """CITATION.cff (format 1.2.0) for the latest release."""
    import yaml

    latest = record.latest
    info = record.dataset
    content = {
        "cff-version": "1.2.0",
        "type": "dataset",
        "title": info.title,
        "message": info.citation_message,
        "abstract": info.description,
        "authors": [{"name": name} for name in info.authors],
        "license": info.data_license,
        "keywords": ["international relations", "defense diplomacy", "arms transfers", "sanctions", "event data"],
    }
    if latest is not None:
        content |= {"version": latest.version, "date-released": latest.date}
    return yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=100)
