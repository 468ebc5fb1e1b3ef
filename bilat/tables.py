"""Tabulate: coded events to the published tables. The row models below are the only
definition of the published columns; the Arrow schema, the pandas dtypes and the CSV
read options are all derived from them."""

from __future__ import annotations

import datetime as dt
import functools
import types
from enum import Enum, StrEnum
from typing import Annotated, Any, Union, get_args, get_origin

import pandas as pd
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, create_model

from bilat.dates import DateBasis
from bilat.edtf import Precision, parse_edtf
from bilat.models import EVENT_TYPES, ROLES, Actor, DocumentMeta, EventBase
from bilat.normalize import CodedEvent
from bilat.release import Change
from bilat.seeds import Seeds

EventType = StrEnum("EventType", {name: name for name in EVENT_TYPES})
EventStatus = StrEnum(
    "EventStatus",
    {status.value: status.value for model in EVENT_TYPES.values() for status in model.model_fields["status"].annotation},
)
Role = StrEnum("Role", {role: role for pair in ROLES.values() for role in pair})
LIST_SEPARATOR = ";"


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _type_specific_fields() -> dict[str, Any]:
    """The fields of each event type beyond the common ones, as nullable columns.
    Lists of codes become one text column, values joined by ';' in the order of their enum."""
    common = set(EventBase.model_fields)
    fields: dict[str, Any] = {}
    for model in EVENT_TYPES.values():
        for name, info in model.model_fields.items():
            if name in common:
                continue
            annotation, description = info.annotation, info.description
            if get_origin(annotation) is list:
                member = get_args(annotation)[0]
                annotation = str
                description = f"{LIST_SEPARATOR!r}-separated codes from: {', '.join(m.value for m in member)}."
            fields[name] = (annotation | None, Field(None, description=description))
    return fields


_CommonEventRow = create_model(
    "_CommonEventRow",
    __base__=Row,
    event_id=(str, Field(description="Persistent, citable event ID.")),
    event_type=(EventType, Field(description="visit, agreement, sanction or sale.")),
    status=(EventStatus, Field(description="Lifecycle step; which values apply depends on event_type.")),
    actor1=(str, Field(description="Code of the first actor (visitor, party, sender or supplier).")),
    actor2=(str, Field(description="Code of the second actor (host, party, target or recipient).")),
    actor1_role=(Role, Field(description="actor1's role in this event type.")),
    actor2_role=(Role, Field(description="actor2's role in this event type.")),
    dyad=(str, Field(description="The two actor codes, sorted and joined by '-'.")),
    ccode1=(int | None, Field(None, description="COW state code of actor1.")),
    ccode2=(int | None, Field(None, description="COW state code of actor2.")),
    date=(str, Field(description="EDTF date or interval, never more precise than the source.")),
    date_precision=(Precision, Field(description="day, month, year, range (both bounds known) or unknown (open-ended).")),
    date_start=(dt.date | None, Field(None, description="Earliest possible day (inclusive); empty when open.")),
    date_end=(dt.date | None, Field(None, description="Latest possible day (inclusive); empty when open.")),
    date_text=(str | None, Field(None, description="The date as the document writes it.")),
    date_basis=(DateBasis, Field(description="stated, year_inferred (from the publication date) or coder (bounds set by the coder).")),
    date_note=(str | None, Field(None, description="How an inferred date or the coder's bounds were arrived at.")),
    summary=(str, Field(description="One-sentence summary.")),
    location=(str | None, Field(None, description="Where it happened, as written.")),
    follows=(str | None, Field(None, description="event_id of the earlier step of the same visit or deal.")),
    coder_note=(str | None, Field(None, description="What the coder inferred beyond the quotes, and from what source.")),
    doc_id=(str, Field(description="The source document.")),
)
EventRow = create_model("EventRow", __base__=_CommonEventRow, **_type_specific_fields())


class EvidenceRow(Row):
    event_id: str = Field(description="The event this quote supports.")
    doc_id: str = Field(description="The document quoted.")
    quote: str = Field(description="The exact text of the document between char_start and char_end.")
    char_start: int = Field(description="Offset of the quote's first character (Python str index into document.txt).")
    char_end: int = Field(description="Offset just past the quote's last character.")


DocumentRow = create_model(
    "DocumentRow",
    __base__=Row,
    doc_id=(str, Field(description="16 hex digits; the folder name under seeds/.")),
    **{name: (info.annotation, Field(description=info.description)) for name, info in DocumentMeta.model_fields.items()},
    published_start=(dt.date | None, Field(None, description="Earliest possible publication day.")),
    published_end=(dt.date | None, Field(None, description="Latest possible publication day.")),
)
ActorRow = create_model(
    "ActorRow",
    __base__=Row,
    **{name: (info.annotation, Field(description=info.description)) for name, info in Actor.model_fields.items() if name != "aliases"},
)


class RetiredRow(Row):
    event_id: str = Field(description="A withdrawn event ID; it is never reused.")
    reason: str = Field(description="Why it was withdrawn.")
    merged_into: str | None = Field(None, description="The event that now stands for it, if any.")


class ChangeRow(Row):
    version: str = Field(description="The release these changes made.")
    event_id: str = Field(description="The event added, changed or retired.")
    change: Change = Field(description="added, changed or retired, against the previous release.")
    fields: str | None = Field(None, description="For a change: the ';'-separated columns whose values changed.")
    reason: str | None = Field(None, description="For a retirement: why.")
    merged_into: str | None = Field(None, description="For a retirement: the event that now stands for it, if any.")


TABLES: dict[str, type[Row]] = {
    "events": EventRow,
    "evidence": EvidenceRow,
    "documents": DocumentRow,
    "actors": ActorRow,
    "retired": RetiredRow,
    "changes": ChangeRow,
}
DESCRIPTIONS = {
    "events": "One row per event: who did what to whom, when, as coded from its source document.",
    "evidence": "The verbatim quotes supporting each event, with their offsets in the source document.",
    "documents": "The source documents: title, publisher, author, and when and how their publication date is known.",
    "actors": "The actor registry: states (ISO 3166-1 alpha-3, with COW codes), IGOs and non-state actors.",
    "retired": "Withdrawn event IDs, never reused, with what now stands for them.",
    "changes": "What the current release added, changed and retired, against the previous release.",
}
PRIMARY_KEYS = {
    "events": ["event_id"],
    "evidence": ["event_id", "char_start", "char_end"],
    "documents": ["doc_id"],
    "actors": ["code"],
    "retired": ["event_id"],
    "changes": ["event_id"],
}


def unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the plain type, nullable) behind Optional/Annotated wrappers."""
    nullable = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            nullable = nullable or len(members) < len(get_args(annotation))
            annotation = members[0]
        else:
            return annotation, nullable


def _arrow_type(plain: Any) -> pa.DataType:
    if isinstance(plain, type) and issubclass(plain, Enum):
        return pa.dictionary(pa.int8(), pa.string())
    return {str: pa.string(), int: pa.int64(), float: pa.float64(), dt.date: pa.timestamp("us")}[plain]


def arrow_schema(table: str) -> pa.Schema:
    fields = []
    for name, info in TABLES[table].model_fields.items():
        plain, nullable = unwrap(info.annotation)
        metadata = {"description": info.description} if info.description else None
        fields.append(pa.field(name, _arrow_type(plain), nullable=nullable, metadata=metadata))
    return pa.schema(fields, metadata={"bilat.table": table})


def pandas_dtypes(table: str) -> dict[str, Any]:
    dtypes: dict[str, Any] = {}
    for name, info in TABLES[table].model_fields.items():
        plain, _ = unwrap(info.annotation)
        if isinstance(plain, type) and issubclass(plain, Enum):
            dtypes[name] = pd.CategoricalDtype([m.value for m in plain])
        else:
            dtypes[name] = {str: pd.StringDtype(na_value=float("nan")), int: "Int64", float: "float64", dt.date: "datetime64[us]"}[plain]
    return dtypes


def csv_read_options(table: str) -> dict[str, Any]:
    """Keyword arguments for ``pd.read_csv`` that give the same frame as ``pd.read_parquet``."""
    dtypes = pandas_dtypes(table)
    dates = [name for name, dtype in dtypes.items() if dtype == "datetime64[us]"]
    return {"dtype": {k: v for k, v in dtypes.items() if k not in dates}, "parse_dates": dates, "keep_default_na": False, "na_values": [""]}


def to_frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    dtypes = pandas_dtypes(table)
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
        **{k: (v.value if isinstance(v, Enum) else v) for k, v in specific.items()},
    }


def tabulate(seeds: Seeds, coded: tuple[CodedEvent, ...], changes: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The published tables, each in its canonical row order; ``changes`` is the last release's delta."""
    ccodes = {actor.code: actor.ccode for _, actor in seeds.actors}
    events = to_frame("events", [event_row(c, ccodes) for c in coded])
    # An open start ("../2017-12-31") sorts first: nothing says it is later than anything else.
    events = events.sort_values(["date_start", "event_id"], na_position="first", kind="stable", ignore_index=True)
    evidence = to_frame(
        "evidence",
        [
            {"event_id": c.event.id, "doc_id": c.doc_id, "quote": q.quote, "char_start": q.char_start, "char_end": q.char_end}
            for c in coded
            for q in c.evidence
        ],
    ).sort_values(["event_id", "char_start", "char_end"], kind="stable", ignore_index=True)
    documents = to_frame("documents", [_document_row(d.doc_id, d.meta) for d in seeds.documents])
    documents = documents.sort_values("doc_id", ignore_index=True)
    actors = to_frame("actors", [a.model_dump(mode="json") for _, a in seeds.actors]).sort_values("code", ignore_index=True)
    retired = to_frame("retired", [{"event_id": t.id, "reason": t.reason, "merged_into": t.merged_into} for _, t in seeds.retired])
    retired = retired.sort_values("event_id", ignore_index=True)
    changes = to_frame("changes", [] if changes is None else changes.to_dict("records"))
    return {"events": events, "evidence": evidence, "documents": documents, "actors": actors, "retired": retired, "changes": changes}


def _document_row(doc_id: str, meta: DocumentMeta) -> dict[str, Any]:
    bounds = parse_edtf(meta.published)
    return {"doc_id": doc_id, **meta.model_dump(mode="json"), "published_start": bounds.start, "published_end": bounds.end}


def to_arrow(table: str, frame: pd.DataFrame, metadata: dict[str, str] | None = None) -> pa.Table:
    schema = arrow_schema(table)
    if metadata:
        schema = schema.with_metadata({**schema.metadata, **{k.encode(): v.encode() for k, v in metadata.items()}})
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
