"""``data/datapackage.json``: a Frictionless Data Package (v2) describing every published file,
generated from the row models in ``bilat.tables`` and the release record."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from bilat.release import ReleaseRecord
from bilat.tables import DESCRIPTIONS, PRIMARY_KEYS, TABLES, unwrap

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
FOREIGN_KEYS = {
    "events": [
        ("actor1", "actors", "code"),
        ("actor2", "actors", "code"),
        ("doc_id", "documents", "doc_id"),
        ("follows", "events", "event_id"),
    ],
    "evidence": [("event_id", "events", "event_id"), ("doc_id", "documents", "doc_id")],
}
LICENSES = {"CC-BY-4.0": "Creative Commons Attribution 4.0", "MIT": "MIT License"}


def table_schema(table: str, for_parquet: bool) -> dict[str, Any]:
    fields = []
    for name, info in TABLES[table].model_fields.items():
        plain, nullable = unwrap(info.annotation)
        field: dict[str, Any] = {"name": name, "description": info.description or ""}
        if isinstance(plain, type) and issubclass(plain, Enum):
            field |= {"type": "string", "constraints": {"enum": [m.value for m in plain]}}
        elif plain is dt.date:
            field["type"] = "datetime" if for_parquet else "date"
        else:
            field["type"] = {str: "string", int: "integer", float: "number"}[plain]
        if not nullable:
            field.setdefault("constraints", {})["required"] = True
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""], "primaryKey": PRIMARY_KEYS[table]}
    return schema


def _resource(name: str, path: str, table: str, for_parquet: bool, with_keys: bool) -> dict[str, Any]:
    schema = table_schema(table, for_parquet)
    if with_keys and table in FOREIGN_KEYS:
        suffix = "-parquet" if for_parquet else ""
        schema["foreignKeys"] = [
            {"fields": [column], "reference": {"resource": f"{target}{suffix}", "fields": [key]}}
            for column, target, key in FOREIGN_KEYS[table]
        ]
    resource: dict[str, Any] = {"name": name, "type": "table", "path": path, "description": DESCRIPTIONS[table]}
    if for_parquet:
        resource |= {"format": "parquet", "mediatype": "application/vnd.apache.parquet"}
    else:
        resource |= {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "dialect": {"header": True, "delimiter": ","}}
    return resource | {"schema": schema}


def datapackage(record: ReleaseRecord, dyads: list[str]) -> dict[str, Any]:
    info = record.dataset
    resources = []
    for for_parquet in (False, True):
        extension, suffix = ("parquet", "-parquet") if for_parquet else ("csv", "")
        for table in TABLES:
            resources.append(_resource(f"{table}{suffix}", f"{table}.{extension}", table, for_parquet, with_keys=True))
        for dyad in dyads:
            name = f"timeline-{dyad.lower()}{suffix}"
            resources.append(_resource(name, f"timelines/{dyad}.{extension}", "events", for_parquet, with_keys=False))
    package: dict[str, Any] = {
        "$schema": PROFILE,
        "name": info.name,
        "title": info.title,
        "description": info.description,
        "version": record.latest.version if record.latest else "0.0.0",
        "licenses": [{"name": info.data_license, "title": LICENSES.get(info.data_license, info.data_license)}],
        "contributors": [{"title": name, "roles": ["author"]} for name in info.authors],
        "keywords": ["event data", "international relations", "arms transfers", "sanctions"],
        "resources": resources,
    }
    if record.latest:
        package["created"] = f"{record.latest.date}T00:00:00Z"
    return package
