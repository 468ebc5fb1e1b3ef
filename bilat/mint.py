"""``bilat mint`` and ``bilat fmt``: give IDs to new events, and write every YAML file in its
one canonical form."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from bilat.ids import mint_id
from bilat.models import EventsFile, RetiredIds
from bilat.problems import InputError, Problem
from bilat.seeds import read_yaml_model, seed_yaml_files
from bilat.yamlio import canonical_yaml


def _read_all(seeds_dir: Path) -> dict[Path, BaseModel]:
    problems: list[Problem] = []
    models: dict[Path, BaseModel] = {}
    for path, model in seed_yaml_files(seeds_dir):
        try:
            models[path] = read_yaml_model(path, path.as_posix(), model)[0]
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    return models


def format_seeds(seeds_dir: Path, check_only: bool = False) -> list[Path]:
    """Rewrite every seed YAML file canonically; return the files that were (or would be) changed."""
    changed = []
    for path, model in _read_all(seeds_dir).items():
        canonical = canonical_yaml(model).encode("utf-8")
        if path.read_bytes() != canonical:
            changed.append(path)
            if not check_only:
                path.write_bytes(canonical)
    return changed


def mint_seeds(seeds_dir: Path) -> int:
    """Give an ID to every event without one; return how many were minted."""
    models = _read_all(seeds_dir)
    taken = {t.id for m in models.values() if isinstance(m, RetiredIds) for t in m.retired}
    taken |= {e.id for m in models.values() if isinstance(m, EventsFile) for e in m.events if e.id}
    minted = 0
    for path, model in models.items():
        if not isinstance(model, EventsFile) or all(e.id for e in model.events):
            continue
        events = []
        for event in model.events:
            if event.id is None:
                event = event.model_copy(update={"id": mint_id(taken)})
                taken.add(event.id)
                minted += 1
            events.append(event)
        path.write_bytes(canonical_yaml(model.model_copy(update={"events": events})).encode("utf-8"))
    return minted
