"""``bilat dupes``: pairs of coded events that may be one real-world event coded twice.

Only events of the same type, pair of actors (in the same direction, for all but agreements) and
status whose date bounds overlap can be a pair (an open side overlaps everything on that side). A pair scores 0.4 x how alike its dates are,
plus 0.4 x the share of their quote words the two have in common (Jaccard), plus 0.2 if they
give the same visitor, agreement title, instrument, item or location; it is listed, with a line
saying why, when it scores ``listed_from`` or more.

How pairs are found. In a large tree most overlapping pairs are far from the threshold (an event
dated only "before publication" overlaps every earlier event of its group), so they are not all
scored. Two dates score at most 1, and at most 0.5 when either is open on a side (an open overlap
counts half; two dates open alike score 0.25). So a pair that shares no named field can only be
listed if its Jaccard is at least

    t = (threshold - 0.4 x the best its dates can score) / 0.4

less a margin wider than float rounding and the rounding of scores to 4 places: at the default
0.5, t is 0.25 for two closed dates and 0.75 for an open one. Such pairs are found by prefix
filtering, the exact method of set-similarity joins: with the words of each event ordered rarest
first within its group, two sets whose Jaccard is t or more share at least ceil(t x |x|) words,
so the first word they share is among the first |x| - ceil(t x |x|) + 1 words of each. A sweep
over start dates keeps, for the events not yet ended, an index from those prefix words, and from
the values of their named fields (a pair that shares one is always compared), to the events; an
event is compared with the earlier ones it meets there, which all overlap it. Where t <= 0 (a
threshold of 0.4 or less, for closed dates) every overlapping pair of the kind is compared.

Why this is exact: a pair left out shares no named field and no prefix word, so its Jaccard is
under t and it scores under the threshold; a pair found is scored by the same arithmetic as
ever. The listed pairs, their scores and their order are those of scoring every overlapping pair.
The bound on open dates assumes that two dates written alike are open alike, as bilat's date
reading makes them: a group where one EDTF is open for some events and closed for others has
every overlapping pair compared.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from bilat.evidence import fold
from bilat.models import ROLES, EventBase, pair_text
from bilat.normalize import CodedEvent

LISTED_FROM = 0.5
"""Pairs scoring less are not listed."""
NAMED_FIELDS = ("visitor", "agreement_title", "instrument", "item", "location")
DATE_WEIGHT, TEXT_WEIGHT, FIELD_WEIGHT = 0.4, 0.4, 0.2
OPEN_DATE_BEST = 0.5
"""The most two dates can score when either is open on a side (see ``_date_likeness``)."""
_MARGIN = 1e-3
"""Taken off the least Jaccard a pair needs: far more than float rounding, or the rounding of
scores to 4 places (5e-5), can move a score, so no pair that rounds up to the threshold is lost."""
_DAY_ONE, _LAST_DAY = dt.date.min.toordinal(), dt.date.max.toordinal()
_EVERY = ("every",)
"""The one index key of all events, where a kind of pair needs no Jaccard at all."""
_Index = dict[Hashable, list[int]]
"""Index key (a word, a named field's (name, folded value), or ``_EVERY``) -> positions of events."""


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


class _Event(NamedTuple):
    """What scoring one event takes, worked out once for all its pairs."""

    coded: CodedEvent
    id: str
    """The event's ID, "" before it is minted."""
    edtf: str
    start: int
    """The first day, as a proleptic Gregorian ordinal (that of ``dt.date.min`` when open)."""
    end: int
    is_open: bool
    words: frozenset[str]
    fields: tuple[tuple[str, str, str], ...]
    """(name, as written, folded) of each named field that is set, in the order of NAMED_FIELDS."""
    field_keys: frozenset[tuple[str, str]]
    """(name, folded) of each."""


def _bounds(coded: CodedEvent) -> tuple[int, int]:
    return (coded.date.start or dt.date.min).toordinal(), (coded.date.end or dt.date.max).toordinal()


def _words(coded: CodedEvent) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", fold(" ".join(quote.quote for quote in coded.evidence)).lower()))


def _event(coded: CodedEvent, words: frozenset[str] | None = None, folded: dict[str, str] | None = None) -> _Event:
    """``folded``: values already folded, kept by the caller (names and places recur)."""
    folded = {} if folded is None else folded
    fields = []
    present = type(coded.event).model_fields  # asking a model for a field it lacks is slow
    for name in NAMED_FIELDS:
        value = getattr(coded.event, name) if name in present else None
        if value:
            if value not in folded:
                folded[value] = fold(value).lower()
            fields.append((name, value, folded[value]))
    date = coded.date
    return _Event(
        coded,
        coded.event.id or "",
        date.edtf,
        *_bounds(coded),
        date.start is None or date.end is None,
        _words(coded) if words is None else words,
        tuple(fields),
        frozenset((name, value) for name, _, value in fields),
    )


def _date_likeness(a: _Event, b: _Event) -> float:
    if a.edtf == b.edtf:  # two dates open on the same side say little: "before publication"
        return 0.25 if a.is_open else 1.0
    shared = min(a.end, b.end) - max(a.start, b.start) + 1
    narrower = min(a.end - a.start, b.end - b.start) + 1
    return shared / narrower * (0.5 if _DAY_ONE in (a.start, b.start) or _LAST_DAY in (a.end, b.end) else 1.0)


def _date_why(a: _Event, b: _Event) -> str:
    if a.edtf == b.edtf:
        return f"both dated only {a.edtf}" if a.is_open else f"same date {a.edtf}"
    return f"dates {a.edtf} and {b.edtf} overlap"


def _text_likeness(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of their words two events' quotes have in common (Jaccard): cheap enough for many pairs."""
    common = len(a & b)
    return common / (len(a) + len(b) - common) if a or b else 0.0


def _same_fields(a: _Event, b: _Event) -> list[str]:
    return [f"same {name} {written!r}" for name, written, folded in a.fields if (name, folded) in b.field_keys]


def _score(date: float, text: float, same_field: bool) -> float:
    return round(DATE_WEIGHT * date + TEXT_WEIGHT * text + FIELD_WEIGHT * (1.0 if same_field else 0.0), 4)


def _candidate(a: _Event, b: _Event, score: float, text: float) -> Candidate:
    first, second = (b.coded, a.coded) if b.id < a.id else (a.coded, b.coded)
    why = (_date_why(a, b), f"quotes share {text:.0%} of their words", *_same_fields(a, b), f"from {first.doc_id} and {second.doc_id}")
    return Candidate(score, first, second, why)


def score(a: CodedEvent, b: CodedEvent, words: dict[int, frozenset[str]] | None = None) -> Candidate:
    """How alike two events of the same type, pair and status are, from 0 to 1, and why.
    ``words``: each event's quote words by ``id()``, when many pairs are scored."""
    words = words if words is not None else {id(a): _words(a), id(b): _words(b)}
    first, second = _event(a, words[id(a)]), _event(b, words[id(b)])
    text = _text_likeness(first.words, second.words)
    total = _score(_date_likeness(first, second), text, not first.field_keys.isdisjoint(second.field_keys))
    return _candidate(first, second, total, text)


def _listed(pairs: Iterable[tuple[_Event, _Event]], listed_from: float) -> Iterator[tuple[tuple[float, str, str], Candidate]]:
    """The pairs scoring ``listed_from`` or more, each with the key they are listed by. The reasons
    are written only for these: a pair below is only scored."""
    for a, b in pairs:
        text = _text_likeness(a.words, b.words)
        total = _score(_date_likeness(a, b), text, not a.field_keys.isdisjoint(b.field_keys))
        if total >= listed_from:
            yield (-total, *sorted((a.id, b.id))), _candidate(a, b, total, text)


def least_jaccard(listed_from: float, open_date: bool, same_field: bool) -> float:
    """The least Jaccard of quote words with which a pair can still score ``listed_from``, given the
    best its dates can do and whether it shares a named field (a margin below the exact figure)."""
    best_date = OPEN_DATE_BEST if open_date else 1.0
    return (listed_from - _MARGIN - DATE_WEIGHT * best_date - FIELD_WEIGHT * (1.0 if same_field else 0.0)) / TEXT_WEIGHT


def _rarest_first(group: Sequence[_Event]) -> list[tuple[str, ...]]:
    """Each event's words, the rarest in the group first (ties by the word): prefix filtering needs
    one order for all the events it compares, and rare words make short posting lists."""
    counts = Counter(word for event in group for word in event.words)
    rank = {word: i for i, word in enumerate(sorted(counts, key=lambda word: (counts[word], word)))}
    return [tuple(sorted(event.words, key=rank.__getitem__)) for event in group]


def _prefix(words: tuple[str, ...], least: float) -> tuple[str, ...]:
    """The first words, of which any set with a Jaccard of ``least`` (> 0) or more with these shares
    one; none where ``least`` is above 1, which no pair reaches."""
    return words[: max(0, len(words) - math.ceil(least * len(words)) + 1)]


def _keys(event: _Event, words: tuple[str, ...], least: float) -> list[Hashable]:
    """Keys under which ``event`` meets every partner it could be listed with, for pairs that need a
    Jaccard of ``least`` unless they share a named field: its prefix words and its named fields'
    values, or the one key of all events where ``least`` asks for no Jaccard at all."""
    return [_EVERY] if least <= 0 else [*_prefix(words, least), *event.field_keys]


def _meet(index: _Index, keys: Iterable[Hashable], start: int, ends: Sequence[int]) -> set[int]:
    """The events of ``index`` not ended by ``start`` that share a key with ``keys``. The sweep goes
    by start dates, so an event ended by one start is ended for all later ones: it is dropped."""
    met: set[int] = set()
    for key in keys:
        postings = index.get(key)
        if postings:
            live = [i for i in postings if ends[i] >= start]
            if len(live) < len(postings):
                index[key] = live
            met.update(live)
    return met


def _add(index: _Index, keys: Iterable[Hashable], position: int) -> None:
    for key in keys:
        index.setdefault(key, []).append(position)


def _overlapping(group: Sequence[_Event]) -> Iterator[tuple[_Event, _Event]]:
    """Every pair of the group whose bounds overlap, by a sweep over the start dates."""
    ordered = sorted(group, key=lambda event: event.start)
    open_events: list[_Event] = []
    for event in ordered:
        open_events = [other for other in open_events if other.end >= event.start]
        for other in open_events:
            yield other, event
        open_events.append(event)


def _compared(group: Sequence[_Event], listed_from: float) -> Iterator[tuple[_Event, _Event]]:
    """The pairs of one group that could score ``listed_from`` or more, in the order, and each pair
    in the orientation, of ``_overlapping``: the earlier start first, ties as the events came."""
    if len({(event.edtf, event.is_open) for event in group}) != len({event.edtf for event in group}):
        yield from _overlapping(group)  # the bound on open dates assumes one EDTF is open or closed for all
        return
    ordered = sorted(group, key=lambda event: event.start)
    words = _rarest_first(ordered)
    ends = [event.end for event in ordered]
    closed_least, open_least = least_jaccard(listed_from, False, False), least_jaccard(listed_from, True, False)
    closed: _Index = {}  # closed events, keyed for pairs of closed dates
    closed_for_open: _Index = {}  # closed events, keyed for pairs with an open date
    opened: _Index = {}  # open events, all of whose pairs have an open date
    for j, event in enumerate(ordered):
        open_keys = _keys(event, words[j], open_least)
        met = _meet(opened, open_keys, event.start, ends)
        if event.is_open:
            met |= _meet(closed_for_open, open_keys, event.start, ends)
            _add(opened, open_keys, j)
        else:
            closed_keys = _keys(event, words[j], closed_least)
            met |= _meet(closed, closed_keys, event.start, ends)
            _add(closed, closed_keys, j)
            _add(closed_for_open, open_keys, j)
        for i in sorted(met):
            yield ordered[i], event


@contextmanager
def _uncollected() -> Iterator[None]:
    """No garbage collection while pairs are compared: they make millions of small objects with
    no reference cycles, and each collection walks the pairs listed so far again (at 100,000 events
    of the bench corpus, 19.5 s with collection, 12.2 s without)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _pair(event: EventBase) -> tuple[str, ...] | frozenset[str]:
    """The actors as the event type orders them: a visit from A to B is not one from B to A, an agreement has no direction."""
    first, second = ROLES[event.type]
    return frozenset((event.actor1, event.actor2)) if first == second else (event.actor1, event.actor2)


def _groups(events: Sequence[CodedEvent]) -> list[list[_Event]]:
    """The events by type, pair of actors (in order, for a type with a direction) and status, in the order the groups first occur."""
    groups: dict[tuple, list[_Event]] = {}
    folded: dict[str, str] = {}
    for coded in events:
        event = coded.event
        groups.setdefault((event.type, _pair(event), event.status), []).append(_event(coded, folded=folded))
    return list(groups.values())


def compared(events: Sequence[CodedEvent], listed_from: float = LISTED_FROM) -> Iterator[tuple[CodedEvent, CodedEvent]]:
    """The pairs ``candidates`` scores: every pair that could score ``listed_from`` or more, and
    some that do not."""
    for group in _groups(events):
        for a, b in _compared(group, listed_from):
            yield a.coded, b.coded


def candidates(events: Sequence[CodedEvent], listed_from: float = LISTED_FROM) -> list[Candidate]:
    """Candidate duplicate pairs, most alike first."""
    with _uncollected():
        found = [listed for group in _groups(events) for listed in _listed(_compared(group, listed_from), listed_from)]
        found.sort(key=itemgetter(0))
        return [candidate for _, candidate in found]
