"""From a document's text to drafts: sentences, the actors each names, the cues that propose an
event and the words that block one, the roles, the date, the type's fields, and the draft."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from bilat.dates import DateNormalizer
from bilat.drafting.actors import ActorIndex, KnownActor, Mention, build_index, context_pair, find_mentions, learn_people, title_patterns
from bilat.drafting.dating import DateMention, Dating, find_dates, read_date, undated
from bilat.drafting.lexicon import Blocker, Cue, Lexicon, alternation, load_lexicon
from bilat.drafting.quantities import count_pattern, find_counts, find_money, money_pattern
from bilat.drafting.text import Sentence, is_byline, one_line, sentences, words_between
from bilat.edtf import Bounds, parse_edtf
from bilat.evidence import FoldedText, QuoteError, fold, fold_document, locate_all
from bilat.models import DRAFT_TYPES, FORWARD_STATUSES, Actor, ActorKind, DocumentMeta, DraftBase, Quote

_FORMULA_OR_BULLET = re.compile(r"^[=+\-@•*·\s]+")
_QUOTED_TITLE = re.compile(r"[“\"]([^”\"]{4,120})[”\"]")
_CLAUSE_BREAK = re.compile(r"[;:—–]|\s-\s|,\s+(?:but|while|whereas|although|though)\b|\bbut\b")
_CLAUSE_END = re.compile(r"[;:]|,\s+(?:but|while|whereas|although|though|despite|because)\b|\bbut\b")
"""Where the words that can name a cue's other party end (a dash pair is a parenthesis, not an end)."""
_INSTRUMENT = re.compile(
    r"(?:UN |U\.N\. |United Nations )?Security Council resolution(?: \d{3,4})?(?: of \w+ \d{4})?|(?:the |a )?\d{4} law", re.IGNORECASE
)
_GROUP = re.compile(r"\b(?P<adjective>[A-Z][a-z]+)(?:[- ]led)?\s+(?:militants|rebels|fighters|forces|groups?|militias?)\b")
MAX_CHARACTERS = 2_000_000
"""Text read of a document; longer documents are drafted from their first two million characters."""


@dataclass(frozen=True)
class Compiled:
    """The lexicon's patterns, compiled once."""

    lexicon: Lexicon
    cues: tuple[tuple[Cue, re.Pattern[str], tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]], ...]
    blockers: tuple[tuple[Blocker, re.Pattern[str]], ...]
    titles: tuple[tuple[str, re.Pattern[str]], ...]
    title_patterns: tuple[re.Pattern[str], re.Pattern[str]]
    openers: re.Pattern[str]
    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    domains: tuple[tuple[str, re.Pattern[str]], ...]
    measures: tuple[tuple[str, re.Pattern[str]], ...]
    categories: tuple[tuple[str, re.Pattern[str]], ...]
    money: re.Pattern[str]
    counts: re.Pattern[str]
    item: re.Pattern[str]


def _spaced(pattern: str) -> str:
    """A pattern whose spaces match any run of whitespace (documents hold no-break spaces and line breaks)."""
    return pattern.replace(" ", r"\s+")


def _words(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{_spaced('|'.join(patterns))})(?![\w])", re.IGNORECASE)


@functools.cache
def compiled() -> Compiled:
    lexicon = load_lexicon()
    cues = tuple(
        (
            cue,
            re.compile(rf"(?<![\w-]){_spaced(lexicon.expand(cue.pattern))}(?![\w-])", re.IGNORECASE),
            tuple(_words(lexicon.words[name]) for name in cue.requires),
            tuple(_words(lexicon.words[name]) for name in cue.excludes),
        )
        for cue in lexicon.cues
    )
    blockers = tuple((b, _words(b.patterns)) for b in lexicon.blockers)
    titles = tuple((level.value, _words(patterns)) for level, patterns in lexicon.titles.items())
    arms = alternation(lexicon.words["arms"])
    return Compiled(
        lexicon,
        cues,
        blockers,
        titles,
        title_patterns(lexicon),
        re.compile(rf"(?:{'|'.join(re.escape(o) for o in lexicon.context_openers)})\b", re.IGNORECASE),
        tuple((kind.value, _words(p)) for kind, p in lexicon.agreement_kinds.items()),
        tuple((domain.value, _words(p)) for domain, p in lexicon.domains.items()),
        tuple((measure.value, _words(p)) for measure, p in lexicon.measures.items()),
        tuple((category.value, _words(p)) for category, p in lexicon.item_categories.items()),
        money_pattern(lexicon),
        count_pattern(lexicon),
        re.compile(rf"\b(?P<item>(?:(?!(?:the|a|an|to|from|for|of|its|and|with|by|on|in)\b)[\w/-]+\s+){{0,3}}{arms})\b", re.IGNORECASE),
    )


@dataclass(frozen=True)
class Candidate:
    cue: Cue
    sentence: Sentence
    start: int
    end: int
    words: str


@dataclass
class _Proposal:
    """A draft being put together; turned into a Draft model at the end."""

    candidate: Candidate
    actor1: str
    actor2: str
    cues: list[str]
    sentences: list[Sentence]
    dating: Dating | None = None
    fields: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Document:
    text: str
    folded: FoldedText
    published: Bounds
    index: ActorIndex
    people: dict[str, str]
    sentences: tuple[Sentence, ...]
    mentions: tuple[tuple[Mention, ...], ...]
    context: tuple[tuple[str, int], ...]


def draft_document(text: str, meta: DocumentMeta, actors: Sequence[Actor], normalizer: DateNormalizer) -> list[DraftBase]:
    """Candidate events of one document: every one a valid Draft, its quotes exact spans of ``text``."""
    if meta.language != "en" or not text.strip():
        return []  # the lexicon is English; other languages get no drafts rather than wrong ones
    document = _read_document(text[:MAX_CHARACTERS], meta, actors)
    pattern = compiled()
    proposals: list[_Proposal] = []
    headline = fold(meta.title)
    for sentence, mentions in zip(document.sentences, document.mentions, strict=True):
        if is_byline(sentence) or fold(sentence.text) == headline:
            continue
        recent = [p for p in proposals if sentence.index - p.candidate.sentence.index <= 2]
        found = [_propose(candidate, mentions, document, recent) for candidate in _candidates(sentence, pattern)]
        proposals += _date_sentence(sentence, [p for group in found for p in group], document, normalizer)
    drafts = []
    for proposal in _merge(proposals):
        draft = _as_draft(proposal, document, pattern)
        if draft is not None:
            drafts.append(draft)
    return drafts


def _read_document(text: str, meta: DocumentMeta, actors: Sequence[Actor]) -> _Document:
    index = build_index(actors)
    found = tuple(sentences(text))
    pattern = compiled()
    people = learn_people(text, ((s.body_start, s.end) for s in found), index, pattern.title_patterns)
    mentions = tuple(tuple(find_mentions(text, s.body_start, s.end, index, people)) for s in found)
    headline = find_mentions(meta.title, 0, len(meta.title), index, people)
    everything = [m for group in mentions for m in group] + headline * 2
    return _Document(text, fold_document(text), parse_edtf(meta.published), index, people, found, mentions, context_pair(everything, index))


def _candidates(sentence: Sentence, pattern: Compiled) -> list[Candidate]:
    """Cues in the sentence that no blocker stops; one per type and status, the first."""
    text, start, end = _masked(sentence), sentence.body_start - sentence.start, sentence.end - sentence.start
    found: list[Candidate] = []
    for cue, regex, requires, excludes in pattern.cues:
        for match in regex.finditer(text, start, end):
            window = _window(text, match.start(), match.end(), cue.window)
            if not all(r.search(window) for r in requires) or any(e.search(window) for e in excludes):
                continue
            if _blocked(text, match.start(), cue, pattern):
                continue
            at, until = sentence.start + match.start(), sentence.start + match.end()
            # The same act cued twice in a few words ("signed a deal ... to buy") is one candidate.
            if any(c.cue.type == cue.type and c.cue.status == cue.status and c.start - 30 < until and at < c.end + 30 for c in found):
                continue
            found.append(Candidate(cue, sentence, at, until, one_line(sentence.text[match.start() : match.end()])))
    specific = [c for c in found if c.cue.type == "visit" and c.cue.status != "occurred"]
    # "called off a trip to Tokyo": the trip did not take place, whatever "trip to" says alone.
    found = [
        c for c in found if not (c.cue.status == "occurred" and any(s.start - 10 <= c.end and c.start <= s.end + 10 for s in specific))
    ]
    return sorted(found, key=lambda c: c.start)


def _masked(sentence: Sentence) -> str:
    """The sentence with its date expressions blanked, so that "In May 2017" is not the modal "may"."""
    text = sentence.text
    for mention in find_dates(text, 0, len(text)):
        text = text[: mention.start] + "_" * (mention.end - mention.start) + text[mention.end :]
    return text


def _window(text: str, start: int, end: int, words: int) -> str:
    before = words_between(text, 0, start)[-words:]
    after = words_between(text, end, len(text))[:words]
    return text[before[0].start() if before else start : after[-1].end() if after else end]


def _blocked(text: str, at: int, cue: Cue, pattern: Compiled) -> str | None:
    """The blocker that stops a cue at ``at``, or None. 'before' blockers look back within the clause."""
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, at)), default=0)
    for blocker, regex in pattern.blockers:
        if cue.type not in blocker.types:
            continue
        if blocker.scope == "sentence":
            if regex.search(text):
                return blocker.name
            continue
        words = words_between(text, clause_start, at)[-blocker.window :]
        if words and regex.search(text, words[0].start(), at):
            return blocker.name
    return None


def _propose(candidate: Candidate, mentions: Sequence[Mention], document: _Document, recent: Sequence[_Proposal]) -> list[_Proposal]:
    """The candidate with its actors: one proposal, or one per sender of a listed group."""
    cue = candidate.cue
    lexicon = compiled().lexicon
    prepositions = {
        word: (_opposite(cue.subject) if role == "other" else role) for word, role in lexicon.prepositions.get(cue.type, {}).items()
    }
    actors = [m for m in mentions if m.how != "place" or cue.type == "visit"]
    first_word_end = candidate.start + len(candidate.words.split()[0])
    before = [m for m in actors if m.end <= candidate.start]
    after = [m for m in actors if m.start >= first_word_end]
    roles: dict[str, Mention] = {}
    direct = after[0] if after and not words_between(document.text, candidate.end, after[0].start) else None
    if direct is not None and (direct.how != "place" or cue.type == "visit"):
        roles["actor1" if cue.subject == "actor2" else "actor2"] = direct
    if cue.type == "sale" and "actor2" not in roles and (group := _group_actor(document.text, candidate, document)) is not None:
        roles["actor2"] = group
    clause_end = min(
        (candidate.end + b.start() for b in [_CLAUSE_END.search(document.text[candidate.end : candidate.sentence.end])] if b),
        default=candidate.sentence.end,
    )
    near = [m for m in after if m.start < clause_end and len(words_between(document.text, candidate.end, m.start)) <= 12]
    for mention in near:
        role = prepositions.get(_preposition(document.text, mention.start, first_word_end))
        if role in ("actor1", "actor2") and role not in roles and (mention.how != "place" or cue.type == "visit"):
            roles[role] = mention
    subjects = [m for m in before if not _preposition(document.text, m.start, candidate.sentence.body_start) and m.how != "place"]
    if re.search(r"\b(?:its|their|his|her)\s+$", document.text[max(0, candidate.start - 8) : candidate.start]):
        subjects = [m for m in before if m.how != "place"]  # "over its purchase of": the owner is the last one named
    passive = re.search(r"\b(?:was|were|been|being|be|is|are)\s+$", document.text[max(0, candidate.start - 8) : candidate.start])
    subject_role = _opposite(cue.subject) if passive and cue.subject != "none" else cue.subject
    if subject_role in ("actor1", "actor2") and subject_role not in roles and subjects:
        roles[subject_role] = subjects[-1]
    for mention in reversed(before):
        role = prepositions.get(_preposition(document.text, mention.start, candidate.sentence.body_start))
        if role in ("actor1", "actor2") and role not in roles and mention not in roles.values():
            roles[role] = mention
    others = [m for m in after if m not in roles.values() and m.how != "place"] + [m for m in reversed(before) if m.how != "place"]
    # A bare name is likelier a party than one governed by some other preposition ("built for Russia").
    others.sort(key=lambda m: _preposition(document.text, m.start, candidate.sentence.body_start) is not None)
    for role in ("actor1", "actor2"):
        if role not in roles:
            taken = {m.code for m in roles.values()}
            other = next((m for m in others if m.code not in taken and _can_play(document.index.actors[m.code], cue.type, role)), None)
            if other is not None:
                roles[role] = other
    cues = [f"cue {candidate.words!r}: {cue.type}, {cue.status.replace('_', ' ')}"]
    codes: dict[str, str] = {}
    for role in ("actor1", "actor2"):
        mention = roles.get(role)
        if mention is not None:
            codes[role] = mention.code
            cues.append(f"{role} {mention.code} from {mention.describe()}")
    _inherit(codes, cues, cue, recent)
    _fill_from_context(codes, cues, document, _unknown_names(document.text, candidate.sentence.body_start, candidate.start, mentions))
    if len(codes) < 2 or codes["actor1"] == codes["actor2"]:
        return []
    proposal = _Proposal(candidate, codes["actor1"], codes["actor2"], cues, [candidate.sentence])
    proposal.fields["_mentions"] = roles
    proposal.fields["_named"] = tuple(mentions)
    if cue.type == "sanction" and "actor1" in roles and roles["actor1"] in before:
        return [proposal, *_co_senders(proposal, roles["actor1"], before, document)]
    if cue.type == "sale" and "actor1" in roles:
        return [proposal, *_co_suppliers(proposal, roles["actor1"], near, document)]
    return [proposal]


def _co_suppliers(proposal: _Proposal, supplier: Mention, near: list[Mention], document: _Document) -> list[_Proposal]:
    """Further suppliers of one purchase ("F-15 fighters from the United States and Rafale jets from France")."""
    extra = []
    for mention in near:
        if mention is supplier or mention.code in (proposal.actor1, proposal.actor2):
            continue
        if _preposition(document.text, mention.start, supplier.end) == "from" and mention.start > supplier.end:
            cues = [c for c in proposal.cues if not c.startswith("actor1")] + [
                f"actor1 {mention.code} from {mention.describe()}, a further supplier"
            ]
            extra.append(
                replace(proposal, actor1=mention.code, cues=cues, fields=dict(proposal.fields), sentences=list(proposal.sentences))
            )
    return extra


def _opposite(role: str) -> str:
    return {"actor1": "actor2", "actor2": "actor1"}.get(role, "actor2")


def _inherit(codes: dict[str, str], cues: list[str], cue: Cue, recent: Sequence[_Proposal]) -> None:
    """A sentence that names neither party carries on the last act of its type ("Deliveries began in December 2021")."""
    if codes:
        return
    earlier = next((p for p in reversed(recent) if p.candidate.cue.type == cue.type), None)
    if earlier is not None:
        codes |= {"actor1": earlier.actor1, "actor2": earlier.actor2}
        cues.append(f"actors {earlier.actor1} and {earlier.actor2} from the {cue.type} told just before: {earlier.candidate.words!r}")


def _can_play(actor: KnownActor, event_type: str, role: str) -> bool:
    """IGOs impose sanctions or are a party; they do not travel, host, buy or sell."""
    if actor.kind == ActorKind.igo:
        return event_type in ("sanction", "agreement") and (role == "actor1" or event_type == "agreement")
    return True


def _preposition(text: str, at: int, floor: int) -> str | None:
    """The preposition governing a name at ``at``: within three words before it ("to Iran",
    "on NATO ally Turkey", "in Tehran"), stopping at a verb-like break."""
    words = words_between(text, max(floor, at - 40), at)[-3:]
    for word in reversed(words):
        lowered = word.group().lower()
        if re.search(r"[,;:.()]", text[word.end() : at]):
            return None
        if lowered in ("to", "from", "in", "into", "on", "against", "with", "between", "at", "for", "over", "of", "by", "near"):
            return lowered
        if (
            lowered in ("and", "or")
            or word.group()[0].islower()
            and lowered not in ("the", "ally", "neighbour", "neighbor", "its", "their")
        ):
            return None
    return None


def _group_actor(text: str, candidate: Candidate, document: _Document) -> Mention | None:
    """A recipient named as a group right after the cue ("arming of Kurdish militants in Syria"),
    read as the registered non-state actor that the document names with the same adjective (and
    place, when one is given)."""
    group = _GROUP.match(
        text, candidate.end + len(text[candidate.end : candidate.sentence.end]) - len(text[candidate.end : candidate.sentence.end].lstrip())
    )
    if group is None:
        return None
    adjective = group["adjective"]
    places = {m.code for m in find_mentions(text, group.end(), min(group.end() + 12, candidate.sentence.end), document.index, {})}
    best: tuple[int, Mention] | None = None
    for sentence, mentions in zip(document.sentences, document.mentions, strict=True):
        if adjective not in sentence.text:
            continue
        here = {m.code for m in mentions}
        for mention in mentions:
            if document.index.actors[mention.code].kind == ActorKind.non_state:
                score = 1 + 2 * len(places & here)
                if best is None or score > best[0]:
                    best = (
                        score,
                        replace(mention, surface=f"{group.group()} ... {mention.surface}", how="group named elsewhere in the document"),
                    )
    return best[1] if best else None


_PROPER_NAME = re.compile(r"\b(?:the\s+)?(?:[A-Z][a-z]+(?:\s+(?:of\s+)?[A-Z][a-z]+)+|[A-Z]{2,}(?![a-z]))")
"""Two or more capitalised words ("the European Union") or an acronym ("NATO"): a name, perhaps of an actor bilat does not know."""


def _unknown_names(text: str, start: int, end: int, known: Sequence[Mention]) -> list[str]:
    """Names before the cue in its sentence that are no known actor."""
    return [
        found.group()
        for found in _PROPER_NAME.finditer(text, start, end)
        if not any(m.start < found.end() and found.start() < m.end for m in known)
    ]


def _fill_from_context(codes: dict[str, str], cues: list[str], document: _Document, unknown: Sequence[str] = ()) -> None:
    """When the sentence names the act but not both parties, the document's two main actors supply them.
    When it names someone bilat does not know, the cue says so: the party from context is then a guess."""
    for role in ("actor1", "actor2"):
        if role in codes:
            continue
        taken = set(codes.values())
        for code, count in document.context:
            if code not in taken:
                codes[role] = code
                cues.append(f"{role} {code} from the document's context: {document.index.actors[code].name} is named {count} times")
                if unknown:
                    names = ", ".join(repr(name) for name in unknown)
                    cues.append(f"the sentence names {names}, which bilat does not know: {role} may be one of them, not {code}")
                break


def _co_senders(proposal: _Proposal, sender: Mention, before: list[Mention], document: _Document) -> list[_Proposal]:
    """Other senders listed with the first ("by Saudi Arabia, the UAE, Bahrain and Egypt")."""
    listed = []
    position = before.index(sender)
    for mention in reversed(before[:position]):
        gap = document.text[mention.end : (listed[-1] if listed else sender).start]
        if not re.fullmatch(r"\s*(?:,|and|, and)\s*(?:the\s+)?", gap):
            break
        listed.append(mention)
    extra = []
    for mention in listed:
        if mention.code in (proposal.actor1, proposal.actor2):
            continue
        cues = [c for c in proposal.cues if not c.startswith("actor1")] + [
            f"actor1 {mention.code} from {mention.describe()}, listed with {sender.surface!r}"
        ]
        extra.append(replace(proposal, actor1=mention.code, cues=cues, fields=dict(proposal.fields), sentences=list(proposal.sentences)))
    return extra


def _date_sentence(sentence: Sentence, proposals: list[_Proposal], document: _Document, normalizer: DateNormalizer) -> list[_Proposal]:
    """Each proposal gets the date nearest its cue that no nearer cue claims; a sentence with no
    date that opens by carrying on from the one before ("During the visit, ...") takes that one's."""
    if not proposals:
        return []
    dates = find_dates(document.text, sentence.body_start, sentence.end)
    candidates = list({id(p.candidate): p.candidate for p in proposals}.values())
    owned: dict[int, list[DateMention]] = {id(c): [] for c in candidates}
    for mention in dates:
        owned[id(min(candidates, key=lambda c: _distance(c, mention)))].append(mention)
    borrowed: list[DateMention] = []
    source: Sentence | None = None
    if not dates and compiled().openers.match(document.text, sentence.body_start, sentence.end):
        for back in document.sentences[max(0, sentence.index - 2) : sentence.index][::-1]:
            if borrowed := find_dates(document.text, back.body_start, back.end):
                source = back
                break
    readings: dict[int, tuple[bool, Dating]] = {}
    refused: dict[int, str] = {}
    for proposal in proposals:
        candidate = proposal.candidate
        forward = candidate.cue.status in FORWARD_STATUSES
        mine = sorted(owned[id(candidate)], key=lambda m: _distance(candidate, m))
        for mention in mine + borrowed[-1:]:
            dating = read_date(mention, document.published, forward, normalizer)
            if isinstance(dating, str):
                refused.setdefault(id(proposal), f"{mention.text!r}: {dating}")
                continue
            if mention in borrowed:
                dating = replace(dating, cue=dating.cue + ", from an earlier sentence")
                proposal.sentences.insert(0, source)
            proposal.dating = dating
            readings[id(candidate)] = (forward, dating)
            break
    for proposal in proposals:
        forward = proposal.candidate.cue.status in FORWARD_STATUSES
        if proposal.dating is None and re.search(
            r"\bduring\s+(?:a|an|the|his|her|its|their)?\s*$", document.text[sentence.start : proposal.candidate.start]
        ):
            # "signed ... on Thursday during a visit to Kyiv": the visit is dated by the act it accompanies.
            accompanied = next((d for key, (f, d) in readings.items() if key != id(proposal.candidate) and f == forward), None)
            if accompanied is not None:
                proposal.dating = replace(accompanied, cue=accompanied.cue + ", the date of the act it accompanies")
        if proposal.dating is None:
            why = (
                f"The date in the text cannot be read ({refused[id(proposal)]})"
                if id(proposal) in refused
                else "The text gives no date for it"
            )
            proposal.dating = undated(document.published, forward, why)
    return proposals


def _distance(candidate: Candidate, mention: DateMention) -> int:
    """How far a date is from a cue; a date after its verb ("imposed sanctions on Monday") is read
    as nearer than one the same distance before the next cue."""
    if mention.start >= candidate.end:
        return mention.start - candidate.end
    return max(candidate.start - mention.end, 0) * 2 + 20 if mention.end <= candidate.start else 0


def _merge(proposals: list[_Proposal]) -> list[_Proposal]:
    """One proposal per event: a visit told over neighbouring sentences, or one act cued twice in a sentence."""
    merged: list[_Proposal] = []
    for proposal in proposals:
        same = next((kept for kept in merged if _same_event(kept, proposal)), None)
        if same is None:
            merged.append(proposal)
            continue
        if same.dating.date_text is None and proposal.dating.date_text is not None:
            same.dating = proposal.dating
        for sentence in proposal.sentences:
            if sentence not in same.sentences:
                same.sentences.append(sentence)
        same.cues += [c for c in proposal.cues if c not in same.cues]
    return merged


def _same_event(kept: _Proposal, new: _Proposal) -> bool:
    a, b = kept.candidate, new.candidate
    if (a.cue.type, a.cue.status) != (b.cue.type, b.cue.status) or {kept.actor1, kept.actor2} != {new.actor1, new.actor2}:
        return False
    dated = kept.dating.date_text is not None and new.dating.date_text is not None
    if dated and kept.dating.normalized.edtf != new.dating.normalized.edtf:
        return False
    if a.sentence.index == b.sentence.index:
        return True
    if (kept.actor1, kept.actor2) != (new.actor1, new.actor2) or abs(a.sentence.index - b.sentence.index) > 1:
        return False
    # Told over two sentences; "also", "another" or "more" says the second is a further act.
    return a.cue.type == "visit" or not dated and not re.search(r"\b(?:also|another|more|second|further)\b", b.sentence.text)


def _as_draft(proposal: _Proposal, document: _Document, pattern: Compiled) -> DraftBase | None:
    cue = proposal.candidate.cue
    evidence = [q for q in (_quote(s, document) for s in proposal.sentences) if q is not None]
    if not evidence:
        return None
    dating = proposal.dating
    fields = _type_fields(proposal, document, pattern)
    cues = proposal.cues + [dating.cue] + _registry_cues(proposal, document)
    record = {
        "type": cue.type,
        "status": cue.status,
        "actor1": proposal.actor1,
        "actor2": proposal.actor2,
        "summary": _summary(proposal, fields, document),
        "evidence": evidence,
        "cues": cues,
        **({"date_text": dating.date_text} if dating.date_text else {"date_bounds": dating.date_bounds, "date_reason": dating.date_reason}),
        **fields,
    }
    try:
        return DRAFT_TYPES[cue.type].model_validate(record)
    except ValueError:
        # A field read from odd text (say, a control character in an item name) fails its model:
        # the draft is dropped rather than the document.
        return None


def _quote(sentence: Sentence, document: _Document) -> Quote | None:
    """The sentence as a quote that ``bilat.evidence.locate`` finds where it is."""
    raw = sentence.text
    lead = _FORMULA_OR_BULLET.match(raw)
    offset = lead.end() if lead else 0
    quote = one_line(raw[offset:])
    if not quote:
        return None
    try:
        matches = locate_all(quote, document.folded)
    except QuoteError:
        return None
    place = next((i for i, m in enumerate(matches) if m.char_start == sentence.start + offset), None)
    if place is None:
        return None
    return Quote(quote=quote, occurrence=None if len(matches) == 1 else place + 1)


def _registry_cues(proposal: _Proposal, document: _Document) -> list[str]:
    notes = []
    for code in (proposal.actor1, proposal.actor2):
        actor = document.index.actors[code]
        if not actor.registered:
            ccode = f"COW {actor.ccode}" if actor.ccode is not None else "no COW code known"
            notes.append(
                f"{code} is not in the registry: proposed entry code {code}, name {actor.name}, kind state, {ccode}, GW {actor.gwcode}"
            )
    return notes


def _type_fields(proposal: _Proposal, document: _Document, pattern: Compiled) -> dict:
    cue, sentence = proposal.candidate.cue, proposal.candidate.sentence
    text = document.text
    lo, hi = sentence.body_start, sentence.end
    body = text[lo:hi]
    roles: dict[str, Mention] = proposal.fields.get("_mentions", {})
    if cue.type == "visit":
        fields: dict = {}
        host = roles.get("actor2")
        if host is not None and host.how in ("capital", "place", "alias") and host.code == proposal.actor2:
            fields["location"] = host.surface
        visitor = roles.get("actor1")
        fields |= _visitor(text, visitor, proposal, pattern) if visitor is not None and visitor.code == proposal.actor1 else {}
        return fields
    if cue.type == "agreement":
        fields = {}
        title = _QUOTED_TITLE.search(body)
        if title:
            fields["agreement_title"] = one_line(title.group(1)).strip(" ,.")
        kind = next(
            (
                kind
                for kind, regex in pattern.kinds
                if regex.search(_window(body, proposal.candidate.start - lo, proposal.candidate.end - lo, 10))
            ),
            None,
        )
        if kind:
            fields["agreement_kind"] = kind
        fields["domains"] = [domain for domain, regex in pattern.domains if regex.search(body)]
        return fields
    if cue.type == "sanction":
        fields = {"measures": [measure for measure, regex in pattern.measures if regex.search(body)]}
        if instrument := _INSTRUMENT.search(body):
            fields["instrument"] = one_line(instrument.group()).removeprefix("the ").removeprefix("a ")
        return fields
    fields = {}
    counts = find_counts(text, proposal.candidate.start, hi, pattern.counts) or find_counts(text, lo, hi, pattern.counts)
    if counts:
        count = counts[0]
        fields |= {"quantity": count.quantity, "quantity_unit": count.unit, "item": count.item}
    elif item := pattern.item.search(text, proposal.candidate.end, hi):
        fields["item"] = one_line(item["item"])
    if "item" in fields:
        category = next((c for c, regex in pattern.categories if regex.search(fields["item"])), None)
        fields["item_category"] = category or "other"
    money = find_money(text, lo, hi, pattern.lexicon, pattern.money)
    if money:
        nearest = min(money, key=lambda m: abs(m.start - proposal.candidate.start))
        fields |= {"value": float(nearest.value), "currency": nearest.currency}
        proposal.cues.append(f"value {nearest.text!r} read as {nearest.value:,.0f} {nearest.currency}")
    if counts:
        proposal.cues.append(f"quantity {counts[0].quantity} {counts[0].unit} from {counts[0].item!r}")
    return fields


def _visitor(text: str, visitor: Mention, proposal: _Proposal, pattern: Compiled) -> dict:
    """Who travelled and their office, as written: "Russian Defense Minister Sergei Shoigu"."""
    after, _ = pattern.title_patterns
    found = after.match(text, visitor.end, proposal.candidate.sentence.end)
    if visitor.how == "person":
        # "Turkey's President Tayyip Erdogan": the office is read from the state named before the person.
        for named in proposal.fields.get("_named", ()):
            title = after.match(text, named.end, proposal.candidate.sentence.end) if named.end <= visitor.start else None
            if title and title.start("name") <= visitor.start < title.end("name"):
                visitor, found = named, title
                break
    fields: dict = {}
    if found:
        title = one_line(text[visitor.start : found.start("name")]).strip(" ,")
        fields = {"visitor": one_line(found["name"]), "visitor_title": title}
    elif visitor.how == "person":
        fields = {"visitor": visitor.surface}
    office = fields.get("visitor_title", "")
    for level, regex in pattern.titles:
        if office and regex.search(office):
            fields["visit_level"] = level
            break
    return fields


def _summary(proposal: _Proposal, fields: dict, document: _Document) -> str:
    cue = proposal.candidate.cue
    first, second = (document.index.actors[c].name for c in (proposal.actor1, proposal.actor2))
    if cue.type == "visit":
        who = " ".join(p for p in (fields.get("visitor_title"), fields.get("visitor")) if p) or f"An official of {first}"
        if fields.get("visitor_title") or fields.get("visitor"):
            who = f"{who} ({first})"
        sentence = {
            "occurred": f"{who} visited {second}.",
            "planned": f"{who} is to visit {second}.",
            "cancelled": f"A visit by {who} to {second} was called off.",
        }[cue.status]
        if cue.verb == "met":
            sentence = f"Officials of {first} and {second} met."
        return sentence
    if cue.type == "agreement":
        title = fields.get("agreement_title")
        what = f"an agreement on {title}" if title else "an agreement"
        return {
            "signed": f"{first} and {second} signed {what}.",
            "proposed": f"{first} proposed {what} to {second}.",
            "in_force": f"{what[0].upper()}{what[1:]} between {first} and {second} entered into force.",
            "terminated": f"{what[0].upper()}{what[1:]} between {first} and {second} ended.",
        }[cue.status]
    if cue.type == "sanction":
        return {
            "imposed": f"{first} imposed sanctions on {second}.",
            "threatened": f"{first} threatened {second} with sanctions.",
            "lifted": f"{first} lifted sanctions on {second}.",
        }[cue.status]
    item = fields.get("item", "arms")
    if fields.get("quantity") and fields.get("item"):
        item = f"{fields['quantity']} {item}"
    return {
        "agreed": f"{first} agreed to sell {item} to {second}.",
        "delivered": f"{first} delivered {item} to {second}.",
        "cancelled": f"{first} cancelled a sale of {item} to {second}.",
    }[cue.status]
