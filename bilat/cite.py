"""``bilat cite`` and ``bilat show``: from an event ID, as a reader types it, to a citation or
to the event with its quotes in context."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bilat.ids import id_problem
from bilat.problems import CiteError

_CROCKFORD_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def canonical_id(typed: str) -> str:
    """Upper case, without spaces or hyphens, with Crockford's look-alikes (I, L → 1; O → 0)."""
    return re.sub(r"[\s-]", "", typed).upper().translate(_CROCKFORD_ALIASES)


@dataclass(frozen=True)
class Found:
    event: pd.Series
    version: str
    title: str
    authors: list[str]
    released: str | None


def find_event(typed: str, data_dir: Path) -> Found:
    event_id = canonical_id(typed)
    events = pd.read_parquet(data_dir / "events.parquet").set_index("event_id", drop=False)
    retired = pd.read_parquet(data_dir / "retired.parquet").set_index("event_id")
    known = sorted(set(events.index) | set(retired.index))
    if (problem := id_problem(event_id)) is not None:
        raise CiteError(f"{problem}.{_suggest(event_id, known)}")
    if event_id in retired.index:
        tombstone = retired.loc[event_id]
        pointer = f"; it now stands as {tombstone['merged_into']}" if isinstance(tombstone["merged_into"], str) else ""
        raise CiteError(f"{event_id} was retired: {tombstone['reason']}{pointer}")
    if event_id not in events.index:
        raise CiteError(f"{event_id} is a well-formed ID but no event in this dataset.{_suggest(event_id, known)}")
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    released = package.get("created", "")[:10] or None
    authors = [c["title"] for c in package.get("contributors", [])]
    return Found(events.loc[event_id], package["version"], package["title"], authors, released)


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
    event = found.event
    what = f"{event.event_type} {event.status}, {event.actor1}→{event.actor2}, {event.date}"
    summary = event.summary.rstrip(".")
    released = f", released {found.released}" if found.released else ""
    authors = "; ".join(found.authors)
    if style == "text":
        return (
            f"{authors}. {found.title}, version {found.version}{released}. Event {event.event_id}: {summary} ({what}). "
            f"Find it as event_id {event.event_id} in events.csv or events.parquet of version {found.version}."
        )
    if style == "bibtex":
        year = found.released[:4] if found.released else ""
        return "\n".join(
            [
                f"@misc{{bilat-{event.event_id.lower()},",
                f"  author = {{{{{authors}}}}},",
                f"  title = {{{{{found.title}}}: event {event.event_id}}},",
                f"  year = {{{year}}},",
                f"  version = {{{found.version}}},",
                f"  note = {{{summary} ({what}). event\\_id {event.event_id} in events.csv of version {found.version}}},",
                "}",
            ]
        )
    raise CiteError(f"format is text or bibtex, not {style!r}")


def show(found: Found, data_dir: Path, seeds_dir: Path) -> str:
    """The event's fields, then each quote inside its sentence, the quote marked [[like this]]."""
    event = found.event
    lines = [f"{name}: {value}" for name, value in event.items() if not pd.isna(value)]
    evidence = pd.read_parquet(data_dir / "evidence.parquet")
    for quote in evidence[evidence["event_id"] == event.event_id].itertuples():
        lines += ["", f"quote from {quote.doc_id}, characters {quote.char_start}-{quote.char_end}:"]
        document = seeds_dir / quote.doc_id / "document.txt"
        if document.is_file():
            text = document.read_text(encoding="utf-8")
            start = max(text.rfind(". ", 0, quote.char_start) + 2, text.rfind("\n", 0, quote.char_start) + 1, 0)
            ends = [i for i in (text.find(". ", quote.char_end - 1), text.find("\n", quote.char_end)) if i != -1]
            end = min(ends) + 1 if ends else len(text)
            lines.append(
                f"  {text[start : quote.char_start]}[[{text[quote.char_start : quote.char_end]}]]{text[quote.char_end : end]}".rstrip()
            )
        else:
            lines.append(f"  [[{quote.quote}]]")
    return "\n".join(lines)
