"""Validate and normalize: check what no single record can check alone, and work out dates
and evidence offsets. Seeds in, coded events out; every problem is collected before failing."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from bilat.dates import DateError, DateNormalizer, NormalizedDate, from_bounds, publication_conflict
from bilat.edtf import parse_edtf
from bilat.evidence import QuoteError, contains, fold_document, locate, locate_all
from bilat.models import FORWARD_STATUSES, Event
from bilat.problems import InputError, Problem
from bilat.seeds import Seeds, SourceDocument


@dataclass(frozen=True)
class LocatedQuote:
    quote: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class CodedEvent:
    event: Event
    doc_id: str
    date: NormalizedDate
    date_text: str | None
    """``event.date_text`` as the document spells it (curly quotes, dashes and all)."""
    evidence: tuple[LocatedQuote, ...]


def code_events(seeds: Seeds) -> tuple[CodedEvent, ...]:
    normalizers: dict[str, DateNormalizer] = {}
    problems: list[Problem] = list(seeds.problems)
    problems += _registry_problems(seeds)
    problems += _id_problems(seeds)
    coded: list[CodedEvent] = []
    for document in seeds.documents:
        language = document.meta.language
        if language not in normalizers:
            normalizers[language] = DateNormalizer(language)
        found, document_problems = _code_document(document, seeds.actor_codes, normalizers[language])
        coded += found
        problems += document_problems
    problems += _follows_problems(seeds, {c.event.id: c for c in coded})
    if problems:
        raise InputError(problems)
    return tuple(coded)


def _registry_problems(seeds: Seeds) -> list[Problem]:
    counts = Counter(actor.code for _, actor in seeds.actors)
    return [
        seeds.located_actors.problem(("actors", i, "code"), f"{actor.code} is in the registry {counts[actor.code]} times")
        for i, actor in seeds.actors
        if counts[actor.code] > 1
    ]


def _id_problems(seeds: Seeds) -> list[Problem]:
    problems = []
    retired_counts = Counter(t.id for _, t in seeds.retired)
    for i, tombstone in seeds.retired:
        if retired_counts[tombstone.id] > 1:
            problems.append(seeds.located_retired.problem(("retired", i, "id"), f"{tombstone.id} is retired more than once"))
    places = defaultdict(list)
    for document in seeds.documents:
        for i, event in document.events:
            if event.id is None:
                problems.append(document.located.problem(("events", i, "id"), "no ID yet: run `bilat mint` to give it one"))
            else:
                places[event.id].append((document, i))
    for event_id, uses in places.items():
        for document, i in uses:
            if len(uses) > 1:
                problems.append(document.located.problem(("events", i, "id"), f"{event_id} is used by {len(uses)} events"))
            if event_id in retired_counts:
                problems.append(document.located.problem(("events", i, "id"), f"{event_id} is retired and cannot be reused"))
    for i, tombstone in seeds.retired:
        if tombstone.merged_into is not None and tombstone.merged_into not in places:
            message = f"{tombstone.merged_into} is not a live event ID in the {_scope(seeds)}"
            problems.append(seeds.located_retired.problem(("retired", i, "merged_into"), message))
    return problems


def _scope(seeds: Seeds) -> str:
    """What was searched: with files that failed to load, a missing ID may be in one of them."""
    return "events that passed validation" if seeds.problems else "seeds"


def _code_document(
    document: SourceDocument, actor_codes: frozenset[str] | None, normalizer: DateNormalizer
) -> tuple[list[CodedEvent], list[Problem]]:
    published = parse_edtf(document.meta.published)
    folded = fold_document(document.text)
    where = document.located
    problems: list[Problem] = []
    coded: list[CodedEvent] = []
    for i, event in document.events:
        here = ("events", i)
        for role in ("actor1", "actor2"):
            code = getattr(event, role)
            if actor_codes is not None and code not in actor_codes:
                problems.append(where.problem(here + (role,), f"{code} is not in seeds/actors.yaml"))
        quotes = []
        for j, quote in enumerate(event.evidence):
            try:
                match = locate(quote.quote, folded, quote.occurrence)
            except QuoteError as err:
                problems.append(where.problem(here + ("evidence", j, "quote"), str(err)))
                continue
            quotes.append(LocatedQuote(document.text[match.char_start : match.char_end], match.char_start, match.char_end))
        forward = event.status in FORWARD_STATUSES
        written = _as_written(event.date_text, quotes)
        try:
            if event.date_text is not None:
                # A quote that was not found is still the coder's: look in what they typed.
                if written is None and not any(contains(q.quote, event.date_text) for q in event.evidence):
                    raise DateError(f"{event.date_text!r} is not inside any of the event's quotes")
                date = normalizer.from_text(event.date_text, published, forward)
            else:
                date = from_bounds(event.date_bounds, event.date_reason)
            if conflict := publication_conflict(date, published, forward):
                raise DateError(conflict)
        except DateError as err:
            field = "date_text" if event.date_text is not None else "date_bounds"
            problems.append(where.problem(here + (field,), str(err)))
            continue
        if len(quotes) == len(event.evidence):
            coded.append(CodedEvent(event, document.doc_id, date, written, tuple(quotes)))
    for i, dismissal in document.dismissed:
        try:
            locate_all(dismissal.text, folded)
        except QuoteError as err:
            problems.append(where.problem(("dismissed", i, "text"), str(err)))
    return coded, problems


def _as_written(date_text: str | None, quotes: list[LocatedQuote]) -> str | None:
    """The date text exactly as the document has it, from the first quote holding it; None
    when there is no date text or no located quote holds it."""
    if date_text is None:
        return None
    for quote in quotes:
        try:
            match = locate(date_text, fold_document(quote.quote), occurrence=1)
        except QuoteError:
            continue
        return quote.quote[match.char_start : match.char_end]
    return None


def _follows_problems(seeds: Seeds, coded: dict[str | None, CodedEvent]) -> list[Problem]:
    """``follows`` must name another event of the same type and dyad, not later, with no cycle."""
    events = [(d, i, e) for d in seeds.documents for i, e in d.events if e.id]
    places: dict[str, tuple] = {}
    for place in events:
        places.setdefault(place[2].id, place)
    follows = {event_id: event.follows for event_id, (_, _, event) in places.items()}
    problems = []
    for document, i, event in events:
        event_id = event.id
        if event.follows is None:
            continue
        earlier = places.get(event.follows)
        message = None
        if event.follows == event_id:
            message = "an event cannot follow itself"
        elif earlier is None:
            message = f"{event.follows} is not an event ID in the {_scope(seeds)}"
        elif _in_cycle(event_id, follows):
            message = "follows links form a cycle"
        elif earlier[2].type != event.type:
            message = f"{event.follows} is a {earlier[2].type}, not a {event.type}"
        elif {earlier[2].actor1, earlier[2].actor2} != {event.actor1, event.actor2}:
            message = f"{event.follows} is between other actors"
        elif _starts_after(coded.get(event.follows), coded.get(event_id)):
            message = f"{event.follows} starts after this event ends"
        if message:
            problems.append(document.located.problem(("events", i, "follows"), message))
    return problems


def _starts_after(earlier: CodedEvent | None, later: CodedEvent | None) -> bool:
    if earlier is None or later is None or earlier.date.start is None or later.date.end is None:
        return False
    return earlier.date.start > later.date.end


def _in_cycle(start: str, follows: dict[str, str | None]) -> bool:
    """Whether following ``follows`` from ``start`` comes back to it."""
    current: str | None = start
    for _ in range(len(follows)):
        current = follows.get(current)
        if current is None:
            return False
        if current == start:
            return True
    return False
