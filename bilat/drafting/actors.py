"""Who a text names: states and registered actors by name, demonym, capital or alias, the places
that say where (a province or city of a state), and people by the state their title ties them to.

The registry (``seeds/actors.yaml``, with its ``aliases``) comes first. States not in it are
known from two country libraries, read once: countryinfo (names, other spellings, demonyms,
capitals, provinces) and countrycode (ISO 3166 alpha-3, Correlates of War and Gleditsch-Ward
codes). Nothing is looked up over the network.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections import ChainMap, Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from bilat.drafting.lexicon import Lexicon, alternation
from bilat.models import Actor, ActorKind

HOW = ("name", "demonym", "capital", "alias", "place", "person")
"""How a mention names its actor; a place says where, and is not an actor by itself."""

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class KnownActor:
    code: str
    name: str
    kind: ActorKind
    registered: bool
    ccode: int | None = None
    gwcode: int | None = None


@dataclass(frozen=True)
class Surface:
    code: str
    how: str


@dataclass(frozen=True)
class ActorIndex:
    actors: Mapping[str, KnownActor]
    surfaces: Mapping[str, Surface]
    """By key (see ``surface_key``): case kept, dots and apostrophes dropped, spaces single."""
    longest: Mapping[str, int]
    """By a surface's first word: the most words a surface starting with it has."""


@dataclass(frozen=True)
class Mention:
    code: str
    how: str
    start: int
    end: int
    surface: str

    def describe(self) -> str:
        return f"{self.surface!r} ({self.how})"


def surface_key(text: str) -> str:
    return " ".join(text.replace(".", "").replace("’", "'").replace("'s ", " ").replace("'", "").split())


@dataclass(frozen=True)
class _LibraryCountry:
    code: str
    name: str
    ccode: int | None
    gwcode: int | None
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    places: tuple[str, ...]


@functools.cache
def _library() -> tuple[_LibraryCountry, ...]:
    """Every state the country libraries know, with a COW or GW code (so no dependent territory)."""
    from countrycode import countrycode
    from countryinfo import all_countries

    entries: dict[str, list] = {}
    for info in all_countries():
        if info.iso(3):
            entries.setdefault(info.iso(3), []).append(info)
    codes = sorted(entries)
    cow = dict(zip(codes, countrycode(codes, origin="iso3c", destination="cown"), strict=True))
    gw = dict(zip(codes, countrycode(codes, origin="iso3c", destination="gwn"), strict=True))
    short = dict(zip(codes, countrycode(codes, origin="iso3c", destination="country.name.en"), strict=True))
    # Some codes have several entries (the United Kingdom and its nations): the state's is the one
    # countrycode names, else the one with a capital.
    infos = {
        code: next((i for i in found if i.name() == short[code]), next((i for i in found if i.capital()), found[0]))
        for code, found in entries.items()
    }
    countries = []
    for code in codes:
        if cow[code] is None and gw[code] is None:
            continue
        info = infos[code]
        names = {info.name(), short[code] or info.name()}
        names |= {s for s in info.alt_spellings() or () if len(s) > 3 and re.fullmatch(r"[A-Za-z' .-]+", s)}
        names |= {n.removeprefix("The ") for n in names}
        demonym = info.demonym() if isinstance(info.demonym(), str) else ""
        demonyms = (demonym, demonym + "s") if demonym else ()
        capital = info.capital() or ()
        capital_names = [capital] if isinstance(capital, str) else [c for c in capital if isinstance(c, str)]
        capitals = tuple(form for name in capital_names for form in (name, name.upper()))
        provinces = info.provinces() or ()
        countries.append(
            _LibraryCountry(
                code,
                short[code] or info.name(),
                int(cow[code]) if cow[code] is not None else None,
                int(gw[code]) if gw[code] is not None else None,
                tuple(sorted(names)),
                demonyms,
                capitals,
                tuple(p for p in provinces if isinstance(p, str)),
            )
        )
    return tuple(countries)


@functools.cache
def _library_index() -> tuple[Mapping[str, KnownActor], Mapping[str, Surface]]:
    """The libraries' states and surfaces; a surface two states share names neither."""
    actors = {c.code: KnownActor(c.code, c.name, ActorKind.state, False, c.ccode, c.gwcode) for c in _library()}
    claims: dict[str, set[Surface]] = {}
    for country in _library():
        for how, texts in (("name", country.names), ("demonym", country.demonyms), ("capital", country.capitals)):
            for text in texts:
                claims.setdefault(surface_key(text), set()).add(Surface(country.code, how))
    surfaces = {key: next(iter(found)) for key, found in claims.items() if len({s.code for s in found}) == 1}
    places: dict[str, set[str]] = {}
    for country in _library():
        for place in country.places:
            places.setdefault(surface_key(place), set()).add(country.code)
    for key, codes in places.items():
        if len(codes) == 1 and key not in claims and key[:1].isupper():
            surfaces[key] = Surface(next(iter(codes)), "place")
    return MappingProxyType(actors), MappingProxyType(surfaces)


def build_index(registry: Sequence[Actor]) -> ActorIndex:
    """The libraries' states overlaid with the registry: its codes, names and aliases win."""
    library_actors, library_surfaces = _library_index()
    capitals = _library_capitals()
    actors: dict[str, KnownActor] = {}
    surfaces: dict[str, Surface] = {}
    for actor in registry:
        known = library_actors.get(actor.code)
        actors[actor.code] = KnownActor(actor.code, actor.name, actor.kind, True, actor.ccode, known.gwcode if known else None)
        surfaces[surface_key(actor.name)] = Surface(actor.code, "name")
        for alias in actor.aliases:
            how = "capital" if capitals.get(alias) == actor.code else _alias_kind(alias, actor)
            surfaces[surface_key(alias)] = Surface(actor.code, how)
    longest = dict(_library_longest())
    for key, words in _longest(surfaces).items():
        longest[key] = max(words, longest.get(key, 0))
    return ActorIndex(ChainMap(actors, library_actors), ChainMap(surfaces, library_surfaces), longest)


@functools.cache
def _library_longest() -> Mapping[str, int]:
    return MappingProxyType(_longest(_library_index()[1]))


def _longest(surfaces: Mapping[str, Surface]) -> dict[str, int]:
    longest: dict[str, int] = {}
    for key in surfaces:
        words = _WORD.findall(key)
        if words:
            longest[words[0]] = max(len(words), longest.get(words[0], 0))
    return longest


@functools.cache
def _library_capitals() -> Mapping[str, str]:
    return MappingProxyType({capital: country.code for country in _library() for capital in country.capitals})


def _alias_kind(alias: str, actor: Actor) -> str:
    if actor.kind == ActorKind.state and re.fullmatch(r"[A-Z][a-z]+(?:an|ans|ian|ians|i|is|ish|ese|ic)", alias):
        return "demonym"
    return "alias"


def find_mentions(text: str, start: int, end: int, index: ActorIndex, people: Mapping[str, str]) -> list[Mention]:
    """Every actor, place and known person named in ``text[start:end]``, longest name first, in order."""
    words = [m for m in _WORD.finditer(text, start, end)]
    mentions: list[Mention] = []
    i = 0
    while i < len(words):
        first = words[i]
        if not first.group()[0].isupper():
            i += 1
            continue
        found = None
        # Initials ("U.S.", "U.N.") are keyed without their dots, so any first letter may start one.
        reach = max(index.longest.get(first.group(), 0), 4 if len(first.group()) == 1 else 0, first.group() in people)
        for j in range(min(len(words), i + reach) - 1, i - 1, -1):
            span = text[first.start() : words[j].end()]
            if j > i and not _joinable(text[words[j - 1].end() : words[j].start()]):
                continue
            surface = index.surfaces.get(surface_key(span))
            if surface is not None:
                found = Mention(surface.code, surface.how, first.start(), words[j].end(), span)
                break
            if j == i and first.group() in people:
                found = Mention(people[first.group()], "person", first.start(), first.end(), first.group())
        if found is None:
            i += 1
            continue
        mentions.append(found)
        i = next((k for k in range(i, len(words)) if words[k].start() >= found.end), len(words))
    return mentions


def _joinable(gap: str) -> bool:
    """Whether two words separated by ``gap`` can be one name ("U.S.", "People's", "Kurdistan Workers' Party", "Bosnia and Herzegovina")."""
    return gap in (" ", ".", ". ", "'", "’", "' ", "’ ", "-", " - ") or gap.isspace() and "\n" not in gap


def learn_people(
    text: str, spans: Iterable[tuple[int, int]], index: ActorIndex, title_patterns: tuple[re.Pattern[str], re.Pattern[str]]
) -> dict[str, str]:
    """Names of people the document ties to a state by a title: "Russian Defense Minister Sergei
    Shoigu", "Turkey's President Tayyip Erdogan", "his Iranian counterpart, Defense Minister Hossein
    Dehghan". Each part of the name (the surname too) is then read as that state."""
    after, titles = title_patterns
    people: dict[str, set[str]] = {}
    for start, end in spans:
        for mention in find_mentions(text, start, end, index, {}):
            if mention.how not in ("name", "demonym", "alias") or index.actors[mention.code].kind != ActorKind.state:
                continue
            match = after.match(text, mention.end, end)
            if not match:
                continue
            for part in match["name"].split():
                if (
                    part[0].isupper()
                    and len(part) > 2
                    and not titles.match(part)
                    and surface_key(part) not in index.surfaces
                    and part not in _CALENDAR_WORDS
                ):
                    people.setdefault(part.rstrip("'’s"), set()).add(mention.code)
    return {name: codes.pop() for name, codes in people.items() if len(codes) == 1}


_CALENDAR_WORDS = frozenset(calendar.day_name) | frozenset(calendar.month_name[1:]) | {"Reuters", "AFP", "AP", "Kyodo", "Yonhap"}


def title_patterns(lexicon: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What follows a state's name or demonym when a titled person is named, and a title alone."""
    title = alternation([p for patterns in lexicon.titles.values() for p in patterns])
    name_part = r"(?:[A-Z][\w'’-]+|bin|al-\w+|da|de|ibn)"
    after = re.compile(
        rf"(?:['’]s)?\s+(?i:counterpart,?\s+)?(?:(?i:{title})\b[\s,]*){{1,3}}(?:Senator\s+|Gen\.?\s+|General\s+|Sheikh\s+)?"
        rf"(?P<name>{name_part}(?:\s+{name_part}){{0,4}})"
    )
    return after, re.compile(rf"^(?:{title})$", re.IGNORECASE)


def context_pair(mentions: Iterable[Mention], index: ActorIndex) -> tuple[tuple[str, int], ...]:
    """The actors the document is most about, with how often each is named (places do not count)."""
    counts = Counter(m.code for m in mentions if m.how != "place" and index.actors[m.code].kind != ActorKind.igo)
    return tuple((code, n) for code, n in counts.most_common(2) if n >= 2)
