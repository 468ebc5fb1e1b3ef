"""Validate and normalize: check what no single record can check alone, and work out dates
and evidence offsets. Seeds in, coded events out.

Error policy: nothing here raises for bad input. ``code_document`` returns each document's
problems with its coding, and ``tree_problems`` returns those of the whole tree; the caller
(``build.check``) raises them all at once."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from bilat.dates import DateError, DateNormalizer, DateReader, NormalizedDate, from_bounds, publication_conflict
from bilat.evidence import Match, QuoteError, contains, fold_document, locate, locate_all
from bilat.models import FORWARD_STATUSES, Event, Tombstone, text_problem
from bilat.problems import Problem
from bilat.release import Release, ReleasedIds, lost_id_problems
from bilat.seeds import Seeds, SourceDocument
from bilat.yamlio import LocatedData, Locator


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


class EventFacts(NamedTuple):
    """What the checks across documents need of one event that passed validation; a plain tuple,
    so that ``bilat check`` can keep it in its cache as it is."""

    index: int
    id: str | None
    follows: str | None
    type: str
    actor1: str
    actor2: str
    first_day: int | None
    last_day: int | None
    """The date's bounds as proleptic Gregorian ordinals; both None when the event could not be coded."""


@dataclass(frozen=True)
class DocumentFacts:
    doc_id: str
    located: Locator
    events: tuple[EventFacts, ...]


@dataclass(frozen=True)
class DocumentCoding:
    coded: tuple[CodedEvent, ...]
    dismissed: tuple[Match, ...]
    """Every passage of the document that a dismissal covers."""
    facts: DocumentFacts
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Checked:
    """A seeds tree that passed every check: its records, each document's coding, and the release."""

    seeds: Seeds
    codings: tuple[DocumentCoding, ...]
    release: Release

    @property
    def events(self) -> tuple[CodedEvent, ...]:
        return tuple(event for coding in self.codings for event in coding.coded)

    @property
    def pending_drafts(self) -> dict[str, int]:
        """Drafts waiting for review, by events.yaml file."""
        return {document.located.file: document.drafts for document in self.seeds.documents if document.drafts}


def code_events(seeds: Seeds, normalizers: dict[str, DateNormalizer] | None = None) -> tuple[DocumentCoding, ...]:
    """Every document coded, with the problems of each; ``normalizers``: date readers by language,
    perhaps holding readings made ahead (see ``DateReader``)."""
    if normalizers is None:
        with DateReader() as reader:
            for document in seeds.documents:
                reader.add(document.meta.language, date_texts(document))
            normalizers = reader.normalizers()
    normalizers = with_languages(normalizers, {document.meta.language for document in seeds.documents})
    return tuple(code_document(document, seeds.actor_codes, normalizers[document.meta.language]) for document in seeds.documents)


def with_languages(normalizers: dict[str, DateNormalizer], languages: Iterable[str]) -> dict[str, DateNormalizer]:
    """``normalizers`` and a fresh one for each other language."""
    return {**{language: DateNormalizer(language) for language in languages}, **normalizers}


def tree_problems(
    lists: Seeds,
    load_problems: Sequence[Problem],
    documents: Sequence[DocumentFacts],
    coding_problems: Sequence[Problem],
    released: ReleasedIds,
    release_problems: Sequence[Problem],
    seeds_label: str,
) -> list[Problem]:
    """Every problem of a seeds tree, from what loading and coding each document found: the one
    sequence of checks behind both a build and ``bilat check``. ``load_problems`` holds those of
    the registry and the tombstones too."""
    problems = [*load_problems, *registry_problems(lists), *coding_problems, *release_problems]
    problems += cross_document_problems(documents, lists.retired, lists.located_retired, some_unread=bool(load_problems))
    live = {event.id for document in documents for event in document.events if event.id}
    problems += lost_id_problems(released, live, {t.id for _, t in lists.retired}, f"{seeds_label}/retired.yaml", load_problems)
    return problems


def date_texts(document: SourceDocument) -> Iterator[str]:
    return (event.date_text for _, event in document.events if event.date_text is not None)


def registry_problems(seeds: Seeds) -> list[Problem]:
    counts = Counter(actor.code for _, actor in seeds.actors)
    return [
        seeds.located_actors.problem(("actors", i, "code"), f"{actor.code} is in the registry {counts[actor.code]} times")
        for i, actor in seeds.actors
        if counts[actor.code] > 1
    ]


def cross_document_problems(
    documents: Sequence[DocumentFacts], retired: Sequence[tuple[int, Tombstone]], located_retired: LocatedData | None, some_unread: bool
) -> list[Problem]:
    """IDs and ``follows`` links across the whole tree. ``some_unread``: files failed to load, so an
    ID that is not found may be in one of them."""
    scope = "events that passed validation" if some_unread else "seeds"
    return _id_problems(documents, retired, located_retired, scope) + _follows_problems(documents, scope)


def _id_problems(
    documents: Sequence[DocumentFacts], retired: Sequence[tuple[int, Tombstone]], located_retired: LocatedData | None, scope: str
) -> list[Problem]:
    problems = []
    retired_counts = Counter(t.id for _, t in retired)
    for i, tombstone in retired:
        if retired_counts[tombstone.id] > 1:
            problems.append(located_retired.problem(("retired", i, "id"), f"{tombstone.id} is retired more than once"))
    uses = Counter(event.id for document in documents for event in document.events)
    for document in documents:
        for event in document.events:
            if event.id is None:
                problems.append(document.located.problem(("events", event.index, "id"), "no ID yet: run `bilat mint` to give it one"))
                continue
            if uses[event.id] > 1:
                problems.append(document.located.problem(("events", event.index, "id"), f"{event.id} is used by {uses[event.id]} events"))
            if event.id in retired_counts:
                problems.append(document.located.problem(("events", event.index, "id"), f"{event.id} is retired and cannot be reused"))
    for i, tombstone in retired:
        if tombstone.merged_into is not None and not uses[tombstone.merged_into]:
            message = f"{tombstone.merged_into} is not a live event ID in the {scope}"
            problems.append(located_retired.problem(("retired", i, "merged_into"), message))
    return problems


def code_document(document: SourceDocument, actor_codes: frozenset[str] | None, normalizer: DateNormalizer) -> DocumentCoding:
    """One document's events coded, their facts and its problems; ``normalizer`` reads the document's language."""
    published = document.published
    folded = fold_document(document.text)
    where = document.located
    problems: list[Problem] = []
    coded: list[tuple[int, CodedEvent]] = []
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
            passage = document.text[match.char_start : match.char_end]
            # What is published is the document's text, which can hold what the coder's plain typing does not.
            if (problem := text_problem(passage)) is not None:
                problems.append(where.problem(here + ("evidence", j, "quote"), f"in the document, the quoted passage {problem}"))
                continue
            quotes.append(LocatedQuote(passage, match.char_start, match.char_end))
        forward = event.status in FORWARD_STATUSES
        written = _as_written(event.date_text, quotes)
        if written is not None and (problem := text_problem(written)) is not None:
            problems.append(where.problem(here + ("date_text",), f"in the document, the date as written {problem}"))
            continue
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
            coded.append((i, CodedEvent(event, document.doc_id, date, written, tuple(quotes))))
    for i, partial in document.partial:  # checked as far as it validated, so that one run reports everything
        here = ("events", i)
        located = []
        for j, quote in enumerate(partial.evidence):
            try:
                located.append(locate(quote.quote, folded, quote.occurrence))
            except QuoteError as err:
                problems.append(where.problem(here + ("evidence", j, "quote"), str(err)))
        if partial.date_text is not None and not any(contains(q.quote, partial.date_text) for q in partial.evidence):
            problems.append(where.problem(here + ("date_text",), f"{partial.date_text!r} is not inside any of the event's quotes"))
    dismissed: list[Match] = []
    for i, dismissal in document.dismissed:
        try:
            dismissed += locate_all(dismissal.text, folded)
        except QuoteError as err:
            problems.append(where.problem(("dismissed", i, "text"), str(err)))
    for rejection in document.rejected:  # a rejected draft says why its passage codes no event, as a dismissal does
        for quote in rejection.draft.evidence:
            with contextlib.suppress(QuoteError):
                dismissed += locate_all(quote.quote, folded)
    dates = {i: c.date for i, c in coded}
    facts = tuple(
        EventFacts(i, e.id, e.follows, e.type, e.actor1, e.actor2, *(_ordinals(dates[i]) if i in dates else (None, None)))
        for i, e in document.events
    )
    return DocumentCoding(tuple(c for _, c in coded), tuple(dismissed), DocumentFacts(document.doc_id, where, facts), tuple(problems))


def _ordinals(date: NormalizedDate) -> tuple[int | None, int | None]:
    return tuple(None if day is None else day.toordinal() for day in (date.start, date.end))


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


def _follows_problems(documents: Sequence[DocumentFacts], scope: str) -> list[Problem]:
    """``follows`` must name another event of the same type and dyad, not later, with no cycle."""
    places: dict[str, EventFacts] = {}
    for document in documents:
        for event in document.events:
            if event.id:
                places.setdefault(event.id, event)
    follows = {event_id: event.follows for event_id, event in places.items() if event.follows is not None}
    linked = [(document, event) for document in documents for event in document.events if event.id and event.follows is not None]
    problems = []
    for document, event in linked:
        earlier = places.get(event.follows)
        message = None
        if event.follows == event.id:
            message = "an event cannot follow itself"
        elif earlier is None:
            message = f"{event.follows} is not an event ID in the {scope}"
        elif _in_cycle(event.id, follows):
            message = "follows links form a cycle"
        elif earlier.type != event.type:
            message = f"{event.follows} is a {earlier.type}, not a {event.type}"
        elif {earlier.actor1, earlier.actor2} != {event.actor1, event.actor2}:
            message = f"{event.follows} is between other actors"
        elif earlier.first_day is not None and event.last_day is not None and earlier.first_day > event.last_day:
            message = f"{event.follows} starts after this event ends"
        if message:
            problems.append(document.located.problem(("events", event.index, "follows"), message))
    return problems


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
