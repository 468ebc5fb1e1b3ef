"""The pipeline: load → validate and normalize → tabulate → write.

Each stage is a function from typed records to typed records; files are read only by the
first stage and written only by the last.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bilat.models import ActorRegistry, EventsFile, RetiredIds
from bilat.normalize import CodedEvent, code_events
from bilat.publish import write_dataset
from bilat.seeds import Seeds, load_seeds
from bilat.tables import tabulate

SCHEMA_MODELS = {"events": EventsFile, "actors": ActorRegistry, "retired": RetiredIds}


@dataclass(frozen=True)
class Checked:
    seeds: Seeds
    events: tuple[CodedEvent, ...]


def check(seeds_dir: Path) -> Checked:
    """Load and validate everything; InputError lists every problem. Writes nothing."""
    seeds = load_seeds(seeds_dir)
    return Checked(seeds, code_events(seeds))


def build_tables(seeds_dir: Path) -> dict[str, pd.DataFrame]:
    checked = check(seeds_dir)
    return tabulate(checked.seeds, checked.events)


def build(seeds_dir: Path, out: Path) -> dict[str, pd.DataFrame]:
    tables = build_tables(seeds_dir)
    write_dataset(tables, out, keep=(seeds_dir,))
    return tables


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
