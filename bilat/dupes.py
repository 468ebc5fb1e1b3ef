"""``bilat dupes``: pairs of coded events that may be one real-world event coded twice.

Only events of the same type, pair of actors and status whose date bounds overlap are compared
(an open side overlaps everything on that side), so the work grows with the events of each
type and dyad, not with all pairs: within a group, a sweep over the start dates compares an
event only with those not yet ended. Each candidate pair is scored by how alike its dates,
quotes and named fields are, and listed with a line saying why.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bilat.evidence import fold
from bilat.models import pair_text
from bilat.normalize import CodedEvent

LISTED_FROM = 0.5
"""Pairs scoring less are not listed."""
NAMED_FIELDS = ("visitor", "agreement_title", "instrument", "item", "location")
_DAY_ONE, _LAST_DAY = dt.date.min, dt.date.max


@dataclass(frozen=True)
class Candidate:
    score: float
    first: CodedEvent
    second: CodedEvent
    why: tuple[str, ...]

    def __str__(self) -> str:
        event = self.first.event
        head = f"{self.score:.2f}  {event.id} ~ {self.second.event.id}  {event.type} {event.status.value} "
        return head + pair_text(event.type, event.actor1, event.actor2) + ": " + "; ".join(self.why)


def _bounds(coded: CodedEvent) -> tuple[dt.date, dt.date]:
    return coded.date.start or _DAY_ONE, coded.date.end or _LAST_DAY


def _date_likeness(a: CodedEvent, b: CodedEvent) -> tuple[float, str]:
    is_open = a.date.start is None or a.date.end is None
    if a.date.edtf == b.date.edtf:  # two dates open on the same side say little: "before publication"
        return (0.25, f"both dated only {a.date.edtf}") if is_open else (1.0, f"same date {a.date.edtf}")
    (a_start, a_end), (b_start, b_end) = _bounds(a), _bounds(b)
    shared = (min(a_end, b_end) - max(a_start, b_start)).days + 1
    narrower = min((a_end - a_start).days, (b_end - b_start).days) + 1
    return shared / narrower * (0.5 if _DAY_ONE in (a_start, b_start) or _LAST_DAY in (a_end, b_end) else 1.0), (
        f"dates {a.date.edtf} and {b.date.edtf} overlap"
    )


def _words(coded: CodedEvent) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", fold(" ".join(quote.quote for quote in coded.evidence)).lower()))


def _text_likeness(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of their words two events' quotes have in common (Jaccard): cheap enough for many pairs."""
    return len(a & b) / len(a | b) if a or b else 0.0


def _same_fields(a: CodedEvent, b: CodedEvent) -> list[str]:
    same = []
    for name in NAMED_FIELDS:
        first, second = getattr(a.event, name, None), getattr(b.event, name, None)
        if first and second and fold(first).lower() == fold(second).lower():
            same.append(f"same {name} {first!r}")
    return same


def score(a: CodedEvent, b: CodedEvent, words: dict[int, frozenset[str]] | None = None) -> Candidate:
    """How alike two events of the same type, pair and status are, from 0 to 1, and why.
    ``words``: each event's quote words by ``id()``, when many pairs are scored."""
    words = words if words is not None else {id(a): _words(a), id(b): _words(b)}
    date, date_why = _date_likeness(a, b)
    text = _text_likeness(words[id(a)], words[id(b)])
    fields = _same_fields(a, b)
    total = 0.4 * date + 0.4 * text + 0.2 * (1.0 if fields else 0.0)
    first, second = sorted((a, b), key=lambda coded: coded.event.id or "")
    why = (date_why, f"quotes share {text:.0%} of their words", *fields, f"from {first.doc_id} and {second.doc_id}")
    return Candidate(round(total, 4), first, second, why)


def _overlapping(group: Sequence[CodedEvent]) -> Iterable[tuple[CodedEvent, CodedEvent]]:
    """Every pair of the group whose bounds overlap, by a sweep over the start dates."""
    ordered = sorted(group, key=lambda coded: _bounds(coded)[0])
    open_events: list[CodedEvent] = []
    for coded in ordered:
        start = _bounds(coded)[0]
        open_events = [other for other in open_events if _bounds(other)[1] >= start]
        for other in open_events:
            yield other, coded
        open_events.append(coded)


def candidates(events: Sequence[CodedEvent], listed_from: float = LISTED_FROM) -> list[Candidate]:
    """Candidate duplicate pairs, most alike first."""
    groups: dict[tuple, list[CodedEvent]] = defaultdict(list)
    for coded in events:
        event = coded.event
        groups[(event.type, frozenset((event.actor1, event.actor2)), event.status)].append(coded)
    words = {id(coded): _words(coded) for coded in events}
    found = [score(a, b, words) for group in groups.values() for a, b in _overlapping(group)]
    return sorted((c for c in found if c.score >= listed_from), key=lambda c: (-c.score, c.first.event.id or "", c.second.event.id or ""))
