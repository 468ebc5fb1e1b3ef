"""The drafter's lexicon: cues, what blocks them, titles, kinds, domains, measures, categories and
currencies, kept as data in ``lexicon.yaml`` and checked by the models here when it is loaded."""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bilat.models import EVENT_TYPES, AgreementKind, Domain, ItemCategory, Measure, VisitLevel

EventType = Literal["visit", "agreement", "sanction", "sale"]
Role = Literal["actor1", "actor2", "other"]
_WORD_LIST = re.compile(r"\{(\w+)\}")


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as err:
        raise ValueError(f"{pattern!r} is not a regular expression: {err}") from None
    return pattern


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cue(_Entry):
    pattern: str
    type: EventType
    status: str
    subject: Literal["actor1", "actor2", "none"] = Field(description="Role of the actor named before the cue.")
    verb: str = Field(description="How the summary says it, between the two actors' names.")
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    window: int = Field(8, ge=1, description="Words either side of the cue searched for required and excluded words.")

    _pattern = field_validator("pattern")(_compiles)

    @model_validator(mode="after")
    def _status_of_its_type(self) -> Cue:
        statuses = {status.value for status in EVENT_TYPES[self.type].model_fields["status"].annotation}
        if self.status not in statuses:
            raise ValueError(f"{self.status!r} is not a status of {self.type} (one of {sorted(statuses)})")
        return self


class Blocker(_Entry):
    name: str
    scope: Literal["before", "sentence"]
    window: int = Field(6, ge=1, description="Words before the cue searched, for scope 'before'.")
    types: tuple[EventType, ...]
    patterns: tuple[str, ...] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _all_compile(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_compiles(p) for p in patterns)


class Lexicon(_Entry):
    words: dict[str, tuple[str, ...]]
    type_words: dict[EventType, tuple[str, ...]]
    cues: tuple[Cue, ...] = Field(min_length=1)
    prepositions: dict[EventType, dict[str, Role]]
    blockers: tuple[Blocker, ...]
    titles: dict[VisitLevel, tuple[str, ...]]
    context_openers: tuple[str, ...]
    agreement_kinds: dict[AgreementKind, tuple[str, ...]]
    domains: dict[Domain, tuple[str, ...]]
    measures: dict[Measure, tuple[str, ...]]
    item_categories: dict[ItemCategory, tuple[str, ...]]
    currencies: dict[str, tuple[str, ...]]
    scales: dict[str, int]

    @model_validator(mode="after")
    def _word_lists_exist(self) -> Lexicon:
        for cue in self.cues:
            named = set(cue.requires) | set(cue.excludes) | set(_WORD_LIST.findall(cue.pattern))
            if missing := named - set(self.words):
                raise ValueError(f"cue {cue.pattern!r} names word lists that are not in words: {sorted(missing)}")
        for patterns in self.type_words.values():
            if missing := {name for pattern in patterns for name in _WORD_LIST.findall(pattern)} - set(self.words):
                raise ValueError(f"type_words name word lists that are not in words: {sorted(missing)}")
        if missing := set(EVENT_TYPES) - set(self.type_words):
            raise ValueError(f"type_words has no words for {sorted(missing)}")
        for code in self.currencies:
            if not re.fullmatch(r"[A-Z]{3}", code):
                raise ValueError(f"{code!r} is not an ISO 4217 code")
        return self

    def expand(self, pattern: str) -> str:
        """``pattern`` with each ``{name}`` replaced by the alternation of that word list."""
        return _WORD_LIST.sub(lambda m: alternation(self.words[m[1]]), pattern)


def alternation(patterns: tuple[str, ...] | list[str]) -> str:
    return "(?:" + "|".join(patterns) + ")"


@functools.cache
def load_lexicon() -> Lexicon:
    """The lexicon shipped in the package, validated."""
    text = resources.files("bilat.drafting").joinpath("lexicon.yaml").read_text(encoding="utf-8")
    return Lexicon.model_validate(yaml.safe_load(text))
