"""The drafter: reads a document and proposes candidate events (drafts) for a coder to accept,
edit or reject. ``draft_document`` is pure (no I/O); the lexicon ships in the package.

- ``lexicon``: the cues, blockers and word lists, as data (``lexicon.yaml``).
- ``text``: sentences and datelines. ``actors``: who the text names. ``dating``: date
  expressions and how the build reads them. ``quantities``: money and counts.
- ``engine``: cues to candidates, roles, dates, fields, drafts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bilat.drafting.actors import build_index
from bilat.drafting.engine import draft_document
from bilat.drafting.lexicon import Lexicon, load_lexicon
from bilat.models import Actor, ActorKind, DraftBase

__all__ = ["ActorProposal", "Lexicon", "draft_document", "load_lexicon", "propose_actors"]


@dataclass(frozen=True)
class ActorProposal:
    """A registry entry for a state the drafts name but ``seeds/actors.yaml`` does not have yet."""

    code: str
    name: str
    ccode: int | None
    gwcode: int | None

    def as_actor(self) -> Actor:
        """The entry to add; ValueError when the library knows no COW code (the coder must supply one)."""
        return Actor(code=self.code, name=self.name, kind=ActorKind.state, ccode=self.ccode)


def propose_actors(drafts: Sequence[DraftBase], registry: Sequence[Actor]) -> list[ActorProposal]:
    """Registry entries (ISO3 code, name, COW and Gleditsch-Ward codes) for the unregistered states the drafts name."""
    index = build_index(registry)
    registered = {actor.code for actor in registry}
    codes = dict.fromkeys(code for draft in drafts for code in (draft.actor1, draft.actor2) if code not in registered)
    return [
        ActorProposal(code, index.actors[code].name, index.actors[code].ccode, index.actors[code].gwcode)
        for code in codes
        if code in index.actors
    ]
