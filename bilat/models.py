"""The records coders write in ``seeds/``: the one place their shape is defined.

Every model forbids unknown keys. The event models form a discriminated union on ``type``.
Field descriptions here are carried into the JSON Schema in ``schema/`` and, through
``bilat.tables``, into the published column metadata.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal, Self

from dateparser.data.languages_info import language_order
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, create_model, model_validator

from bilat.edtf import parse_edtf
from bilat.ids import id_problem


def _valid_id(value: str) -> str:
    if (problem := id_problem(value)) is not None:
        raise ValueError(problem)
    return value


def _dateparser_language(value: str) -> str:
    if value not in language_order:
        raise ValueError(f"{value!r} is not a language dateparser reads (ISO 639-1, e.g. 'en')")
    return value


def _valid_edtf(value: str) -> str:
    parse_edtf(value)
    return value


ActorCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,15}$"),
    Field(description="An actor code from seeds/actors.yaml: ISO 3166-1 alpha-3 for states."),
]
EventId = Annotated[
    str,
    AfterValidator(_valid_id),
    Field(description="Persistent event ID: Crockford base32, 8 symbols and a mod-37 check symbol."),
]
Edtf = Annotated[
    str,
    AfterValidator(_valid_edtf),
    Field(description="EDTF date or interval: YYYY, YYYY-MM, YYYY-MM-DD, or start/end with '..' for an open side."),
]
FORMULA_STARTS = "=+-@\t\r"
"""First characters that make a spreadsheet run a CSV cell as a formula."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]")
"""Control characters; the line and paragraph separators, which end a line as a newline does; the
bidirectional controls, which make text display other than it reads; and the invisible format
characters (zero-width space, word joiner, byte order mark, tags), which hide in a word. The
joiners U+200C and U+200D are allowed: Persian and the Indic scripts need them."""


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be published as one line of free text, or None when it can."""
    if value[:1] in FORMULA_STARTS:
        return f"starts with {value[:1]!r}, which a spreadsheet would run as a formula; reword it"
    if bad := _CONTROL.search(value):
        return f"holds the control character {bad.group()!r} at position {bad.start()}; text is one line of plain characters"
    if value != value.strip():
        return "starts or ends with whitespace"
    return None


def _safe_text(value: str) -> str:
    if (problem := text_problem(value)) is not None:
        raise ValueError(problem)
    return value


Text = Annotated[str, StringConstraints(min_length=1), AfterValidator(_safe_text)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$"), AfterValidator(_safe_text)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class ActorKind(StrEnum):
    state = "state"
    igo = "igo"
    non_state = "non_state"


class Actor(Record):
    """One entry of the actor registry."""

    code: ActorCode
    name: Text = Field(description="Common English name.")
    kind: ActorKind = Field(description="state, igo (intergovernmental organization) or non_state.")
    ccode: int | None = Field(None, ge=1, le=999, strict=True, description="Correlates of War state code; states only.")
    wikidata: str | None = Field(None, pattern=r"^Q[1-9][0-9]*$", description="Wikidata item, e.g. Q794.")
    aliases: list[Text] = Field(
        [],
        description="Other ways English texts name the actor, which the drafter reads as it: short names ('the US'), "
        "demonyms ('Russian'), the capital used for the government ('Moscow'), abbreviations ('UNSC'). Not published.",
    )

    @model_validator(mode="after")
    def _ccode_only_for_states(self) -> Self:
        if self.kind == ActorKind.state and self.ccode is None:
            raise ValueError("a state needs its COW ccode")
        if self.kind != ActorKind.state and self.ccode is not None:
            raise ValueError("only states have a COW ccode")
        return self


class ActorRegistry(Record):
    actors: list[Actor]


class Tombstone(Record):
    """A withdrawn event ID: it is never reused, and citations of it are pointed on."""

    id: EventId
    reason: Text
    merged_into: EventId | None = None


class RetiredIds(Record):
    retired: list[Tombstone]


class PublishedBasis(StrEnum):
    printed = "printed"
    inferred = "inferred"
    unknown = "unknown"


class DocumentMeta(Record):
    """Who published the source document, and when."""

    title: Text = Field(description="Headline, as printed.")
    publisher: Text | None = Field(None, description="Outlet, as the document names it.")
    author: Text | None = Field(None, description="As the document names it; empty when it names none.")
    published: Edtf
    published_basis: PublishedBasis = Field(
        description="printed: the date is in the text; inferred: see published_reason; unknown: not known yet (published is '../..')."
    )
    published_reason: Text | None = Field(None, description="How an inferred publication date was worked out.")
    url: Url | None = Field(None, description="Where it was published, when known.")
    language: Annotated[str, AfterValidator(_dateparser_language)] = Field(description="ISO 639-1 code of the text.")
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] = Field(description="SHA-256 of document.txt.")

    @model_validator(mode="after")
    def _inferred_needs_reason(self) -> Self:
        if self.published_basis == PublishedBasis.inferred and not self.published_reason:
            raise ValueError("an inferred publication date needs published_reason")
        if self.published_basis == PublishedBasis.unknown and self.published != "../..":
            raise ValueError("an unknown publication date is written published: '../..'; a known bound makes it printed or inferred")
        return self


class Quote(Record):
    quote: Text = Field(description="Verbatim words of the document; typographic quotes, dashes and spacing may be typed plain.")
    occurrence: int | None = Field(
        None, ge=1, strict=True, description="Which match to use when the quote occurs more than once (1 = first)."
    )


class Phase(StrEnum):
    """What a status says of its step: taken, only intended, or undone. The charts draw each differently."""

    realized = "realized"
    intended = "intended"
    reversed = "reversed"


class Status(StrEnum):
    """A lifecycle step of one event type; each member is written ``name = "value", Phase.…``."""

    phase: Phase

    def __new__(cls, value: str, phase: Phase) -> Status:
        member = str.__new__(cls, value)
        member._value_ = value
        member.phase = phase
        return member


class VisitStatus(Status):
    planned = "planned", Phase.intended
    occurred = "occurred", Phase.realized
    cancelled = "cancelled", Phase.reversed


class AgreementStatus(Status):
    proposed = "proposed", Phase.intended
    signed = "signed", Phase.realized
    in_force = "in_force", Phase.realized
    terminated = "terminated", Phase.reversed


class SanctionStatus(Status):
    threatened = "threatened", Phase.intended
    imposed = "imposed", Phase.realized
    lifted = "lifted", Phase.reversed


class SaleStatus(Status):
    agreed = "agreed", Phase.realized
    delivered = "delivered", Phase.realized
    cancelled = "cancelled", Phase.reversed


FORWARD_STATUSES = frozenset({"planned"})
"""Statuses whose date lies on or after publication; every other event is dated on or before it."""


class VisitLevel(StrEnum):
    head_of_state = "head_of_state"
    head_of_government = "head_of_government"
    minister = "minister"
    military_chief = "military_chief"
    official = "official"


class AgreementKind(StrEnum):
    treaty = "treaty"
    agreement = "agreement"
    mou = "mou"
    protocol = "protocol"
    contract = "contract"


class Domain(StrEnum):
    military = "military"
    defense_industry = "defense_industry"
    counter_terrorism = "counter_terrorism"
    training = "training"
    naval = "naval"
    intelligence = "intelligence"
    nuclear = "nuclear"
    border_security = "border_security"
    economic = "economic"


class Measure(StrEnum):
    arms_embargo = "arms_embargo"
    trade = "trade"
    financial = "financial"
    travel = "travel"
    asset_freeze = "asset_freeze"
    nuclear = "nuclear"
    diplomatic = "diplomatic"


class ItemCategory(StrEnum):
    """SIPRI's weapon categories, lower-cased."""

    aircraft = "aircraft"
    air_defence_systems = "air_defence_systems"
    armoured_vehicles = "armoured_vehicles"
    artillery = "artillery"
    engines = "engines"
    missiles = "missiles"
    naval_weapons = "naval_weapons"
    satellites = "satellites"
    sensors = "sensors"
    ships = "ships"
    other = "other"


Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(description="ISO 4217 code, e.g. USD.")]


def iso_day(value: str) -> str:
    """``value`` if it is a day written YYYY-MM-DD; ValueError otherwise."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError(f"{value!r} is not a day written YYYY-MM-DD")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a day of the calendar") from None
    return value


IsoDay = Annotated[str, AfterValidator(iso_day), Field(description="A day, YYYY-MM-DD.")]


class Validation(Record):
    """Who read an event against its document and made it their own, and when."""

    by: Text = Field(description="The coder, or the team, as they wish to be credited.")
    date: IsoDay = Field(description="The day it was validated, YYYY-MM-DD. (Not 'on', which YAML 1.1 reads as true.)")


class EventBase(Record):
    id: EventId | None = Field(None, description="Written by `bilat mint`; never edited after.")
    type: str
    status: str
    actor1: ActorCode
    actor2: ActorCode
    date_text: Text | None = Field(None, description="The date exactly as the document writes it; must be inside a quote.")
    date_bounds: Edtf | None = Field(None, description="Coder's EDTF bounds, when the document gives no date.")
    date_reason: Text | None = Field(None, description="Why date_bounds are what they are.")
    summary: Text = Field(description="One sentence.")
    evidence: list[Quote] = Field(min_length=1)
    location: Text | None = Field(None, description="Where it happened, as written.")
    follows: EventId | None = Field(None, description="ID of the earlier event of the same visit or deal.")
    coder_note: Text | None = Field(None, description="What the coder inferred beyond the quotes, and from what source.")
    validated: Validation = Field(description="Who validated the event against its document, and when (`bilat review` stamps it).")

    @model_validator(mode="after")
    def _one_way_to_date(self) -> Self:
        if (self.date_text is None) == (self.date_bounds is None):
            raise ValueError("give either date_text (the date as written) or date_bounds with date_reason")
        if self.date_bounds is not None and self.date_reason is None:
            raise ValueError("date_bounds need a date_reason")
        if self.date_text is not None and self.date_reason is not None:
            raise ValueError("date_reason goes with date_bounds, not with date_text")
        if self.actor1 == self.actor2:
            raise ValueError("actor1 and actor2 are the same actor")
        return self


class Visit(EventBase):
    type: Literal["visit"]
    status: VisitStatus
    visitor: Text | None = Field(None, description="Name of the visiting official, as written.")
    visitor_title: Text | None = Field(None, description="The visitor's office, as written.")
    visit_level: VisitLevel | None = Field(None, description="Rank of the visitor.")


class Agreement(EventBase):
    type: Literal["agreement"]
    status: AgreementStatus
    agreement_title: Text | None = Field(None, description="The agreement's name, as written.")
    agreement_kind: AgreementKind | None = Field(None, description="Form of the accord.")
    domains: list[Domain] = []


class Sanction(EventBase):
    type: Literal["sanction"]
    status: SanctionStatus
    instrument: Text | None = Field(None, description="What imposes it, e.g. a UN Security Council resolution.")
    measures: list[Measure] = []


class Sale(EventBase):
    type: Literal["sale"]
    status: SaleStatus
    item: Text | None = Field(None, description="What is sold, as written.")
    item_category: ItemCategory | None = Field(None, description="SIPRI weapon category.")
    quantity: int | None = Field(None, ge=1, le=2**63 - 1, strict=True, description="How many, as stated.")
    quantity_unit: Text | None = Field(None, description="What quantity counts, e.g. 'systems' or 'launchers'.")
    value: float | None = Field(None, gt=0, allow_inf_nan=False, strict=True, description="Deal value in currency units, as stated.")
    currency: Currency | None = Field(None, description="ISO 4217 code of value, e.g. USD.")

    @model_validator(mode="after")
    def _value_has_currency(self) -> Self:
        if (self.value is None) != (self.currency is None):
            raise ValueError("value and currency go together")
        return self


Event = Annotated[Visit | Agreement | Sanction | Sale, Field(discriminator="type")]
EVENT_TYPES = {model.model_fields["type"].annotation.__args__[0]: model for model in (Visit, Agreement, Sanction, Sale)}


def statuses(event_type: str) -> type[Status]:
    """The status enum of one event type."""
    return EVENT_TYPES[event_type].model_fields["status"].annotation


def status_values() -> list[str]:
    """Every status of every event type, once each, in the order they are defined."""
    return list(dict.fromkeys(status.value for event_type in EVENT_TYPES for status in statuses(event_type)))


ROLES: dict[str, tuple[str, str]] = {
    "visit": ("visitor", "host"),
    "agreement": ("party", "party"),
    "sanction": ("sender", "target"),
    "sale": ("supplier", "recipient"),
}


def a_or_an(words: str) -> str:
    """``words`` after the indefinite article it takes: "a visit", "an agreement", "an occurred visit"."""
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"


def pair_text(event_type: str, actor1: str, actor2: str) -> str:
    """``RUS→IRN`` for a directed event; ``RUS–IRN`` for an agreement, whose parties have no direction."""
    first, second = ROLES[event_type]
    return f"{actor1}{'–' if first == second else '→'}{actor2}"


class Dismissal(Record):
    """A passage with a date that codes no event, and why (see ``bilat coverage``)."""

    text: Text = Field(description="Words of the document around the date, e.g. 'the 1980-88 Iran-Iraq war'; covers every occurrence.")
    reason: Text = Field(description="One line: why no event is coded, e.g. 'background war: not one of the four types'.")


DRAFT_CHECK = Validation(by="(checking a draft)", date="2000-01-01")
"""The stamp a draft is checked with: it must be a valid event once someone validates it."""


class DraftBase(Record):
    """What a draft adds to an event: why it was proposed, and a likely earlier coding of it."""

    cues: list[Text] = Field(min_length=1, description="The words of the document that made it a candidate, and how each was read.")
    possible_duplicate: EventId | None = Field(None, description="An event already coded that this draft may repeat.")

    @model_validator(mode="after")
    def _valid_as_event(self) -> Self:
        try:
            self.as_event()
        except ValidationError as err:
            raise ValueError("; ".join(error["msg"].removeprefix("Value error, ") for error in err.errors())) from None
        return self

    def as_report(self, event_id: str, validated: Validation = DRAFT_CHECK) -> Report:
        """The report a coder gets by attaching the draft to ``event_id``, an event coded elsewhere: its quotes and its date."""
        fields = self.model_dump(include={"evidence", "date_text", "date_bounds", "date_reason", "coder_note"})
        return Report.model_validate({**fields, "event_id": event_id, "validated": validated.model_dump()})

    def as_event(self, validated: Validation = DRAFT_CHECK) -> Visit | Agreement | Sanction | Sale:
        """The event a coder gets by accepting the draft as it stands, stamped ``validated`` (no ID until it is minted)."""
        fields = self.model_dump(exclude={"cues", "possible_duplicate"})
        return EVENT_TYPES[self.type].model_validate({**fields, "validated": validated.model_dump()})


def _draft_model(event: type[EventBase]) -> type[DraftBase]:
    """A draft of ``event``: its fields less ``id`` and ``validated``, plus those of DraftBase; valid
    only if it would be a valid event."""
    fields = {name: (info.annotation, info) for name, info in event.model_fields.items() if name not in ("id", "validated")}
    doc = f"A proposed {event.__name__.lower()}, for a coder to accept, edit or reject."
    return create_model(f"{event.__name__}Draft", __base__=DraftBase, __doc__=doc, **fields)


VisitDraft = _draft_model(Visit)
AgreementDraft = _draft_model(Agreement)
SanctionDraft = _draft_model(Sanction)
SaleDraft = _draft_model(Sale)
Draft = Annotated[VisitDraft | AgreementDraft | SanctionDraft | SaleDraft, Field(discriminator="type")]
DRAFT_TYPES = {"visit": VisitDraft, "agreement": AgreementDraft, "sanction": SanctionDraft, "sale": SaleDraft}


class Rejection(Record):
    """A draft a coder rejected, kept so that `bilat draft` never proposes it again."""

    reason: Text = Field(description="Why it is not an event, e.g. 'a hypothetical: could sign'.")
    by: Text = Field(description="Who rejected it.")
    date: IsoDay = Field(description="When, YYYY-MM-DD.")
    draft: Draft


class Report(Record):
    """This document's account of an event that another document codes: the event keeps its ID and
    gains this document as a source, with its quotes and, when the document dates it, its date."""

    event_id: EventId = Field(description="The event reported: a live event ID coded in another document.")
    evidence: list[Quote] = Field(min_length=1, description="This document's verbatim words for the event; they name both actors.")
    date_text: Text | None = Field(None, description="The date exactly as this document writes it; must be inside a quote.")
    date_bounds: Edtf | None = Field(None, description="Coder's EDTF bounds from this document, when it gives no date as such.")
    date_reason: Text | None = Field(None, description="Why date_bounds are what they are.")
    coder_note: Text | None = Field(None, description="What the coder inferred beyond the quotes, and from what source.")
    validated: Validation = Field(description="Who read the report against its document, and when.")

    @model_validator(mode="after")
    def _at_most_one_date(self) -> Self:
        if self.date_text is not None and self.date_bounds is not None:
            raise ValueError("give date_text (the date as written) or date_bounds with date_reason, not both")
        if (self.date_bounds is None) != (self.date_reason is None):
            raise ValueError("date_bounds and date_reason go together")
        return self


class EventsFile(Record):
    """A document's ``events.yaml``."""

    document: DocumentMeta
    events: list[Event]
    reports: list[Report] = Field([], description="Events coded in other documents that this document also reports.")
    dismissed: list[Dismissal] = Field([], description="Date expressions in the document that code no event.")
    drafts: list[Draft] = Field([], description="Candidate events proposed by `bilat draft`, waiting for `bilat review`; never published.")
    rejected: list[Rejection] = Field([], description="Drafts a coder rejected, with the reason; `bilat draft` never proposes them again.")
