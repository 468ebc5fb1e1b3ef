"""Tabulate: coded events to the published tables, each in its published row order. What the
tables and their columns are is defined in ``bilat.metadata``."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from enum import Enum
from typing import Any

import pandas as pd
import pyarrow as pa

from bilat.metadata import LIST_SEPARATOR, TABLES, Table, table_entry
from bilat.models import ROLES, EventBase
from bilat.normalize import CodedEvent
from bilat.panels import year_panels
from bilat.seeds import Seeds, SourceDocument


def to_frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    dtypes = TABLES[table].pandas_dtypes()
    frame = pd.DataFrame(rows, columns=list(dtypes))
    return frame.astype(dtypes)


def _joined(values: list[Enum]) -> str | None:
    if not values:
        return None
    present = set(values)
    return LIST_SEPARATOR.join(value for member, value in _definition_order(type(values[0])).items() if member in present)


@functools.cache
def _definition_order(enum: type[Enum]) -> dict[Enum, str]:
    """Each member's value, in the order the members are defined."""
    return {member: member.value for member in enum}


def event_row(coded: CodedEvent, ccodes: dict[str, int | None]) -> dict[str, Any]:
    event, date = coded.event, coded.date
    role1, role2 = ROLES[event.type]
    specific = {
        name: _joined(value) if isinstance(value, list) else value
        for name, value in event.model_dump(exclude=set(EventBase.model_fields)).items()
    }
    return {
        "event_id": event.id,
        "event_type": event.type,
        "status": event.status.value,
        "actor1": event.actor1,
        "actor2": event.actor2,
        "actor1_role": role1,
        "actor2_role": role2,
        "dyad": "-".join(sorted((event.actor1, event.actor2))),
        "ccode1": ccodes.get(event.actor1),
        "ccode2": ccodes.get(event.actor2),
        "date": date.edtf,
        "date_precision": date.precision.value,
        "date_start": date.start,
        "date_end": date.end,
        "date_text": coded.date_text,
        "date_basis": date.basis.value,
        "date_note": date.note,
        "summary": event.summary,
        "location": event.location,
        "follows": event.follows,
        "coder_note": event.coder_note,
        "doc_id": coded.doc_id,
        "sources": len(coded.doc_ids),
        "doc_ids": LIST_SEPARATOR.join(coded.doc_ids),
        "validated_by": event.validated.by,
        "validated_on": dt.date.fromisoformat(event.validated.date),
        **{k: (v.value if isinstance(v, Enum) else v) for k, v in specific.items()},
    }


def tabulate(seeds: Seeds, coded: tuple[CodedEvent, ...], changes: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The published tables, each in its published row order, the panels counted from the events;
    ``changes`` is the delta of the release these tables belong to."""
    ccodes = {actor.code: actor.ccode for _, actor in seeds.actors}
    coded_by = Counter(c.doc_id for c in coded)
    reported_by = Counter(r.doc_id for c in coded for r in c.reports)
    rows = {
        "events": [event_row(c, ccodes) for c in coded],
        "evidence": [
            {"event_id": c.event.id, "doc_id": doc_id, "quote": q.quote, "char_start": q.char_start, "char_end": q.char_end}
            for c in coded
            for doc_id, quotes in ((c.doc_id, c.evidence), *((r.doc_id, r.evidence) for r in c.reports))
            for q in quotes
        ],
        "documents": [_document_row(d, coded_by[d.doc_id], reported_by[d.doc_id]) for d in seeds.documents],
        "actors": [a.model_dump(mode="json") for _, a in seeds.actors],
        "retired": [{"event_id": t.id, "reason": t.reason, "merged_into": t.merged_into} for _, t in seeds.retired],
        "changes": [] if changes is None else changes.to_dict("records"),
    }
    frames = {name: TABLES[name].sorted(to_frame(name, table_rows)) for name, table_rows in rows.items()}
    return frames | year_panels(frames["events"])


def _document_row(document: SourceDocument, coded: int, reported: int) -> dict[str, Any]:
    published = {"published_start": document.published.start, "published_end": document.published.end}
    counts = {"events_coded": coded, "events_reported": reported}
    return {"doc_id": document.doc_id, **document.meta.model_dump(mode="json"), **published, **counts}


def to_arrow(table: str | Table, frame: pd.DataFrame, metadata: dict[str, str] | None = None) -> pa.Table:
    schema = table_entry(table).arrow_schema()
    if metadata:
        schema = schema.with_metadata({**schema.metadata, **{k.encode(): v.encode() for k, v in metadata.items()}})
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
