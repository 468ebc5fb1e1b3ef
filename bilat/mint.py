"""``bilat mint`` and ``bilat fmt``: give IDs to new events, and write every YAML file in its
one canonical form."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from bilat.ids import mint_id
from bilat.models import Event, EventsFile, RetiredIds, pair_text
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


@dataclass(frozen=True)
class Minted:
    path: Path
    index: int
    event_id: str
    event: Event

    def __str__(self) -> str:
        pair = pair_text(self.event.type, self.event.actor1, self.event.actor2)
        return f"{self.path.as_posix()}: events[{self.index}] is now {self.event_id} ({self.event.type} {pair}: {self.event.summary})"


def mint_seeds(seeds_dir: Path) -> list[Minted]:
    """Give an ID to every event without one; return what was minted, file by file."""
    models = _read_all(seeds_dir)
    taken = {t.id for m in models.values() if isinstance(m, RetiredIds) for t in m.retired}
    taken |= {e.id for m in models.values() if isinstance(m, EventsFile) for e in m.events if e.id}
    minted: list[Minted] = []
    for path, model in models.items():
        if not isinstance(model, EventsFile) or all(e.id for e in model.events):
            continue
        events = []
        for index, event in enumerate(model.events):
            if event.id is None:
                event = event.model_copy(update={"id": mint_id(taken)})
                taken.add(event.id)
                minted.append(Minted(path, index, event.id, event))
            events.append(event)
        path.write_bytes(canonical_yaml(model.model_copy(update={"events": events})).encode("utf-8"))
    return minted
