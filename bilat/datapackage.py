"""``data/datapackage.json``: a Frictionless Data Package (v2) describing every published file,
generated from the table entries in ``bilat.metadata`` and the release record."""

from __future__ import annotations

from typing import Any

from bilat.metadata import TABLES, TIMELINE_TABLE, TIMELINES_DIR, Table
from bilat.release import Edition, ReleaseRecord

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
LICENSES = {"CC-BY-4.0": "Creative Commons Attribution 4.0", "MIT": "MIT License"}


def table_schema(table: Table, for_parquet: bool) -> dict[str, Any]:
    fields = []
    for column in table.columns:
        field: dict[str, Any] = {"name": column.name, "description": column.description} | column.type.frictionless(for_parquet)
        if not column.nullable:
            field.setdefault("constraints", {})["required"] = True
        fields.append(field)
    return {"fields": fields, "missingValues": [""], "primaryKey": list(table.primary_key)}


def _resource(name: str, path: str, table: Table, for_parquet: bool, with_keys: bool) -> dict[str, Any]:
    schema = table_schema(table, for_parquet)
    if with_keys and table.foreign_keys:
        suffix = "-parquet" if for_parquet else ""
        schema["foreignKeys"] = [
            {"fields": [key.column], "reference": {"resource": f"{key.table}{suffix}", "fields": [key.key]}} for key in table.foreign_keys
        ]
    resource: dict[str, Any] = {"name": name, "type": "table", "path": path, "description": table.description}
    if for_parquet:
        resource |= {"format": "parquet", "mediatype": "application/vnd.apache.parquet"}
    else:
        resource |= {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "dialect": {"header": True, "delimiter": ","}}
    return resource | {"schema": schema}


def _stata_resource(table: Table) -> dict[str, Any]:
    """A Stata copy of a table: a file of the package, whose columns are those of the table's CSV resource."""
    return {
        "name": f"{table.name}-stata",
        "path": f"{table.path}.dta",
        "format": "dta",
        "mediatype": "application/x-stata-dta",
        "description": (
            f"`{table.path}` in Stata's format 118 (Stata 14 and later): the columns of the `{table.name}` resource, described there, "
            "each labelled with the start of its description; categories as value labels, dates as daily dates (%td), "
            "missing text as an empty string."
        ),
    }


def datapackage(record: ReleaseRecord, found: Edition, dyads: list[str]) -> dict[str, Any]:
    """The package of a build of edition ``found``: ``version`` is the release it is, or says that it
    holds unreleased changes (``1.0.0+unreleased``); ``created`` is the release's date, and only a
    release has one. ``bilat:lastRelease`` names the last release either way, for citations."""
    info = record.dataset
    resources = []
    for for_parquet in (False, True):
        extension, suffix = ("parquet", "-parquet") if for_parquet else ("csv", "")
        for name, table in TABLES.items():
            resources.append(_resource(f"{name}{suffix}", f"{table.path}.{extension}", table, for_parquet, with_keys=True))
        for dyad in dyads:
            name = f"timeline-{dyad.lower()}{suffix}"
            path = f"{TIMELINES_DIR}/{dyad}.{extension}"
            resources.append(_resource(name, path, TABLES[TIMELINE_TABLE], for_parquet, with_keys=False))
    resources += [_stata_resource(table) for table in TABLES.values() if table.stata]
    package: dict[str, Any] = {
        "$schema": PROFILE,
        "name": info.name,
        "title": info.title,
        "description": info.description,
        "version": found.version,
        "licenses": [{"name": info.data_license, "title": LICENSES.get(info.data_license, info.data_license)}],
        "contributors": [{"title": name, "roles": ["author"]} for name in info.authors],
        "keywords": ["event data", "international relations", "arms transfers", "sanctions"],
        "resources": resources,
    }
    if found.is_release:
        package["created"] = f"{found.last.date}T00:00:00Z"
    if found.last is not None:
        package["bilat:lastRelease"] = {"version": found.last.version, "date": found.last.date}
    return package
