"""Whether a passage supports an event: which actors it names and which event types its words
speak of. A report's quotes must name both actors of the event it reports and speak of its type,
so that a report attached to the wrong event ID is caught."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bilat.drafting.actors import ActorIndex, build_index, find_mentions, learn_people
from bilat.drafting.engine import compiled
from bilat.models import Actor


@functools.cache
def _type_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    lexicon = compiled().lexicon
    return tuple(
        (
            event_type,
            re.compile(rf"(?<![\w-])(?:{'|'.join(lexicon.expand(word) for word in words)})(?![\w-])".replace(" ", r"\s+"), re.IGNORECASE),
        )
        for event_type, words in lexicon.type_words.items()
    )


@dataclass
class Support:
    """Reads passages against the actor registry; the country libraries are read only when first needed."""

    registry: Sequence[Actor]
    _index: ActorIndex | None = field(default=None, repr=False)
    _people: tuple[str, Mapping[str, str]] | None = field(default=None, repr=False)
    """The last document read and the people it ties to states: a document's reports are read one after another."""

    def actors(self, text: str, document: str) -> frozenset[str]:
        """The codes of the actors ``text`` names: by name, short name, demonym, capital, alias, a
        place of a state ("Istanbul"), or a person ``document`` ties to a state by a title."""
        if self._index is None:
            self._index = build_index(self.registry)
        if self._people is None or self._people[0] is not document:
            self._people = document, learn_people(document, ((0, len(document)),), self._index, compiled().title_patterns)
        people = self._people[1]
        return frozenset(m.code for m in find_mentions(text, 0, len(text), self._index, people))

    def types(self, text: str) -> frozenset[str]:
        """The event types whose words ``text`` uses."""
        return frozenset(event_type for event_type, pattern in _type_patterns() if pattern.search(text))
