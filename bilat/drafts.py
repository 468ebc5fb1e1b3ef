"""``bilat draft`` and ``bilat review``: candidate events proposed into a document's events.yaml,
and the coder's verdict on each.

Load (the tree: registry, tombstones, every coded event with its dates; the document and its
events.yaml) → Process (draft, drop what is coded or was rejected, mark possible duplicates;
accept or reject by number) → Save (events.yaml in canonical form, only once every step holds).
Drafts are never published: a build skips them and says how many wait.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bilat.dates import DateError, DateNormalizer, NormalizedDate, from_bounds, publication_conflict
from bilat.drafting.support import Support
from bilat.edtf import overlap
from bilat.ids import id_problem, mint_id
from bilat.models import FORWARD_STATUSES, ROLES, Actor, DraftBase, EventBase, EventsFile, Rejection, Report, Validation, a_or_an, pair_text
from bilat.normalize import DocumentFacts, code_document, code_events, report_problems
from bilat.problems import InputError, Problem, UsageError
from bilat.seeds import DOC_ID, Seeds, SourceDocument, load_seeds, read_yaml_model
from bilat.yamlio import canonical_yaml


@dataclass(frozen=True)
class CodedFact:
    """What a draft is compared with: an event already coded somewhere in the tree."""

    event_id: str | None
    doc_id: str
    type: str
    pair: frozenset[str]
    start: dt.date | None
    end: dt.date | None
    quotes: frozenset[str]


@dataclass(frozen=True)
class Tree:
    seeds: Seeds
    coded: tuple[CodedFact, ...]
    facts: tuple[DocumentFacts, ...] = ()
    """What the checks across documents need of each document, for checking a report before it is written."""

    @property
    def actors(self) -> list[Actor]:
        return [actor for _, actor in self.seeds.actors]

    @property
    def taken_ids(self) -> set[str]:
        """Every ID in use or retired, which a new one must not repeat."""
        ids = {event.id for document in self.seeds.documents for _, event in document.events if event.id}
        return ids | {tombstone.id for _, tombstone in self.seeds.retired}

    def document(self, doc_id: str) -> SourceDocument:
        for document in self.seeds.documents:
            if document.doc_id == doc_id:
                return document
        raise InputError([Problem(f"{doc_id}", 1, 1, "doc_id", "no such document in the seeds, or it does not load; run bilat check")])


def load_tree(seeds_dir: Path) -> Tree:
    """The seeds as far as they load, with every coded event's dates (problems are for `bilat check`)."""
    seeds = load_seeds(seeds_dir)
    coded = []
    codings = code_events(seeds)
    for coding in codings:
        for event in coding.coded:
            quotes = frozenset(quote.quote for quote in event.evidence)
            pair = frozenset((event.event.actor1, event.event.actor2))
            coded.append(CodedFact(event.event.id, event.doc_id, event.event.type, pair, event.date.start, event.date.end, quotes))
    return Tree(seeds, tuple(coded), tuple(coding.facts for coding in codings))


def events_file(seeds_dir: Path, doc_id: str) -> tuple[Path, EventsFile]:
    """A document's events.yaml, validated; InputError when it does not pass."""
    if not DOC_ID.fullmatch(doc_id):
        raise UsageError([f"{doc_id!r} is not a doc_id (16 hex digits, as `bilat add` prints it)"])
    path = seeds_dir / doc_id / "events.yaml"
    if not path.is_file():
        raise UsageError([f"there is no {path.as_posix()}; add the document first with `bilat add`"])
    return path, read_yaml_model(path, path.as_posix(), EventsFile)[0]


# --- dates ------------------------------------------------------------------------------------


def draft_date(draft: DraftBase, document: SourceDocument, normalizer: DateNormalizer) -> NormalizedDate:
    """The date the build would publish for the draft once accepted; DateError when it has none."""
    forward = draft.status in FORWARD_STATUSES
    if draft.date_text is not None:
        date = normalizer.from_text(draft.date_text, document.published, forward)
    else:
        date = from_bounds(draft.date_bounds, draft.date_reason)
    if conflict := publication_conflict(date, document.published, forward):
        raise DateError(conflict)
    return date


# --- drafting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drafted:
    path: Path
    document: SourceDocument
    normalizer: DateNormalizer
    """Reads the document's language, with what it has read so far."""
    drafts: tuple[DraftBase, ...]
    dropped_coded: int
    dropped_rejected: int


def _key(draft: DraftBase | EventBase) -> tuple[str, frozenset[str], str]:
    return draft.type, frozenset((draft.actor1, draft.actor2)), draft.evidence[0].quote


def redraft(
    path: Path, coded: EventsFile, proposals: Sequence[DraftBase], document: SourceDocument, tree: Tree, normalizer: DateNormalizer
) -> Drafted:
    """The document's new drafts: ``proposals`` less those already coded or reported here or once
    rejected, each marked with a possible duplicate among the events of the whole tree."""
    rejected = {_key(rejection.draft) for rejection in coded.rejected}
    statuses = {event.id: event.status for event in coded.events}
    reported = {report.event_id for report in coded.reports}
    reported_quotes = {quote.quote for report in coded.reports for quote in report.evidence}
    kept, dropped_coded, dropped_rejected = [], 0, 0
    for draft in proposals:
        if _key(draft) in rejected:
            dropped_rejected += 1
            continue
        try:
            date = draft_date(draft, document, normalizer)
        except DateError:
            date = None
        span = (date.start, date.end) if date is not None else (None, None)
        pair = frozenset((draft.actor1, draft.actor2))
        same = [f for f in tree.coded if f.type == draft.type and f.pair == pair and overlap(span, (f.start, f.end))]
        quotes = {quote.quote for quote in draft.evidence}
        here = [fact for fact in same if fact.doc_id == document.doc_id]
        if any(statuses.get(fact.event_id) == draft.status or fact.quotes & quotes for fact in here):
            dropped_coded += 1
            continue
        duplicate = next((fact.event_id for fact in same if fact.event_id and fact.doc_id != document.doc_id), None)
        if duplicate in reported or quotes & reported_quotes:  # this document reports it already
            dropped_coded += 1
            continue
        kept.append(draft.model_copy(update={"possible_duplicate": duplicate}) if duplicate else draft)
    return Drafted(path, document, normalizer, tuple(kept), dropped_coded, dropped_rejected)


def draft_documents(seeds_dir: Path, doc_ids: Iterable[str]) -> list[Drafted]:
    """``bilat draft``: replace each document's unreviewed drafts with fresh ones. Every document is
    checked before any file is written."""
    from bilat.drafting import draft_document

    tree = load_tree(seeds_dir)
    normalizers: dict[str, DateNormalizer] = {}
    planned = []
    for doc_id in doc_ids:
        path, coded = events_file(seeds_dir, doc_id)
        document = tree.document(doc_id)
        normalizer = normalizers.setdefault(document.meta.language, DateNormalizer(document.meta.language))
        proposals = draft_document(document.text, document.meta, tree.actors, normalizer)
        drafted = redraft(path, coded, proposals, document, tree, normalizer)
        planned.append((drafted, coded.model_copy(update={"drafts": list(drafted.drafts)})))
    for drafted, updated in planned:
        drafted.path.write_text(canonical_yaml(updated), encoding="utf-8")
    return [drafted for drafted, _ in planned]


def draft_records(drafted: Drafted) -> list[dict[str, Any]]:
    """The drafts as ``--json`` prints them: each with its document, its number and the date columns a build would publish."""
    records = []
    for number, draft in enumerate(drafted.drafts, 1):
        try:
            date = draft_date(draft, drafted.document, drafted.normalizer)
            columns = {
                "date": date.edtf,
                "date_precision": date.precision.value,
                "date_start": date.start.isoformat() if date.start else None,
                "date_end": date.end.isoformat() if date.end else None,
                "date_basis": date.basis.value,
            }
        except DateError as err:
            columns = dict.fromkeys(("date", "date_precision", "date_start", "date_end", "date_basis")) | {"date_problem": str(err)}
        records.append({"doc_id": drafted.document.doc_id, "draft": number, **draft.model_dump(mode="json", exclude_none=True), **columns})
    return records


# --- review -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    accepted: tuple[tuple[int, str], ...]
    """(draft number, the event ID it was given)."""
    rejected: tuple[int, ...]
    attached: tuple[tuple[int, str], ...] = ()
    """(draft number, the event of another document it now reports)."""


def _numbers(given: Sequence[int], drafts: Sequence[DraftBase], option: str) -> list[int]:
    problems = [f"{option}: there is no draft {n}; the drafts are numbered 1 to {len(drafts)}" for n in given if not 1 <= n <= len(drafts)]
    if problems:
        raise UsageError(problems)
    return list(dict.fromkeys(given))


def acceptance_problems(draft: DraftBase, number: int, document: SourceDocument, tree: Tree, normalizer: DateNormalizer) -> list[str]:
    """Why a draft cannot be accepted as it stands: what the build would say of it as an event."""
    event = draft.as_event()
    trial = replace(document, events=((0, event),), dismissed=(), reports=())
    coding = code_document(trial, tree.seeds.actor_codes, normalizer)
    return [f"draft {number}: {problem.field.removeprefix('events[0].')}: {problem.message}" for problem in coding.problems]


def attachment_problems(
    draft: DraftBase, number: int, event_id: str, document: SourceDocument, tree: Tree, normalizer: DateNormalizer
) -> list[str]:
    """Why a draft cannot be attached to ``event_id`` as a report of it: the event must be one of
    another document, of the draft's type, status and pair, and the build must accept the report."""
    if (problem := id_problem(event_id)) is not None:
        return [f"--attach {number} {event_id}: {problem}"]
    event = next((e for facts in tree.facts for e in facts.events if e.id == event_id), None)
    where = next((facts.doc_id for facts in tree.facts if event in facts.events), None)
    if event is not None and where == document.doc_id:
        return [f"draft {number}: {event_id} is coded in this document, which does not report its own events; reject the draft"]
    if event is not None:
        directed = ROLES[event.type][0] != ROLES[event.type][1]
        pairs = (draft.actor1, draft.actor2), (event.actor1, event.actor2)
        same_pair = pairs[0] == pairs[1] or not directed and set(pairs[0]) == set(pairs[1])
        if (draft.type, draft.status.value) != (event.type, event.status) or not same_pair:
            drafted = f"{draft.status.value} {draft.type} {pair_text(draft.type, *pairs[0])}"
            event_text = f"{event.status} {event.type} {pair_text(event.type, *pairs[1])}"
            return [f"draft {number} is {a_or_an(drafted)}, but {event_id} is {a_or_an(event_text)}"]
    trial = replace(document, events=(), dismissed=(), rejected=(), reports=((0, draft.as_report(event_id)),))
    coding = code_document(trial, tree.seeds.actor_codes, normalizer, Support(tree.actors))
    others = [facts for facts in tree.facts if facts.doc_id != document.doc_id]
    found = [*coding.problems, *report_problems([*others, coding.facts], tree.seeds.retired, some_unread=False).problems]
    return [f"draft {number}: {problem.field.removeprefix('reports[0].')}: {problem.message}" for problem in found]


def review(
    coded: EventsFile,
    document: SourceDocument,
    tree: Tree,
    accept: Sequence[int] = (),
    reject: Sequence[int] = (),
    reason: str | None = None,
    by: str = "",
    on: dt.date | None = None,
    attach: Sequence[tuple[int, str]] = (),
) -> tuple[EventsFile, Verdict]:
    """Accept drafts (each becomes an event with a new ID and the stamp ``by``, ``on``), attach
    others to events coded elsewhere (each becomes a report of its event, with the stamp), and
    reject others (kept in ``rejected`` with the reason). UsageError, and nothing changed, when any
    step cannot be taken."""
    drafts = list(coded.drafts)
    accept, reject = _numbers(accept, drafts, "--accept"), _numbers(reject, drafts, "--reject")
    _numbers([n for n, _ in attach], drafts, "--attach")
    attached: dict[int, str] = {}
    for number, event_id in attach:
        attached.setdefault(number, event_id)
    problems = [f"draft {n} is both accepted and rejected" for n in set(accept) & set(reject)]
    problems += [f"draft {n} is both attached and {'accepted' if n in accept else 'rejected'}" for n in attached if n in {*accept, *reject}]
    problems += [f"--attach: draft {n} is attached more than once" for n in attached if sum(m == n for m, _ in attach) > 1]
    if reject and not reason:
        problems.append("--reject needs --reason TEXT: why the draft is not an event")
    if (accept or reject or attached) and not by:
        problems.append("--by NAME is needed: who validates (or set BILAT_CODER)")
    normalizer = DateNormalizer(document.meta.language)
    for number in accept:
        problems += acceptance_problems(drafts[number - 1], number, document, tree, normalizer)
    for number, event_id in attached.items():
        problems += attachment_problems(drafts[number - 1], number, event_id, document, tree, normalizer)
    if problems:
        raise UsageError(problems)
    day = (on or dt.date.today()).isoformat()
    stamp = Validation(by=by, date=day) if by else None
    taken = tree.taken_ids
    events, given = list(coded.events), []
    for number in accept:
        event_id = mint_id(taken)
        taken.add(event_id)
        events.append(drafts[number - 1].as_event(stamp).model_copy(update={"id": event_id}))
        given.append((number, event_id))
    reports = list(coded.reports)
    for number, event_id in attached.items():
        reports = with_report(reports, drafts[number - 1].as_report(event_id, stamp))
    rejections = [Rejection(reason=reason, by=by, date=day, draft=drafts[n - 1]) for n in reject] if reject else []
    remaining = [draft for n, draft in enumerate(drafts, 1) if n not in accept and n not in reject and n not in attached]
    update = {"events": events, "reports": reports, "drafts": remaining, "rejected": [*coded.rejected, *rejections]}
    updated = coded.model_copy(update=update)
    EventsFile.model_validate(updated.model_dump(mode="json"))
    return updated, Verdict(tuple(given), tuple(reject), tuple(attached.items()))


def with_report(reports: Sequence[Report], new: Report) -> list[Report]:
    """``reports`` with ``new`` added; when the document already reports that event, its quotes
    and note join the existing report, which takes the new one's date when it had none. Two
    different dates of one event from one document are a UsageError: the coder gives it one."""
    dating = ("date_text", "date_bounds", "date_reason")
    for i, report in enumerate(reports):
        if report.event_id != new.event_id:
            continue
        had, given = report.model_dump(include=set(dating)), new.model_dump(include=set(dating))
        if any(had.values()) and any(given.values()) and had != given:
            raise UsageError(
                [
                    f"this document already reports {new.event_id} dated {_dating(had)}, and the quotes added to it date it "
                    f"{_dating(given)}: give the report one date first"
                ]
            )
        evidence = [*report.evidence, *(quote for quote in new.evidence if quote not in report.evidence)]
        note = " ".join(dict.fromkeys(filter(None, (report.coder_note, new.coder_note)))) or None
        update = {"evidence": evidence, "coder_note": note, **({} if any(had.values()) else given)}
        return [*reports[:i], report.model_copy(update=update), *reports[i + 1 :]]
    return [*reports, new]


def _dating(fields: dict[str, str | None]) -> str:
    return repr(fields["date_text"]) if fields["date_text"] else f"{fields['date_bounds']} ({fields['date_reason']})"


def save(path: Path, coded: EventsFile) -> None:
    path.write_text(canonical_yaml(coded), encoding="utf-8")
