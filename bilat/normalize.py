"""Validate and normalize: check what no single record can check alone, and work out dates
and evidence offsets. Seeds in, coded events out.

Error policy: nothing here raises for bad input. ``code_document`` returns each document's
problems with its coding, and ``tree_problems`` returns those of the whole tree; the caller
(``build.check``) raises them all at once."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from bilat.dates import DateBasis, DateError, DateNormalizer, DateReader, NormalizedDate, from_bounds, publication_conflict
from bilat.drafting.support import Support
from bilat.edtf import Bounds, format_interval, intersection, overlap, parse_edtf
from bilat.evidence import Match, QuoteError, contains, fold_document, locate, locate_all
from bilat.models import FORWARD_STATUSES, Event, Quote, Report, Tombstone, a_or_an, text_problem
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
    reports: tuple[CodedReport, ...] = ()
    """Other documents' accounts of the event, in doc_id order; ``date`` is then what all its sources agree on."""

    @property
    def doc_ids(self) -> tuple[str, ...]:
        """Every document that reports the event, the coding document first."""
        return (self.doc_id, *(report.doc_id for report in self.reports))


@dataclass(frozen=True)
class CodedReport:
    """One document's account of an event another document codes: its quotes located, and its
    date read both ways, since whether the event lies after publication depends on the event's
    status, which only its coding says."""

    report: Report
    doc_id: str
    past: NormalizedDate | None
    """The date as a past event's; None when the report gives no date or it cannot be read so."""
    ahead: NormalizedDate | None
    """The date as a planned event's."""
    date_text: str | None
    evidence: tuple[LocatedQuote, ...]

    def date(self, forward: bool) -> NormalizedDate | None:
        return self.ahead if forward else self.past


class Reading(NamedTuple):
    """A report's date read one way: EDTF and bounds as ordinals, or why it cannot be read so."""

    edtf: str | None
    first_day: int | None
    last_day: int | None
    error: str | None


class ReportFacts(NamedTuple):
    """What the checks across documents need of one report that passed validation; plain tuples,
    as with ``EventFacts``."""

    index: int
    event_id: str
    date_label: str | None
    """How the report dates the event, for messages: its date text quoted, or its bounds."""
    past: tuple | None
    """A ``Reading`` as a past event's; None when the report gives no date."""
    ahead: tuple | None
    named: tuple[str, ...]
    """Codes of the actors its quotes name."""
    types: tuple[str, ...]
    """Event types its quotes speak of."""


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
    date_label: str
    """How its document dates it, for messages."""
    status: str

    @property
    def forward(self) -> bool:
        """Whether its status puts it after publication (a planned visit)."""
        return self.status in FORWARD_STATUSES


@dataclass(frozen=True)
class DocumentFacts:
    doc_id: str
    located: Locator
    events: tuple[EventFacts, ...]
    reports: tuple[ReportFacts, ...] = ()


@dataclass(frozen=True)
class DocumentCoding:
    coded: tuple[CodedEvent, ...]
    dismissed: tuple[Match, ...]
    """Every passage of the document that a dismissal covers."""
    facts: DocumentFacts
    problems: tuple[Problem, ...]
    reports: tuple[CodedReport, ...] = ()


@dataclass(frozen=True)
class Checked:
    """A seeds tree that passed every check: its records, each document's coding, and the release."""

    seeds: Seeds
    codings: tuple[DocumentCoding, ...]
    release: Release

    @functools.cached_property
    def events(self) -> tuple[CodedEvent, ...]:
        """Every event with the reports of it, dated by what all its sources agree on."""
        return with_reports(tuple(event for coding in self.codings for event in coding.coded), self.codings)

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
    support = Support([actor for _, actor in seeds.actors])
    return tuple(code_document(document, seeds.actor_codes, normalizers[document.meta.language], support) for document in seeds.documents)


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
    reports = report_problems(documents, lists.retired, some_unread=bool(load_problems))
    problems += cross_document_problems(documents, lists.retired, lists.located_retired, bool(load_problems), reports.agreed)
    problems += reports.problems
    live = {event.id for document in documents for event in document.events if event.id}
    problems += lost_id_problems(released, live, {t.id for _, t in lists.retired}, f"{seeds_label}/retired.yaml", load_problems)
    return problems


def date_texts(document: SourceDocument) -> Iterator[str]:
    """The date texts of its events and reports, for dateparser to read ahead."""
    for _, record in (*document.events, *document.reports):
        if record.date_text is not None:
            yield record.date_text


def registry_problems(seeds: Seeds) -> list[Problem]:
    counts = Counter(actor.code for _, actor in seeds.actors)
    return [
        seeds.located_actors.problem(("actors", i, "code"), f"{actor.code} is in the registry {counts[actor.code]} times")
        for i, actor in seeds.actors
        if counts[actor.code] > 1
    ]


def cross_document_problems(
    documents: Sequence[DocumentFacts],
    retired: Sequence[tuple[int, Tombstone]],
    located_retired: LocatedData | None,
    some_unread: bool,
    agreed: Mapping[str, Span] | None = None,
) -> list[Problem]:
    """IDs and ``follows`` links across the whole tree. ``some_unread``: files failed to load, so an
    ID that is not found may be in one of them. ``agreed``: the spans that events' reports narrowed
    their dates to, by ID, which ``follows`` must hold between."""
    scope = "events that passed validation" if some_unread else "seeds"
    return _id_problems(documents, retired, located_retired, scope) + _follows_problems(documents, scope, agreed or {})


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


def code_document(
    document: SourceDocument, actor_codes: frozenset[str] | None, normalizer: DateNormalizer, support: Support | None = None
) -> DocumentCoding:
    """One document's events and reports coded, their facts and its problems; ``normalizer`` reads
    the document's language, ``support`` the actors and event types its reports' quotes name."""
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
        quotes = _locate_quotes(event.evidence, here, document, folded, problems)
        forward = event.status in FORWARD_STATUSES
        written = _as_written(event.date_text, quotes)
        if written is not None and (problem := text_problem(written)) is not None:
            problems.append(where.problem(here + ("date_text",), f"in the document, the date as written {problem}"))
            continue
        try:
            if event.date_text is not None and written is None and not any(contains(q.quote, event.date_text) for q in event.evidence):
                # A quote that was not found is still the coder's: look in what they typed.
                raise DateError(f"{event.date_text!r} is not inside any of the event's quotes")
            date = _read_date(event, published, forward, normalizer)
        except DateError as err:
            field = "date_text" if event.date_text is not None else "date_bounds"
            problems.append(where.problem(here + (field,), str(err)))
            continue
        if len(quotes) == len(event.evidence):
            coded.append((i, CodedEvent(event, document.doc_id, date, written, tuple(quotes))))
    for key, i, partial in document.partial:  # checked as far as it validated, so that one run reports everything
        here = (key, i)
        for j, quote in enumerate(partial.evidence):
            try:
                locate(quote.quote, folded, quote.occurrence)
            except QuoteError as err:
                problems.append(where.problem(here + ("evidence", j, "quote"), str(err)))
        if partial.date_text is not None and not any(contains(q.quote, partial.date_text) for q in partial.evidence):
            record = "event's" if key == "events" else "report's"
            problems.append(where.problem(here + ("date_text",), f"{partial.date_text!r} is not inside any of the {record} quotes"))
    reports = [_code_report(i, report, document, folded, normalizer, support, problems) for i, report in document.reports]
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
        EventFacts(
            i,
            e.id,
            e.follows,
            e.type,
            e.actor1,
            e.actor2,
            *(_ordinals(dates[i]) if i in dates else (None, None)),
            _date_label(e),
            e.status.value,
        )
        for i, e in document.events
    )
    report_facts = tuple(found for _, found in reports if found is not None)
    return DocumentCoding(
        tuple(c for _, c in coded),
        tuple(dismissed),
        DocumentFacts(document.doc_id, where, facts, report_facts),
        tuple(problems),
        tuple(coded_report for coded_report, _ in reports if coded_report is not None),
    )


def _locate_quotes(
    evidence: Sequence[Quote], here: tuple, document: SourceDocument, folded: str, problems: list[Problem]
) -> list[LocatedQuote]:
    """The quotes found in the document, as its text has them; each one not found, or not
    publishable as it stands in the document, is a problem."""
    quotes = []
    for j, quote in enumerate(evidence):
        try:
            match = locate(quote.quote, folded, quote.occurrence)
        except QuoteError as err:
            problems.append(document.located.problem(here + ("evidence", j, "quote"), str(err)))
            continue
        passage = document.text[match.char_start : match.char_end]
        # What is published is the document's text, which can hold what the coder's plain typing does not.
        if (problem := text_problem(passage)) is not None:
            problems.append(document.located.problem(here + ("evidence", j, "quote"), f"in the document, the quoted passage {problem}"))
            continue
        quotes.append(LocatedQuote(passage, match.char_start, match.char_end))
    return quotes


def _read_date(record: Event | Report, published: Bounds, forward: bool, normalizer: DateNormalizer) -> NormalizedDate:
    """The date of an event or a report, as its document gives it; DateError says why it cannot be."""
    if record.date_text is not None:
        date = normalizer.from_text(record.date_text, published, forward)
    else:
        date = from_bounds(record.date_bounds, record.date_reason)
    if conflict := publication_conflict(date, published, forward):
        raise DateError(conflict)
    return date


def _date_label(record: Event | Report) -> str | None:
    if record.date_text is not None:
        return repr(record.date_text)
    return None if record.date_bounds is None else f"the bounds {record.date_bounds}"


def _code_report(
    i: int,
    report: Report,
    document: SourceDocument,
    folded: str,
    normalizer: DateNormalizer,
    support: Support | None,
    problems: list[Problem],
) -> tuple[CodedReport | None, ReportFacts | None]:
    """A report coded as far as its document alone allows; what needs the event it reports is
    checked across documents, from its facts."""
    here = ("reports", i)
    quotes = _locate_quotes(report.evidence, here, document, folded, problems)
    written = _as_written(report.date_text, quotes)
    if report.date_text is not None and written is None:
        if len(quotes) == len(report.evidence) or not any(contains(q.quote, report.date_text) for q in report.evidence):
            problems.append(
                document.located.problem(here + ("date_text",), f"{report.date_text!r} is not inside any of the report's quotes")
            )
        return None, None
    if written is not None and (problem := text_problem(written)) is not None:
        problems.append(document.located.problem(here + ("date_text",), f"in the document, the date as written {problem}"))
        return None, None
    if len(quotes) != len(report.evidence):
        return None, None
    readings = {False: _report_reading(report, document.published, normalizer), True: _plan_reading(report, document.published, normalizer)}
    text = " ".join(quote.quote for quote in quotes)
    support = support if support is not None else Support(())
    facts = ReportFacts(
        i,
        report.event_id,
        _date_label(report),
        *(_reading(readings[forward]) for forward in (False, True)),
        tuple(sorted(support.actors(text, document.text))),
        tuple(sorted(support.types(text))),
    )
    dated = {forward: reading if isinstance(reading, NormalizedDate) else None for forward, reading in readings.items()}
    return CodedReport(report, document.doc_id, dated[False], dated[True], written, tuple(quotes)), facts


def _report_reading(report: Report, published: Bounds, normalizer: DateNormalizer) -> NormalizedDate | str | None:
    """A report's date read as a past event's, as any event's date is; the problem instead, or None when it gives no date."""
    if _date_label(report) is None:
        return None
    try:
        return _read_date(report, published, False, normalizer)
    except DateError as err:
        return str(err)


def _plan_reading(report: Report, published: Bounds, normalizer: DateNormalizer) -> NormalizedDate | str | None:
    """A report's date of a planned event. The report may be written before the plan's date or
    after it ("had planned to visit in December"), so its date may lie on either side of its
    publication; a date whose year would have to be inferred one way or the other is not read."""
    if _date_label(report) is None:
        return None
    if report.date_text is None:
        return from_bounds(report.date_bounds, report.date_reason)
    try:
        ahead, behind = (normalizer.from_text(report.date_text, published, forward) for forward in (True, False))
    except DateError as err:
        return str(err)
    if (ahead.start, ahead.end) != (behind.start, behind.end):
        return (
            f"{report.date_text!r} gives no year, and a report of a plan may be written before or after its date, so the year "
            f"could be {ahead.start.year if ahead.start else '?'} or {behind.start.year if behind.start else '?'}; "
            "give date_bounds and date_reason"
        )
    return ahead


def _reading(reading: NormalizedDate | str | None) -> tuple | None:
    if reading is None:
        return None
    if isinstance(reading, str):
        return tuple(Reading(None, None, None, reading))
    return tuple(Reading(reading.edtf, *_ordinals(reading), None))


Span = tuple[int | None, int | None]
"""Inclusive bounds as proleptic Gregorian ordinals; None is open."""


class ReportCheck(NamedTuple):
    problems: list[Problem]
    agreed: dict[str, Span]
    """The span each event's sources agree on, by ID, where its reports narrow its own."""


def report_problems(documents: Sequence[DocumentFacts], retired: Sequence[tuple[int, Tombstone]], some_unread: bool) -> ReportCheck:
    """Each report must name a live event of another document, once; its quotes must name the
    event's two actors and speak of its type; and its date must overlap what the event's other
    sources say."""
    scope = "events that passed validation" if some_unread else "seeds"
    events = {event.id: (document, event) for document in documents for event in document.events if event.id}
    tombstones = {tombstone.id: tombstone for _, tombstone in retired}
    problems: list[Problem] = []
    dated: dict[str, list[tuple[DocumentFacts, ReportFacts, Reading]]] = {}
    for document in documents:
        times = Counter(report.event_id for report in document.reports)
        for report in document.reports:

            def problem(field: tuple, message: str, report: ReportFacts = report, document: DocumentFacts = document) -> None:
                problems.append(document.located.problem(("reports", report.index, *field), message))

            if report.event_id not in events:
                tombstone = tombstones.get(report.event_id)
                if tombstone is not None and tombstone.merged_into is not None:
                    problem(("event_id",), f"{report.event_id} was merged into {tombstone.merged_into}: report {tombstone.merged_into}")
                elif tombstone is not None:
                    problem(("event_id",), f"{report.event_id} is retired ({tombstone.reason}); a report names a live event")
                else:
                    problem(("event_id",), f"{report.event_id} is not an event ID in the {scope}")
                continue
            coding, event = events[report.event_id]
            if coding.doc_id == document.doc_id:
                problem(("event_id",), f"{report.event_id} is coded in this document: add these quotes to the event's evidence instead")
                continue
            if times[report.event_id] > 1:
                times_said = f"this document reports {report.event_id} {times[report.event_id]} times"
                problem(("event_id",), f"{times_said}; give all its quotes in one report")
            if unnamed := [code for code in (event.actor1, event.actor2) if code not in report.named]:
                named = f" (they name {', '.join(report.named)})" if report.named else ""
                problem(
                    ("evidence",),
                    f"the quotes do not name {' or '.join(unnamed)}, a party to {report.event_id}{named}: "
                    "quote this document's words that name it (its name, a demonym, its capital, or a titled person)",
                )
            if event.type not in report.types:
                message = (
                    f"the quotes say nothing of {a_or_an(event.type)}, which {report.event_id} is: quote the words that say what happened"
                )
                problem(("evidence",), message)
            reading = report.ahead if event.forward else report.past
            if reading is None:
                continue
            reading = Reading._make(reading)
            field = (_date_field(report),)
            if reading.error is not None:
                problem(field, reading.error)
            elif not overlap((event.first_day, event.last_day), (reading.first_day, reading.last_day)):
                problem(
                    field,
                    f"this document dates {report.event_id} {report.date_label} ({reading.edtf}), but {coding.doc_id}, which codes it, "
                    f"dates it {event.date_label} ({_span(event.first_day, event.last_day)}): dates that do not overlap cannot be one "
                    "event; check the event ID, or code this as an event of its own",
                )
            else:
                dated.setdefault(report.event_id, []).append((document, report, reading))
    agreed_spans: dict[str, Span] = {}
    for event_id, reports in dated.items():
        _, event = events[event_id]
        agreed, by = (event.first_day, event.last_day), [f"{events[event_id][0].doc_id} ({event.date_label})"]
        for document, report, reading in reports:
            narrower = intersection(agreed, (reading.first_day, reading.last_day))
            if narrower is None:
                message = (
                    f"this document dates {event_id} {report.date_label} ({reading.edtf}), outside {_span(*agreed)}, "
                    f"which its other sources agree on: {', '.join(by)}"
                )
                problems.append(document.located.problem(("reports", report.index, _date_field(report)), message))
                continue
            agreed = narrower
            by.append(f"{document.doc_id} ({report.date_label})")
        if agreed != (event.first_day, event.last_day):
            agreed_spans[event_id] = agreed
    return ReportCheck(problems, agreed_spans)


def _date_field(report: ReportFacts) -> str:
    return "date_bounds" if report.date_label.startswith("the bounds") else "date_text"


def _span(first: int | None, last: int | None) -> str:
    return format_interval(*(None if day is None else dt.date.fromordinal(day).isoformat() for day in (first, last)))


def with_reports(events: Sequence[CodedEvent], codings: Iterable[DocumentCoding]) -> tuple[CodedEvent, ...]:
    """``events``, each with the reports of it (in doc_id order) and dated by what all its sources agree on."""
    reports: dict[str, list[CodedReport]] = {}
    for coding in codings:
        for report in coding.reports:
            reports.setdefault(report.report.event_id, []).append(report)
    combined = []
    for event in events:
        found = tuple(sorted(reports.get(event.event.id, ()), key=lambda report: report.doc_id))
        if not found:
            combined.append(event)
            continue
        forward = event.event.status in FORWARD_STATUSES
        sources = [(event.doc_id, event.date, event.date_text)]
        sources += [(report.doc_id, date, report.date_text) for report in found if (date := report.date(forward)) is not None]
        date, date_text = agreed_date(sources, len(found) + 1)
        combined.append(replace(event, reports=found, date=date, date_text=date_text))
    return tuple(combined)


def agreed_date(sources: Sequence[tuple[str, NormalizedDate, str | None]], count: int) -> tuple[NormalizedDate, str | None]:
    """The date its sources agree on, and its text as written: ``sources`` are (doc_id, date, date
    text), the coding document first, each overlapping the others; ``count`` documents report it.
    The agreed bounds are the intersection of theirs. When one source alone gives them, its date is
    the event's (its text, precision and basis); otherwise each bound is written as the source that
    gives it writes it."""
    start, end = functools.reduce(intersection, ((date.start, date.end) for _, date, _ in sources))
    for doc_id, date, text in sources:
        if (date.start, date.end) == (start, end):
            if doc_id == sources[0][0]:
                return date, text
            from_other = f"from {doc_id}, the most precise of the {count} documents that report it"
            return replace(date, note="; ".join(filter(None, (date.note, from_other)))), text
    (first_doc, first_date, first_text), (last_doc, last_date, last_text) = (
        next(source for source in sources if source[1].start == start),
        next(source for source in sources if source[1].end == end),
    )
    first_side, last_side = first_date.edtf.split("/")[0], last_date.edtf.split("/")[-1]
    edtf = first_side if first_side == last_side else format_interval(first_side, last_side)
    note = (
        f"the bounds the {count} documents that report it agree on: the start from {first_doc} ({_as_label(first_date, first_text)}), "
        f"the end from {last_doc} ({_as_label(last_date, last_text)})"
    )
    return NormalizedDate(edtf, parse_edtf(edtf).precision, start, end, DateBasis.sources, note), None


def _as_label(date: NormalizedDate, text: str | None) -> str:
    return repr(text) if text is not None else date.edtf


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


def _follows_problems(documents: Sequence[DocumentFacts], scope: str, agreed: Mapping[str, Span]) -> list[Problem]:
    """``follows`` must name another event of the same type and dyad, not later (by the dates its
    sources agree on, ``agreed``, where reports narrowed them), with no cycle."""
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
            message = f"{event.follows} is {a_or_an(earlier.type)}, not {a_or_an(event.type)}"
        elif {earlier.actor1, earlier.actor2} != {event.actor1, event.actor2}:
            message = f"{event.follows} is between other actors"
        elif _starts_after(_dates(earlier, agreed), _dates(event, agreed)):
            message = f"{event.follows} starts after this event ends"
            if {earlier.id, event.id} & agreed.keys():
                message = (
                    f"by the dates their sources agree on, {event.follows} ({_span(*_dates(earlier, agreed))}) starts after this event "
                    f"({_span(*_dates(event, agreed))}) ends; check the reports' dates"
                )
        if message:
            problems.append(document.located.problem(("events", event.index, "follows"), message))
    return problems


def _dates(event: EventFacts, agreed: Mapping[str, Span]) -> Span:
    """The event's span: what its sources agree on, where reports narrowed it, else its own."""
    return agreed.get(event.id, (event.first_day, event.last_day))


def _starts_after(earlier: Span, later: Span) -> bool:
    return earlier[0] is not None and later[1] is not None and earlier[0] > later[1]


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
