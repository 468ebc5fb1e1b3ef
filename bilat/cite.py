"""``bilat cite`` and ``bilat show``: from an event ID, as a reader types it, to a citation or
to the event with its quotes in context."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from bilat.api import find_data_dir, read_table
from bilat.evidence import in_its_sentence
from bilat.ids import canonical_id, id_problem
from bilat.metadata import DATAPACKAGE_FILE, LIST_SEPARATOR
from bilat.models import pair_text
from bilat.problems import CiteError, DataError
from bilat.release import UNRELEASED_SUFFIX, UNRELEASED_VERSION


@dataclass(frozen=True)
class Found:
    event: pd.Series
    version: str
    """The release the citation names: the one this event is in as it stands."""
    title: str
    authors: list[str]
    released: str | None
    changed_since: str | None = None
    """Columns changed since release ``version``, when the data holds unreleased changes to the event."""
    not_citable: str | None = None
    """Why the event cannot be cited by version yet (it is in no release)."""
    merged: str | None = None
    """When the ID asked for was merged into this event: what happened to it, in one sentence."""


def find_event(typed: str, data_dir: Path | None) -> Found:
    """The event as it stands in the data directory (see ``api.find_data_dir``), and the release to cite it by."""
    directory = find_data_dir(data_dir)
    event_id = canonical_id(typed)
    events = read_table(directory, "events").set_index("event_id", drop=False)
    retired = read_table(directory, "retired").set_index("event_id")
    known = sorted(set(events.index) | set(retired.index))
    if (problem := id_problem(event_id)) is not None:
        raise CiteError(f"{problem}.{_suggest(event_id, known)}")
    asked, path = event_id, [event_id]
    while event_id in retired.index:
        tombstone = retired.loc[event_id]
        if not isinstance(tombstone["merged_into"], str):
            raise CiteError(f"{event_id} was retired: {tombstone['reason']}")
        event_id = tombstone["merged_into"]
        if event_id in path:
            raise CiteError(f"the tombstones of {asked} point round in a circle ({' → '.join([*path, event_id])}); the dataset is damaged")
        path.append(event_id)
    if event_id not in events.index:
        raise CiteError(f"{event_id} is a well-formed ID but no event in this dataset.{_suggest(event_id, known)}")
    found = _found(events.loc[event_id], directory)
    if len(path) == 1:
        return found
    note = f"{asked} was merged into {event_id} ({retired.loc[asked]['reason']}); it is cited as {event_id}"
    return replace(found, merged=note + (f", by way of {' → '.join(path)}" if len(path) > 2 else ""))


def _found(event: pd.Series, directory: Path) -> Found:
    package = _datapackage(directory)
    authors = [c["title"] for c in package.get("contributors", [])]
    version, last = package["version"], package.get("bilat:lastRelease")
    if version.endswith(UNRELEASED_SUFFIX) or version == UNRELEASED_VERSION:
        return _unreleased(event, read_table(directory, "changes"), version, last, package["title"], authors)
    return Found(event, version, package["title"], authors, package.get("created", "")[:10] or None)


def _unreleased(event: pd.Series, changes: pd.DataFrame, version: str, last: dict | None, title: str, authors: list[str]) -> Found:
    """An event of a build with unreleased changes: cite the last release if the event is in it unchanged."""
    if last is None:
        why = f"{event.event_id} is in a build of no release, so it cannot be cited by version yet; `bilat show` prints it"
        return Found(event, version, title, authors, None, not_citable=why)
    change = changes[changes["event_id"] == event.event_id]
    if not change.empty and change["change"].iloc[0] == "added":
        why = (
            f"{event.event_id} was added after release {last['version']} and is in no release yet, so it cannot be cited by "
            "version until the next release; `bilat show` prints it"
        )
        return Found(event, version, title, authors, None, not_citable=why)
    fields = change["fields"].iloc[0] if not change.empty else None
    return Found(event, last["version"], title, authors, last["date"], fields.replace(LIST_SEPARATOR, ", ") if fields else None)


def _datapackage(directory: Path) -> dict:
    path = directory / DATAPACKAGE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DataError(f"{path.as_posix()} cannot be read ({err}); build it again with bilat build, or download it again") from None


def _suggest(event_id: str, known: list[str], limit: int = 3) -> str:
    scored = sorted((_distance(event_id, k), k) for k in known)
    close = [k for d, k in scored if d <= 2][:limit]
    return f" Did you mean {', '.join(close)}?" if close else ""


def _distance(a: str, b: str) -> int:
    """Edit distance, counting a swap of neighbours as one edit."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb)))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def citation(found: Found, style: str = "text") -> str:
    """The citation of the event; for an ID merged into it, the citation of the event that stands for it, saying so."""
    if found.not_citable:
        raise CiteError(f"{found.merged}; {found.not_citable}" if found.merged else found.not_citable)
    event = found.event
    what = f"{event.event_type} {event.status}, {pair_text(event.event_type, event.actor1, event.actor2)}, {event.date}"
    summary = event.summary.rstrip(".")
    released = f", released {found.released}" if found.released else ""
    authors = "; ".join(found.authors)
    if style == "text":
        text = (
            f"{authors}. {found.title}, version {found.version}{released}. Event {event.event_id}: {summary} ({what}). "
            f"Find it as event_id {event.event_id} in events.csv or events.parquet of version {found.version}."
        )
        if found.changed_since:
            text += f" (Unreleased: since {found.version} this event's {found.changed_since} changed; the text above is the new one.)"
        return f"{found.merged}:\n{text}" if found.merged else text
    if style == "bibtex":
        year = found.released[:4] if found.released else ""
        formerly = f". {found.merged}" if found.merged else ""
        return "\n".join(
            [
                f"@misc{{bilat-{event.event_id.lower()},",
                f"  author = {{{{{authors}}}}},",
                f"  title = {{{{{found.title}}}: event {event.event_id}}},",
                f"  year = {{{year}}},",
                f"  version = {{{found.version}}},",
                f"  note = {{{summary} ({what}). event\\_id {event.event_id} in events.csv of version {found.version}{formerly}}},",
                "}",
            ]
        )
    raise CiteError(f"format is text or bibtex, not {style!r}")


def show(found: Found, data_dir: Path, seeds_dir: Path) -> str:
    """The event's fields, then each quote inside its sentence, the quote marked [[like this]]."""
    event = found.event
    lines = [f"{found.merged}:", ""] if found.merged else []
    lines += [f"{name}: {value}" for name, value in event.items() if not pd.isna(value)]
    evidence = read_table(find_data_dir(data_dir), "evidence")
    missing = []
    for quote in evidence[evidence["event_id"] == event.event_id].itertuples():
        lines += ["", f"quote from {quote.doc_id}, characters {quote.char_start}-{quote.char_end}:"]
        document = seeds_dir / quote.doc_id / "document.txt"
        if document.is_file():
            lines.append("  " + in_its_sentence(document.read_text(encoding="utf-8"), quote.char_start, quote.char_end))
        else:
            lines.append(f"  [[{quote.quote}]]")
            missing.append(quote.doc_id)
    if missing:
        document = f"{seeds_dir.as_posix()}/{missing[0]}/document.txt"
        lines += ["", f"(no {document} here, so each quote is shown alone; give --seeds DIR to see its sentence)"]
    return "\n".join(lines)
