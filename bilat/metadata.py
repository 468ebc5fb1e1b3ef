"""What is published: one entry per table and one type per column, the only definition of both.

Each table has a row model (its columns, in order, with their descriptions and Python types), a
description, what one row is, its primary key, its foreign keys and its row order. Each column's
Python type maps to one ``ColumnType``, which knows its Arrow, pandas and Frictionless forms. The
Arrow schema, the pandas dtypes, the CSV read options, ``datapackage.json`` and the README's table
of tables are all derived from here.

Importing this module is cheap: pandas and pyarrow are imported only when their forms are asked for.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, create_model

from bilat.dates import DateBasis
from bilat.edtf import Precision
from bilat.models import EVENT_TYPES, ROLES, Actor, DocumentMeta, EventBase, status_values

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

LIST_SEPARATOR = ";"
"""Joins the values of a list in one cell: codes in the order of their enum, column names in table order."""

DATASET_MARKER = "events.parquet"
"""A directory holding this file is a bilat dataset (which a build may replace whole)."""
CHECKSUMS_FILE = "SHA256SUMS"
DATAPACKAGE_FILE = "datapackage.json"
TIMELINES_DIR = "timelines"
PLOTS_DIR = "plots"
PANELS_DIR = "panels"


# ---------------------------------------------------------------------------------------------
# Column types


@dataclass(frozen=True)
class ColumnType:
    """How one kind of published value is stored: ``kind`` is string, integer, number, date or
    category (a closed set of strings, ``categories``, in their defined order)."""

    kind: str
    categories: tuple[str, ...] = ()

    def arrow(self) -> pa.DataType:
        import pyarrow as pa

        if self.kind == "category":
            return pa.dictionary(pa.int8(), pa.string())
        return {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.timestamp("us")}[self.kind]

    def pandas(self) -> Any:
        import pandas as pd

        if self.kind == "category":
            return pd.CategoricalDtype(list(self.categories))
        return {"string": pd.StringDtype(na_value=float("nan")), "integer": "Int64", "number": "float64", "date": "datetime64[us]"}[
            self.kind
        ]

    def frictionless(self, for_parquet: bool) -> dict[str, Any]:
        """The Table Schema ``type`` (and ``constraints``) of the column; a date is a datetime in Parquet."""
        if self.kind == "category":
            return {"type": "string", "constraints": {"enum": list(self.categories)}}
        if self.kind == "date":
            return {"type": "datetime" if for_parquet else "date"}
        return {"type": self.kind}


_PLAIN_KINDS = {str: "string", int: "integer", float: "number", dt.date: "date"}


def column_type(plain: Any) -> ColumnType:
    if isinstance(plain, type) and issubclass(plain, Enum):
        return ColumnType("category", tuple(member.value for member in plain))
    return ColumnType(_PLAIN_KINDS[plain])


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool
    description: str


def _unwrap(annotation: Any) -> tuple[Any, bool]:
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


# ---------------------------------------------------------------------------------------------
# Row models


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


EventType = StrEnum("EventType", {name: name for name in EVENT_TYPES})
EventStatus = StrEnum("EventStatus", {value: value for value in status_values()})
Role = StrEnum("Role", {role: role for pair in ROLES.values() for role in pair})


class Change(StrEnum):
    added = "added"
    changed = "changed"
    merged = "merged"
    """Retired because it was one event with another (``merged_into``), which stands for it now."""
    retired = "retired"


def _type_specific_fields() -> dict[str, Any]:
    """The fields of each event type beyond the common ones, as nullable columns. A list of codes
    becomes one text column, its values joined by LIST_SEPARATOR in the order of their enum."""
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
    date_basis=(
        DateBasis,
        Field(
            description="stated, year_inferred (from the publication date), relative (resolved against the publication date), "
            "coder (bounds set by the coder) or sources (the bounds several documents agree on; see date_note)."
        ),
    ),
    date_note=(
        str | None,
        Field(None, description="How an inferred date or the coder's bounds were arrived at, and which document a bound came from."),
    ),
    summary=(str, Field(description="One-sentence summary.")),
    location=(str | None, Field(None, description="Where it happened, as written.")),
    follows=(str | None, Field(None, description="event_id of the earlier step of the same visit or deal.")),
    coder_note=(str | None, Field(None, description="What the coder inferred beyond the quotes, and from what source.")),
    doc_id=(str, Field(description="The document that codes the event.")),
    sources=(int, Field(description="How many documents report the event: the coding document and every document reporting it.")),
    doc_ids=(str, Field(description="The documents that report it, ';'-separated: the coding document first, then the rest by doc_id.")),
    validated_by=(str, Field(description="Who read the event against its document and made it their own.")),
    validated_on=(dt.date, Field(description="The day it was validated.")),
)
EventRow = create_model("EventRow", __base__=_CommonEventRow, **_type_specific_fields())


class EvidenceRow(Row):
    event_id: str = Field(description="The event this quote supports.")
    doc_id: str = Field(description="The document quoted: the one that codes the event, or one that reports it.")
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
    events_coded=(int, Field(description="How many events the document codes (it is their doc_id).")),
    events_reported=(int, Field(description="How many events coded in other documents it reports.")),
)
UNPUBLISHED_ACTOR_FIELDS = frozenset({"aliases"})
"""Registry fields that help read documents but are not data about the actor."""
ActorRow = create_model(
    "ActorRow",
    __base__=Row,
    **{
        name: (info.annotation, Field(description=info.description))
        for name, info in Actor.model_fields.items()
        if name not in UNPUBLISHED_ACTOR_FIELDS
    },
)


class RetiredRow(Row):
    event_id: str = Field(description="A withdrawn event ID; it is never reused.")
    reason: str = Field(description="Why it was withdrawn.")
    merged_into: str | None = Field(None, description="The event that now stands for it, if any.")


class ChangeRow(Row):
    version: str = Field(description="The release these changes made.")
    event_id: str = Field(description="The event added, changed, merged into another or retired.")
    change: Change = Field(
        description="added, changed, merged (into merged_into, which stands for it now) or retired, against the previous release."
    )
    fields: str | None = Field(None, description="For a change: the ';'-separated columns whose values changed.")
    reason: str | None = Field(None, description="For a merge or a retirement: why.")
    merged_into: str | None = Field(None, description="For a merge: the event that now stands for it.")


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    key: str


@dataclass(frozen=True)
class Table:
    name: str
    row: type[Row]
    description: str
    one_row_per: str
    """For the README: what one row is."""
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    sort_by: tuple[str, ...] = ()
    """The published row order; a missing value sorts first (an open start is not later than anything)."""
    folder: str = ""
    """The folder of ``data/`` its files are in; empty for the top level."""
    stata: bool = False
    """Whether it is also published as a Stata file (``.dta``)."""

    @property
    def path(self) -> str:
        """Where its files are in ``data/``, without the extension: ``events``, ``panels/dyad_year``."""
        return f"{self.folder}/{self.name}" if self.folder else self.name

    @functools.cached_property
    def columns(self) -> tuple[Column, ...]:
        found = []
        for name, info in self.row.model_fields.items():
            plain, nullable = _unwrap(info.annotation)
            found.append(Column(name, column_type(plain), nullable, info.description or ""))
        return tuple(found)

    def arrow_schema(self) -> pa.Schema:
        import pyarrow as pa

        fields = [
            pa.field(c.name, c.type.arrow(), nullable=c.nullable, metadata={"description": c.description} if c.description else None)
            for c in self.columns
        ]
        return pa.schema(fields, metadata={"bilat.table": self.name})

    def pandas_dtypes(self) -> dict[str, Any]:
        return {c.name: c.type.pandas() for c in self.columns}

    def csv_read_options(self) -> dict[str, Any]:
        """Keyword arguments for ``pd.read_csv`` that give the same frame as ``pd.read_parquet``."""
        dates = [c.name for c in self.columns if c.type.kind == "date"]
        dtypes = {c.name: c.type.pandas() for c in self.columns if c.type.kind != "date"}
        return {"dtype": dtypes, "parse_dates": dates, "keep_default_na": False, "na_values": [""]}

    def sorted(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` in the published row order, with a fresh index; as it is for a table with no order."""
        if not self.sort_by:
            return frame
        return frame.sort_values(list(self.sort_by), na_position="first", kind="stable", ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Panels: counts of events per pair of actors and period, two columns per event type


class PanelUnit(StrEnum):
    year = "year"
    quarter = "quarter"
    month = "month"


PERIODS_PER_YEAR = {PanelUnit.year: 1, PanelUnit.quarter: 4, PanelUnit.month: 12}


def has_direction(event_type: str) -> bool:
    """Whether an event of this type goes from actor1 to actor2; an agreement's two parties have no direction."""
    first, second = ROLES[event_type]
    return first != second


def panel_name(unit: PanelUnit, directed: bool) -> str:
    return f"{'directed_' if directed else ''}dyad_{unit}"


def _rule_text(unit: PanelUnit, directed: bool, types: tuple[str, ...]) -> str:
    """What a panel's rows and counts are, for its description."""
    direction = ""
    if directed:
        by_role = ", ".join(f"{ROLES[t][0]}→{ROLES[t][1]}" for t in types if has_direction(t))
        both_ways = ", ".join(t for t in types if not has_direction(t))
        direction = f" Events go from actor1 to actor2 by role ({by_role or 'none of the types counted has a direction'})"
        if both_ways:
            direction += f"; {both_ways} events, whose parties have no direction, count in both directions"
        direction += ". Both directions of a pair run over the pair's span, so that they add up to the undirected panel."
    return (
        f"`<type>_min` counts the events whose date bounds lie wholly inside the {unit} (they certainly fall in it); "
        f"`<type>_max` those whose bounds overlap it (they may fall in it). Each pair of actors has a row for every {unit} "
        f"from the first to the last that its events' known bounds touch, zeros included, and none outside it: an open side "
        f"of a date (as in `../2025-12-06`) reaches only as far as that span, and an event with no known bound at all counts "
        f"in the `_max` of every {unit} of it.{direction}"
    )


def _count_fields(unit: PanelUnit, types: tuple[str, ...]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for event_type in types:
        fields[f"{event_type}_min"] = (
            int,
            Field(description=f"{event_type} events certainly in this {unit}: their date bounds lie wholly inside it."),
        )
        fields[f"{event_type}_max"] = (
            int,
            Field(description=f"{event_type} events that may be in this {unit}: their date bounds overlap it."),
        )
    return fields


def _period_fields(unit: PanelUnit) -> dict[str, Any]:
    fields: dict[str, Any] = {"year": (int, Field(description="Calendar year."))}
    if unit == PanelUnit.quarter:
        fields["quarter"] = (int, Field(description="Quarter of the year, 1 (January to March) to 4."))
    elif unit == PanelUnit.month:
        fields["month"] = (int, Field(description="Month of the year, 1 to 12."))
    return fields


def _panel_row(unit: PanelUnit, directed: bool, types: tuple[str, ...]) -> type[Row]:
    gw = "Gleditsch–Ward code of {actor} on the period's last day, derived from {ccode}."
    dyad = (str, Field(description="The two actor codes, sorted and joined by '-', as in the events table."))
    if directed:
        sources = ", ".join(dict.fromkeys(ROLES[t][0] for t in types if has_direction(t)))
        targets = ", ".join(dict.fromkeys(ROLES[t][1] for t in types if has_direction(t)))
        either = " or a party" if any(not has_direction(t) for t in types) else ""
        pair = {
            "actor1": (str, Field(description=f"Code of the actor the events go from ({sources or 'none'}{either}).")),
            "actor2": (str, Field(description=f"Code of the actor they go to ({targets or 'none'}{either}).")),
        }
        codes = {
            "dyad": dyad,
            "ccode1": (int | None, Field(None, description="COW state code of actor1.")),
            "ccode2": (int | None, Field(None, description="COW state code of actor2.")),
            "gwcode1": (int | None, Field(None, description=gw.format(actor="actor1", ccode="ccode1"))),
            "gwcode2": (int | None, Field(None, description=gw.format(actor="actor2", ccode="ccode2"))),
        }
        fields = pair | _period_fields(unit) | codes
    else:
        actors = {
            "actor_a": (str, Field(description="The dyad's first actor code (in sort order).")),
            "actor_b": (str, Field(description="The dyad's second actor code (in sort order).")),
            "ccode_a": (int | None, Field(None, description="COW state code of actor_a.")),
            "ccode_b": (int | None, Field(None, description="COW state code of actor_b.")),
            "gwcode_a": (int | None, Field(None, description=gw.format(actor="actor_a", ccode="ccode_a"))),
            "gwcode_b": (int | None, Field(None, description=gw.format(actor="actor_b", ccode="ccode_b"))),
        }
        fields = {"dyad": dyad} | _period_fields(unit) | actors
    title = "".join(part.capitalize() for part in panel_name(unit, directed).split("_"))
    return create_model(f"{title}Row", __base__=Row, **fields, **_count_fields(unit, types))


def panel_table(unit: PanelUnit | str = PanelUnit.year, directed: bool = False, types: Iterable[str] | None = None) -> Table:
    """The table of a panel: per pair of actors (undirected, or ``directed`` by role) and ``unit``, two counts of
    each event type in ``types`` (all of them, in the order of ``EVENT_TYPES``, by default)."""
    return _panel_table(PanelUnit(unit), directed, panel_types(types))


def panel_types(types: Iterable[str] | None = None) -> tuple[str, ...]:
    """The event types a panel counts, in the order of ``EVENT_TYPES``: all of them by default."""
    if types is None:
        return tuple(EVENT_TYPES)
    wanted = set(types)
    if unknown := sorted(wanted - set(EVENT_TYPES)):
        raise ValueError(f"the event types are {', '.join(EVENT_TYPES)}, not {', '.join(unknown)}")
    if not wanted:
        raise ValueError(f"a panel counts at least one event type: {', '.join(EVENT_TYPES)}")
    return tuple(t for t in EVENT_TYPES if t in wanted)


@functools.cache
def _panel_table(unit: PanelUnit, directed: bool, types: tuple[str, ...]) -> Table:
    subperiod = () if unit == PanelUnit.year else (str(unit),)
    pair = ("actor1", "actor2") if directed else ("dyad",)
    key = (*pair, "year", *subperiod)
    if directed:
        description = f"Counts of each event type from one actor to another (directed dyads) per {unit}. "
        one_row_per = (
            f"pair of actors in one direction (`actor1` → `actor2`) and {unit}: the counts of `{panel_name(unit, False)}`, by role"
        )
        actors = ("actor1", "actor2")
    else:
        description = f"Counts of each event type per pair of actors (undirected dyads) and {unit}. "
        one_row_per = (
            f"pair of actors (`dyad`) and {unit}: how many events of each type certainly (`<type>_min`) "
            f"and possibly (`<type>_max`) fall in it"
        )
        actors = ("actor_a", "actor_b")
    return Table(
        panel_name(unit, directed),
        _panel_row(unit, directed, types),
        description + _rule_text(unit, directed, types),
        one_row_per,
        key,
        tuple(ForeignKey(actor, "actors", "code") for actor in actors),
        key,
        folder=PANELS_DIR,
        stata=True,
    )


TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "events",
            EventRow,
            "One row per event: who did what to whom, when, as coded from its source document.",
            "event, sorted by `date_start` (open starts first), then `event_id`",
            ("event_id",),
            (
                ForeignKey("actor1", "actors", "code"),
                ForeignKey("actor2", "actors", "code"),
                ForeignKey("doc_id", "documents", "doc_id"),
                ForeignKey("follows", "events", "event_id"),
            ),
            ("date_start", "event_id"),
            stata=True,
        ),
        Table(
            "evidence",
            EvidenceRow,
            "The verbatim quotes supporting each event, from every document that reports it, with their offsets in that document.",
            "quote supporting an event, with its `doc_id` and `char_start`/`char_end` offsets into that document",
            ("event_id", "doc_id", "char_start", "char_end"),
            (ForeignKey("event_id", "events", "event_id"), ForeignKey("doc_id", "documents", "doc_id")),
            ("event_id", "doc_id", "char_start", "char_end"),
        ),
        Table(
            "documents",
            DocumentRow,
            "The source documents: title, publisher, author, and when and how their publication date is known.",
            "source document: title, publisher, author, publication date and how it is known, sha256",
            ("doc_id",),
            sort_by=("doc_id",),
        ),
        Table(
            "actors",
            ActorRow,
            "The actor registry: states (ISO 3166-1 alpha-3, with COW codes), IGOs and non-state actors.",
            "actor: ISO 3166-1 alpha-3 code for states (with COW `ccode`), short codes for IGOs and non-state actors",
            ("code",),
            sort_by=("code",),
        ),
        Table(
            "retired",
            RetiredRow,
            "Withdrawn event IDs, never reused, with what now stands for them.",
            "withdrawn event ID, with the reason and the event that now stands for it",
            ("event_id",),
            sort_by=("event_id",),
        ),
        Table(
            "changes",
            ChangeRow,
            "What the current release added, changed, merged and retired, against the previous release.",
            "event added, changed, merged into another or retired by this release",
            ("event_id",),
        ),
        panel_table(PanelUnit.year),
        panel_table(PanelUnit.year, directed=True),
    )
}
TIMELINE_TABLE = "events"
"""Each ``timelines/<dyad>`` file holds the rows of this table for one dyad."""


def table_entry(table: str | Table) -> Table:
    """A published table by name, or a table (a panel made on demand) as it is."""
    return TABLES[table] if isinstance(table, str) else table


def csv_read_options(table: str) -> dict[str, Any]:
    """Keyword arguments for ``pd.read_csv`` that give the same frame as ``pd.read_parquet``."""
    return TABLES[table].csv_read_options()


def tables_markdown() -> str:
    """The README's table of the published tables."""
    lines = ["| table | one row per | key |", "|---|---|---|"]
    for table in TABLES.values():
        key = f"`{table.primary_key[0]}`" if len(table.primary_key) == 1 else f"(`{'`, `'.join(table.primary_key)}`)"
        lines.append(f"| `{table.path}` | {table.one_row_per} | {key} |")
        if table.name == TIMELINE_TABLE:
            example = f"`{TIMELINES_DIR}/IRN-RUS.parquet`"
            lines.append(f"| `{TIMELINES_DIR}/<dyad>` | the events of one pair of actors, e.g. {example} | `{table.primary_key[0]}` |")
    return "\n".join(lines) + "\n"
