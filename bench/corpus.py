"""A synthetic seeds tree that looks like years of hand coding: N events over about N/10 documents.

Everything comes from ``random.Random(seed)`` and, for the reports, a second ``Random`` seeded
from the same number, so a seed number always gives the same bytes.
The tree passes ``bilat check`` as written: the IDs are minted with ``bilat.ids``, the YAML is
bilat's canonical form of validated ``bilat.models`` records, and every document's sha256 matches.

What it holds, and why it is realistic:

- Actors come from the real registry (``seeds/actors.yaml`` is copied), weighted so a few
  (the United States, Russia, Iran, Turkey, China) dominate; each document has a focal dyad.
- All four event types and every status of each occur (the first events cycle through them all).
- Dates mix day ("14 March 2013", "March 14, 2013", "Sept. 3, 2014", "2013-03-14"), month, year,
  month-and-day without a year ("March 14", "10-12 June", only in documents with a day-precise
  publication date, so the year can be inferred), day, month and year ranges ("1980-88",
  "from 2003 to 2007", "June to August 2010"), decades, and coder bounds (``date_bounds`` and
  ``date_reason``: "../<publication>" for past events, "<publication>/.." for planned ones).
  Most events are recent news, so years and months recur across documents; full dates are
  mostly unique, as in real text.
- Publication dates are day-precise and printed in a dateline, a printed month, an inferred
  interval, or an open-ended inferred year.
- Each document text is made of sentences that carry the quotes, plus background and filler
  sentences (some background dates are dismissed). Every quote occurs exactly once in its
  document; half of the documents use typographic quotes, apostrophes and dashes, which the
  coder's plain quotes match through bilat's folding. Some events cite two quotes, and a visit
  and the agreement signed during it sometimes share one.
- About one event in ten ``follows`` an earlier event of the same type and dyad (a delivery
  follows a sale agreed, a lifting follows a sanction imposed), never one that starts later.
- About one document in five (a little less: the first have little to report) also *reports*
  one to three events coded in earlier documents (``reports:``; 1, 2 or 3 at 60:30:10), three
  in four of them of its focal dyad and mostly recent ones, never one coded in a document
  published after it, nor a past event dated after it or a planned one already over. Each has
  a sentence of its own in the text that names both actors (display names, demonyms, capitals)
  and says what happened in words of the event's type. About half write the coding document's
  date this document's way, a quarter give a day, month or year inside what the event's sources
  agree on so far (so the event's published date narrows), a quarter give no date. These are
  drawn from the second Random, after the document's own draws, so a seed's events,
  publication dates and dismissals are those it gave before reports, and so is every text but
  the reporting documents', which gain the report sentences (and a new sha256).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

import yaml

from bilat.edtf import calendar_bounds, parse_edtf
from bilat.ids import mint_id
from bilat.models import EVENT_TYPES, ActorRegistry, EventsFile, Phase, RetiredIds, statuses
from bilat.yamlio import canonical_yaml

REAL_SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EVENTS_PER_DOCUMENT = 10

OBSERVED_WEIGHTS = {
    "visit": {"occurred": 70, "planned": 20, "cancelled": 10},
    "agreement": {"proposed": 15, "signed": 60, "in_force": 15, "terminated": 10},
    "sanction": {"threatened": 25, "imposed": 55, "lifted": 20},
    "sale": {"agreed": 55, "delivered": 35, "cancelled": 10},
}
"""How often each status is drawn; a type or status the models add later is drawn by its phase's weight."""
PHASE_WEIGHTS = {Phase.realized: 50, Phase.intended: 20, Phase.reversed: 10}


def _status_weights(event_type: str) -> dict[str, int]:
    """The observed weights first (so that the corpus of a seed stays the same), then the rest by phase."""
    defined = {status.value: status for status in statuses(event_type)}
    observed = OBSERVED_WEIGHTS.get(event_type, {})
    if unknown := set(observed) - set(defined):
        raise ValueError(f"bench weights name statuses the {event_type} model does not have: {sorted(unknown)}")
    return observed | {value: PHASE_WEIGHTS[status.phase] for value, status in defined.items() if value not in observed}


STATUSES = {event_type: _status_weights(event_type) for event_type in EVENT_TYPES}
TYPE_WEIGHTS = {event_type: {"visit": 35, "agreement": 25, "sanction": 15}.get(event_type, 25) for event_type in EVENT_TYPES}
PREDECESSORS = {
    ("visit", "occurred"): ("planned",),
    ("visit", "cancelled"): ("planned",),
    ("agreement", "signed"): ("proposed",),
    ("agreement", "in_force"): ("signed",),
    ("agreement", "terminated"): ("in_force", "signed"),
    ("sanction", "imposed"): ("threatened",),
    ("sanction", "lifted"): ("imposed",),
    ("sale", "delivered"): ("agreed",),
    ("sale", "cancelled"): ("agreed",),
}

ACTOR_WEIGHTS = {"USA": 10, "RUS": 9, "IRN": 9, "TUR": 8, "CHN": 6, "ISR": 5, "SAU": 5, "IND": 4, "PAK": 4, "UNSC": 6, "SDF": 2}
DISPLAY = {
    "USA": "the United States",
    "ARE": "the United Arab Emirates",
    "UNSC": "the UN Security Council",
    "PKK": "the PKK",
    "SDF": "the SDF",
}
ADJECTIVE = {
    "USA": "American",
    "RUS": "Russian",
    "AZE": "Azerbaijani",
    "IRN": "Iranian",
    "TUR": "Turkish",
    "IRQ": "Iraqi",
    "SYR": "Syrian",
    "ISR": "Israeli",
    "SAU": "Saudi",
    "QAT": "Qatari",
    "ARE": "Emirati",
    "CHN": "Chinese",
    "IND": "Indian",
    "PAK": "Pakistani",
}
CAPITAL = {
    "USA": "Washington",
    "RUS": "Moscow",
    "AZE": "Baku",
    "IRN": "Tehran",
    "TUR": "Ankara",
    "IRQ": "Baghdad",
    "SYR": "Damascus",
    "ISR": "Jerusalem",
    "SAU": "Riyadh",
    "QAT": "Doha",
    "ARE": "Abu Dhabi",
    "CHN": "Beijing",
    "IND": "New Delhi",
    "PAK": "Islamabad",
}


def _words(text: str) -> list[str]:
    return text.split()


MONTHS = list(calendar.month_name)
AP_MONTHS = ["", "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]

FIRST_NAMES = _words(
    "Ali Sergei Mehmet Hakan John Mohammad Hossein Li Rajnath Imran Faisal Tamim Ilham Benjamin Yoav Khalid Abdullah Ahmed "
    "Dmitry Nikolai Lloyd Mark Hulusi Yasar Ibrahim Fuad Zakir Nuri Hamid Mustafa Qamar Asim Arif Anthony Viktor Andrei Wei "
    "Jun Rahul Vikram Sunil Tariq Yusuf Omar Salman Nasser Majid Reza Ehud Avi Lior David James Robert Michael Charles Kamal "
    "Farid Selim"
)
LAST_NAMES = _words(
    "Ivanov Petrov Volkov Smirnov Kuznetsov Yilmaz Demir Kaya Sahin Celik Ahmadi Hosseini Karimi Rahimi Moradi Rezaei Al-Saud "
    "Al-Thani Al-Nahyan Aliyev Mammadov Hasanov Khan Sharif Qureshi Malik Chaudhry Singh Sharma Patel Reddy Gupta Zhang Wang "
    "Liu Chen Zhao Cohen Levi Mizrahi Peretz Friedman Smith Johnson Miller Davis Brown Wilson Al-Jubouri Al-Maliki Makhlouf "
    "Haddad Mansour Darwish Saleh Othman Bagheri Soleimani Erdem Aksoy Orlov Morozov Bhatt Iyer Rashid Bajwa Gao Sun Katz "
    "Shapiro Hughes"
)
VISIT_TITLES = {
    "head_of_state": ["President"],
    "head_of_government": ["Prime Minister"],
    "minister": ["Defense Minister", "Foreign Minister", "Interior Minister"],
    "military_chief": ["Chief of General Staff", "army chief", "navy commander", "air force commander"],
    "official": ["Deputy Defense Minister", "national security adviser", "special envoy", "Deputy Foreign Minister"],
}
TOPICS = [
    "defense cooperation",
    "border security",
    "counter-terrorism cooperation",
    "joint military exercises",
    "arms purchases",
    "the war in Syria",
    "maritime security in the Gulf",
    "air defense",
    "energy security",
    "intelligence sharing",
    "regional security",
    "the nuclear program",
    "military training",
    "drone production",
    "naval cooperation",
    "the fight against the PKK",
]
DOMAIN_TEXT = {
    "military": "military cooperation",
    "defense_industry": "defense industry cooperation",
    "counter_terrorism": "counter-terrorism",
    "training": "military training",
    "naval": "naval cooperation",
    "intelligence": "intelligence sharing",
    "nuclear": "nuclear cooperation",
    "border_security": "border security",
    "economic": "economic cooperation",
}
KIND_TEXT = {
    "treaty": "treaty",
    "agreement": "agreement",
    "mou": "memorandum of understanding",
    "protocol": "protocol",
    "contract": "contract",
}
MEASURE_TEXT = {
    "arms_embargo": "an arms embargo",
    "trade": "trade restrictions",
    "financial": "financial sanctions",
    "travel": "travel bans",
    "asset_freeze": "asset freezes",
    "nuclear": "nuclear-related sanctions",
    "diplomatic": "diplomatic sanctions",
}
ISSUES = [
    "its nuclear program",
    "its ballistic missile tests",
    "human rights abuses",
    "its support for armed groups",
    "cross-border attacks",
    "the seizure of a tanker",
    "its military operations in Syria",
    "drone transfers",
    "cyber attacks",
    "the detention of diplomats",
]
REASONS = [
    "security concerns",
    "a diplomatic dispute",
    "scheduling problems",
    "the outbreak of protests",
    "outside pressure",
    "budget cuts",
]
ITEMS = [
    ("S-300PMU-1 air defence systems", "air_defence_systems", "systems"),
    ("S-400 Triumf air defence systems", "air_defence_systems", "systems"),
    ("Patriot PAC-3 batteries", "air_defence_systems", "batteries"),
    ("HQ-9 surface-to-air missile systems", "air_defence_systems", "systems"),
    ("Su-35 fighter jets", "aircraft", "aircraft"),
    ("F-16 Block 70 fighters", "aircraft", "aircraft"),
    ("JF-17 Thunder fighters", "aircraft", "aircraft"),
    ("Bayraktar TB2 drones", "aircraft", "drones"),
    ("Mi-17 transport helicopters", "aircraft", "helicopters"),
    ("T-90S main battle tanks", "armoured_vehicles", "tanks"),
    ("M1A2 Abrams tanks", "armoured_vehicles", "tanks"),
    ("BTR-82A armoured personnel carriers", "armoured_vehicles", "vehicles"),
    ("Cobra II armoured vehicles", "armoured_vehicles", "vehicles"),
    ("T-155 Firtina howitzers", "artillery", "howitzers"),
    ("M777 howitzers", "artillery", "howitzers"),
    ("BM-30 Smerch rocket launchers", "artillery", "launchers"),
    ("AL-31F turbofan engines", "engines", "engines"),
    ("Kornet anti-tank missiles", "missiles", "missiles"),
    ("AGM-114 Hellfire missiles", "missiles", "missiles"),
    ("Harpoon anti-ship missiles", "missiles", "missiles"),
    ("Type 054A frigates", "ships", "frigates"),
    ("MILGEM corvettes", "ships", "corvettes"),
    ("Kilo-class submarines", "ships", "submarines"),
    ("Mk 54 torpedoes", "naval_weapons", "torpedoes"),
    ("Gokturk reconnaissance satellites", "satellites", "satellites"),
    ("AN/TPQ-53 counter-battery radars", "sensors", "radars"),
    ("Krasukha radar-jamming stations", "other", "stations"),
    ("small arms and ammunition", "other", None),
    ("defensive weapons", None, None),
]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
OUTLETS = [
    ("Daily Sabah", "dailysabah.com"),
    ("Tehran Times", "tehrantimes.com"),
    ("TASS", "tass.com"),
    ("Reuters", "reuters.com"),
    ("Al Jazeera", "aljazeera.com"),
    ("Dawn", "dawn.com"),
    ("The Hindu", "thehindu.com"),
    ("Xinhua", "xinhuanet.com"),
    ("Defense News", "defensenews.com"),
    ("Jane's Defence Weekly", "janes.com"),
    ("Arab News", "arabnews.com"),
    ("Gulf News", "gulfnews.com"),
    ("The Times of Israel", "timesofisrael.com"),
    ("Anadolu Agency", "aa.com.tr"),
    ("Hurriyet Daily News", "hurriyetdailynews.com"),
    ("Asharq Al-Awsat", "aawsat.com"),
    ("Iran Daily", "irandaily.ir"),
    ("The Duran", "theduran.com"),
    ("Breaking Defense", "breakingdefense.com"),
    ("Al-Monitor", "al-monitor.com"),
    ("Middle East Eye", "middleeasteye.net"),
    ("The National", "thenationalnews.com"),
    ("Trend News Agency", "trend.az"),
    ("Rudaw", "rudaw.net"),
    ("South China Morning Post", "scmp.com"),
    ("The Diplomat", "thediplomat.com"),
]
FILLER = [
    "Relations between {A} and {B} have been shaped by regional rivalries and shared security concerns.",
    "Analysts say both governments now see {topic} as a priority.",
    "The {A_adj} foreign ministry did not respond to a request for comment.",
    "Officials in {capA} have described the relationship as strategic.",
    "The move is likely to draw criticism from {C}.",
    "{A} has steadily expanded its defense ties across the region.",
    "Neither side disclosed further details.",
    "Critics argue that closer ties carry risks for both countries.",
    "Regional diplomats said the talks reflected a broader shift in alliances.",
    "Trade between the two countries has grown, officials say.",
    "The {B_adj} defense ministry said in a statement that cooperation would continue.",
    "Observers in {capB} were cautious about the prospects for a lasting partnership.",
    "The development comes amid heightened tension in the region.",
    "Security experts note that {topic} has become a central issue for both governments.",
    "{C} is watching the growing partnership closely, according to diplomats.",
    "Some lawmakers in {capA} have questioned the cost of the commitments.",
    "State media in {capB} gave the news prominent coverage.",
    "It is not clear how the arrangement will affect {C}.",
    "Defense analysts cautioned that announcements of this kind are not always carried through.",
    "The two militaries have little history of working together.",
    "Both sides have an interest in keeping the details out of public view.",
    "The {A_adj} side has long sought a larger role in the region.",
    "Diplomats described the atmosphere of the talks as businesslike.",
    "The opposition in {capB} criticized the government's approach.",
]
SUBJECTS = [
    "Analysts in {capA}",
    "Officials in {capB}",
    "A senior diplomat",
    "The {A_adj} defense ministry",
    "Military planners in {capA}",
    "Western governments",
    "Regional observers",
    "Several lawmakers",
    "Retired generals",
    "Industry executives",
    "Think-tank researchers",
    "Opposition politicians in {capB}",
    "Diplomats in {capA}",
    "Commentators in the {B_adj} press",
    "Security officials",
]
VERBS = [
    "have long argued that",
    "said on condition of anonymity that",
    "believe that",
    "warned that",
    "expect that",
    "doubt that",
    "pointed out that",
    "have suggested that",
    "told reporters that",
    "acknowledged that",
    "fear that",
    "insist that",
]
CLAUSES = [
    "{topic} will shape the relationship for years",
    "the balance of power in the region is shifting",
    "both sides are hedging their bets",
    "the partnership has limits",
    "{C} will respond to any deepening of ties",
    "economic pressures are driving the rapprochement",
    "the agreements so far are more symbolic than practical",
    "{A} needs partners to offset its isolation",
    "{topic} remains the main point of friction",
    "public statements hide deeper disagreements",
    "the defense industries of both countries stand to gain",
    "the region has rarely seen such close coordination",
    "the talks have so far produced little of substance",
    "domestic politics in {capB} could derail the process",
    "the relationship is stronger than it appears",
    "sanctions have pushed both governments closer together",
]
BACKGROUND = [  # (sentence, dismissed text): dates that code no event
    ("Ties between {A} and {B} have been strained since the {y} crisis.", "since the {y} crisis"),
    (
        "The two sides last held formal talks on {topic} in {y}, long before the current government took office.",
        "last held formal talks on {topic} in {y}",
    ),
    ("{A} has invested heavily in its armed forces since {y}.", "has invested heavily in its armed forces since {y}"),
    ("Public opinion in {capB} has shifted since the elections of {y}.", "since the elections of {y}"),
]


@dataclass
class _Actor:
    code: str
    name: str
    kind: str

    @property
    def display(self) -> str:
        return DISPLAY.get(self.code, self.name)

    @property
    def adjective(self) -> str:
        return ADJECTIVE.get(self.code, self.name)

    @property
    def capital(self) -> str:
        return CAPITAL.get(self.code, self.name)


@dataclass
class _Document:
    published: str
    start: dt.date
    end: dt.date | None
    day_precise: bool
    style: str
    typographic: bool
    actors: tuple[_Actor, _Actor]


@dataclass
class _When:
    phrase: str
    date_text: str | None
    start: dt.date | None
    end: dt.date | None
    date_bounds: str | None = None
    date_reason: str | None = None


@dataclass
class _Coded:
    """An event being written: its YAML record, the sentences it quotes, and its true bounds."""

    record: dict[str, Any]
    sentences: list[str]
    start: dt.date | None
    end: dt.date | None
    quotes: list[str] = field(default_factory=list)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day_text(day: dt.date, style: str, year: bool = True) -> str:
    if style == "iso" and year:
        return day.isoformat()
    if style == "dmy":
        return f"{day.day} {MONTHS[day.month]} {day.year}" if year else f"{day.day} {MONTHS[day.month]}"
    month = AP_MONTHS[day.month] if style == "ap" else MONTHS[day.month]
    return f"{month} {day.day}, {day.year}" if year else f"{month} {day.day}"


def _dateline(day: dt.date, style: str) -> str:
    if style == "dmy":
        return f"{day.day:02d} {MONTHS[day.month]} {day.year}"
    return _day_text(day, "mdy" if style == "iso" else style)


class _Generator:
    def __init__(self, rng: Random, actors: list[_Actor]):
        self.rng = rng
        self.states = [a for a in actors if a.kind == "state"]
        self.senders = self.states + [a for a in actors if a.kind == "igo"]
        self.targets = self.states + [a for a in actors if a.kind == "non_state"]
        self.taken: set[str] = set()
        self.log: list[tuple[str, Any]] = []
        self.history: dict[tuple[str, str, str], list[tuple[str, str, dt.date | None, dt.date | None]]] = {}
        self.forced = [(t, s) for t in STATUSES for s in STATUSES[t]]
        self.reported_start: dict[str, dt.date] = {}
        """The start of an event's dates as its reports have narrowed it, by ID: what a later step must not end before."""

    def checkpoint(self) -> tuple[int, int]:
        return len(self.log), len(self.forced)

    def rollback(self, mark: tuple[int, int]) -> None:
        """Forget the events of a document that is drawn again."""
        logged, forced = mark
        while len(self.log) > logged:
            what, value = self.log.pop()
            if what == "id":
                self.taken.discard(value)
            else:
                self.history[value].pop()
        self.forced = [(t, s) for t in STATUSES for s in STATUSES[t]][-forced:] if forced else []

    # --- choices ---------------------------------------------------------------------------

    def _weighted(self, actors: list[_Actor], exclude: _Actor | None = None) -> _Actor:
        pool = [a for a in actors if a is not exclude]
        return self.rng.choices(pool, [ACTOR_WEIGHTS.get(a.code, 1) for a in pool])[0]

    def _pair(self, doc: _Document, first: list[_Actor], second: list[_Actor]) -> tuple[_Actor, _Actor]:
        a, b = doc.actors
        if self.rng.random() < 0.6:
            if self.rng.random() < 0.5:
                a, b = b, a
            if a in first and b in second:
                return a, b
        a = self._weighted(first)
        return a, self._weighted(second, exclude=a)

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _type_status(self) -> tuple[str, str]:
        if self.forced:
            return self.forced.pop(0)
        kind = self.rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()))[0]
        statuses = STATUSES[kind]
        return kind, self.rng.choices(list(statuses), list(statuses.values()))[0]

    # --- documents -------------------------------------------------------------------------

    def document(self) -> _Document:
        rng = self.rng
        day = dt.date(1995, 1, 1) + dt.timedelta(days=int(rng.triangular(0, 11323, 11323)))  # to 2025-12-31, mostly recent
        style = rng.choices(["dmy", "mdy", "ap", "iso"], [45, 40, 10, 5])[0]
        form = rng.choices(["day", "month", "interval", "open"], [70, 12, 12, 6])[0]
        a = self._weighted(self.states)
        focal = (a, self._weighted(self.states, exclude=a))
        typographic = rng.random() < 0.5
        if form == "day":
            return _Document(day.isoformat(), day, day, True, style, typographic, focal)
        if form == "month":
            start, end = calendar_bounds(day.year, day.month)
            return _Document(f"{day.year}-{day.month:02d}", start, end, False, style, typographic, focal)
        if form == "interval":
            end = day + dt.timedelta(days=rng.randint(20, 120))
            return _Document(f"{day.isoformat()}/{end.isoformat()}", day, end, False, style, typographic, focal)
        return _Document(f"{day.year}/..", dt.date(day.year, 1, 1), None, False, style, typographic, focal)

    def meta(self, doc: _Document, title: str, dateline: bool) -> dict[str, Any]:
        rng = self.rng
        publisher, domain = rng.choice(OUTLETS)
        meta: dict[str, Any] = {"title": title, "published": doc.published}
        if rng.random() < 0.9:
            meta["publisher"] = publisher
        if rng.random() < 0.7:
            meta["author"] = self._name()
        if doc.published.endswith("/.."):
            meta["published_basis"] = "inferred"
            meta["published_reason"] = (
                f"No date is printed. The text refers to events of {doc.start.year} in the past tense, "
                "so it was published then or later; nothing in it sets a later limit."
            )
        elif "/" in doc.published:
            meta["published_basis"] = "inferred"
            meta["published_reason"] = (
                f"No date is printed. It reports news of {doc.start.isoformat()} as the latest, "
                f"and does not know of developments reported on {doc.end.isoformat()}, so it was published in between."
            )
        else:
            meta["published_basis"] = "printed" if dateline else "inferred"
            if not dateline:
                meta["published_reason"] = "The date is given on the outlet's archive page."
        if rng.random() < 0.5:
            slug = "-".join(re.findall(r"[a-z0-9]+", title.lower())[:8])
            meta["url"] = f"https://www.{domain}/{doc.start.year}/{doc.start.month:02d}/{slug}-{rng.randint(1000, 99999)}"
        meta["language"] = "en"
        return meta

    # --- dates -----------------------------------------------------------------------------

    def when(self, doc: _Document, forward: bool) -> _When:
        rng = self.rng
        if forward:
            anchor = doc.end or doc.start
            day = anchor + dt.timedelta(days=rng.randint(0, 150))
            offset = (day - anchor).days
            weights = {
                "day": 40,
                "month": 20,
                "year": 3,
                "noyear_day": 15,
                "noyear_month": 4,
                "day_range": 5,
                "noyear_range": 5,
                "coder": 15,
            }
        else:
            anchor = doc.start
            band = rng.choices(["recent", "older", "background"], [55, 25, 20])[0]
            low, high = {"recent": (0, 45), "older": (46, 700), "background": (730, 25 * 365)}[band]
            day = max(anchor - dt.timedelta(days=rng.randint(low, high)), dt.date(1950, 1, 1))
            offset = (anchor - day).days
            weights = {
                "recent": {
                    "day": 45,
                    "noyear_day": 15,
                    "noyear_month": 3,
                    "month": 12,
                    "year": 3,
                    "day_range": 4,
                    "noyear_range": 3,
                    "coder": 15,
                },
                "older": {"day": 30, "month": 30, "year": 15, "noyear_day": 5, "month_range": 5, "coder": 15},
                "background": {"year": 40, "month": 15, "year_range": 20, "decade": 5, "day": 10, "month_range": 5, "coder": 5},
            }[band]
        if not doc.day_precise or offset > 300:
            weights = {k: v for k, v in weights.items() if not k.startswith("noyear")}
        kind = rng.choices(list(weights), list(weights.values()))[0]
        return getattr(self, f"_when_{kind}")(doc, day, anchor, forward)

    def _when_day(self, doc: _Document, day: dt.date, anchor: dt.date, forward: bool) -> _When:
        text = _day_text(day, doc.style)
        return _When(f"on {text}", text, day, day)

    def _when_month(self, doc: _Document, day: dt.date, anchor: dt.date, forward: bool) -> _When:
        month = AP_MONTHS[day.month] if doc.style == "ap" else MONTHS[day.month]
        text = f"{month} {day.year}"
        return _When(f"in {text}", text, *calendar_bounds(day.year, day.month))

    def _when_year(self, doc: _Document, day: dt.date, anchor: dt.date, forward: bool) -> _When:
        return _When(f"in {day.year}", str(day.year), *calendar_bounds(day.year))

    def _when_noyear_day(self, doc: _Document, day: dt.date, anchor: dt.date, forward: bool) -> _When:
        if (day.month, day.day) == (2, 29):
            day += dt.timedelta(days=1 if forward else -1)
        year = _inferred_year(day.month, day.day, anchor, forward)
        text = _day_text(day, "mdy" if doc.style == "iso" else doc.style, year=False)
        true = dt.date(year, day.month, day.day)
        return _When(f"on {text}", text, true, true)

    def _when_noyear_month(self, doc: _Document, day: dt.date, anchor: dt.date, forward: bool) -> _When:
        year = _inferred_year(day.month, None, anchor, forward)
        return _When(f"in {MONTHS[day.month]}", MONTHS[day.month], *calendar_bounds(year, day.month))

    def _day_span(self, day: dt.date, forward: bool) -> tuple[dt.date, dt.date] | None:
        span = dt.timedelta(days=self.rng.randint(1, 3))
        first, last = (day, day + span) if forward else (day - span, day)
        return (
            (first, last)
            if first.month == last.month and first.year == last.year and (2, 29) not in ((d.month, d.day) for d in (first, last))
            else None
        )

    def _when_day_range(self, doc: _Document, day: dt.date, anchor: dt.date, forward: bool) -> _When:
        span = self._day_span(day, forward)
        if span is None:
            return self._when_day(doc, day, anchor, forward)
        first, last = span
        text = f"{first.day}-{last.day} {MONTHS[first.month]} {first.year}"
        return _When(f"on {text}", text, first, last)

    def _when_noyear_range(self, doc: _Document, day: dt.date, anchor: dt.date, forward: bool) -> _When:
        span = self._day_span(day, forward)
        if span is None:
            return self._when_noyear_day(doc, day, anchor, forward)
        first, last = span
        # bilat anchors the inference on the end that must lie on the right side of publication.
        year = _inferred_year(last.month, last.day, anchor, True) if forward else _inferred_year(first.month, first.day, anchor, False)
        text = f"{first.day}-{last.day} {MONTHS[first.month]}" if doc.style == "dmy" else f"{MONTHS[first.month]} {first.day}-{last.day}"
        return _When(f"on {text}", text, dt.date(year, first.month, first.day), dt.date(year, last.month, last.day))

    def _when_month_range(self, doc: _Document, day: dt.date, anchor: dt.date, forward: bool) -> _When:
        if day.month < 3:
            return self._when_month(doc, day, anchor, forward)
        first = day.month - self.rng.randint(1, 2)
        text = f"{MONTHS[first]} to {MONTHS[day.month]} {day.year}"
        return _When(f"from {text}", text, calendar_bounds(day.year, first)[0], calendar_bounds(day.year, day.month)[1])

    def _when_year_range(self, doc: _Document, day: dt.date, anchor: dt.date, forward: bool) -> _When:
        last = day.year
        first = last - self.rng.randint(2, 8)
        form = self.rng.choices(["short", "to", "between"], [60, 25, 15])[0]
        if form == "short":
            text = f"{first}-{last % 100:02d}" if first // 100 == last // 100 else f"{first}-{last}"
            phrase = f"during {text}"
        elif form == "to":
            text = f"{first} to {last}"
            phrase = f"from {text}"
        else:
            text = f"{first} and {last}"
            phrase = f"between {text}"
        return _When(phrase, text, dt.date(first, 1, 1), dt.date(last, 12, 31))

    def _when_decade(self, doc: _Document, day: dt.date, anchor: dt.date, forward: bool) -> _When:
        decade = day.year // 10 * 10
        if decade + 9 >= anchor.year:
            return self._when_year(doc, day, anchor, forward)
        text = f"the {decade}s"
        return _When(f"in {text}", text, dt.date(decade, 1, 1), dt.date(decade + 9, 12, 31))

    def _when_coder(self, doc: _Document, day: dt.date, anchor: dt.date, forward: bool) -> _When:
        rng = self.rng
        left, _, right = doc.published.partition("/")
        right = right or left
        if forward:
            phrase = rng.choice(["soon", "in the coming months", "at a date yet to be announced"])
            if rng.random() < 0.7:
                bounds = f"{left}/.."
                reason = (
                    f"The text calls it upcoming and gives no date; it lies after publication ({doc.start.isoformat()} at the earliest)."
                )
            else:
                bounds = f"{left}/{doc.start.year + 1}"
                reason = "The text expects it within the year; taken as no later than the end of the following year."
        else:
            phrase = rng.choice(["recently", "earlier", "in recent months", "at an undisclosed date"])
            if right == "..":
                bounds = "../.."
                reason = "The text gives no date, and the publication date is open-ended, so neither bound is known."
            elif phrase == "in recent months" and rng.random() < 0.7:
                start = doc.start - dt.timedelta(days=180)
                bounds = f"{start.year}-{start.month:02d}/{right}"
                reason = "The text says in recent months; taken as within six months before publication."
            else:
                bounds = f"../{right}"
                reason = f"The text gives no date; it took place before the document was published ({right} at the latest)."
        parsed = parse_edtf(bounds)
        return _When(phrase, None, parsed.start, parsed.end, bounds, reason)

    # --- events ----------------------------------------------------------------------------

    def _follows(self, kind: str, status: str, pair: tuple[_Actor, _Actor], when: _When) -> str | None:
        before = PREDECESSORS.get((kind, status))
        if not before or self.rng.random() < 0.8:
            return None
        for event_id, earlier_status, start, _ in reversed(self.history.get((kind, *sorted(a.code for a in pair)), [])):
            if earlier_status not in before:
                continue
            start = self.reported_start.get(event_id, start)
            # Never one that starts after this event ends; when both starts are known, not a later start either.
            if start is None or (when.end is None or start <= when.end) and (when.start is None or start <= when.start):
                return event_id
        return None

    def _remember(self, coded: _Coded) -> None:
        record = coded.record
        key = (record["type"], *sorted((record["actor1"], record["actor2"])))
        self.history.setdefault(key, []).append((record["id"], record["status"], coded.start, coded.end))
        self.log.append(("history", key))

    def event(self, doc: _Document, budget: int) -> list[_Coded]:
        """One event, or a visit and the agreement signed during it (when budget allows)."""
        kind, status = self._type_status()
        when = self.when(doc, forward=status == "planned")
        if kind == "visit":
            a, b = self._pair(doc, self.states, self.states)
            if status == "occurred" and budget >= 2 and self.rng.random() < 0.08:
                return self._visit_and_agreement(a, b, when)
            return [self._visit(status, a, b, when)]
        if kind == "agreement":
            return [self._agreement(status, *self._pair(doc, self.states, self.states), when)]
        if kind == "sanction":
            return [self._sanction(status, *self._pair(doc, self.senders, self.targets), when)]
        return [self._sale(status, *self._pair(doc, self.states, self.targets), when)]

    def _base(self, kind: str, status: str, a: _Actor, b: _Actor, when: _When, summary: str) -> dict[str, Any]:
        record: dict[str, Any] = {"id": mint_id(self.taken, self.rng.getrandbits), "type": kind, "status": status}
        self.taken.add(record["id"])
        self.log.append(("id", record["id"]))
        record.update(actor1=a.code, actor2=b.code)
        if when.date_text is not None:
            record["date_text"] = when.date_text
        else:
            record.update(date_bounds=when.date_bounds, date_reason=when.date_reason)
        record["summary"] = summary
        if follows := self._follows(kind, status, (a, b), when):
            record["follows"] = follows
        return record

    def _finish(self, record: dict[str, Any], sentences: list[str], when: _When, detail: str | None) -> _Coded:
        if detail is not None and self.rng.random() < 0.25:
            sentences = sentences + [detail]
        if self.rng.random() < 0.08:
            record["coder_note"] = "Coded from the quoted passage alone; the details are not confirmed by a second source."
        coded = _Coded(record, sentences, when.start, when.end)
        self._remember(coded)
        return coded

    def _visitor(self) -> tuple[str, str, str]:
        level = self.rng.choices(list(VISIT_TITLES), [10, 8, 45, 20, 17])[0]
        return self._name(), self.rng.choice(VISIT_TITLES[level]), level

    def _visit(self, status: str, a: _Actor, b: _Actor, when: _When) -> _Coded:
        rng = self.rng
        name, title, level = self._visitor()
        values = dict(
            A=a.display,
            A_adj=a.adjective,
            B_adj=b.adjective,
            capA=a.capital,
            capB=b.capital,
            who=f"{title} {name}",
            name=name,
            title=title,
            when=when.phrase,
            When=_cap(when.phrase),
            topic=rng.choice(TOPICS),
            reason=rng.choice(REASONS),
        )
        templates = {
            "occurred": [
                "{A_adj} {who} arrived in {capB} {when} for talks with {B_adj} officials on {topic}.",
                "{When}, {A_adj} {who} visited {capB}, where {name} met {B_adj} counterparts to discuss {topic}.",
                "{name}, the {A_adj} {title}, held talks in {capB} {when} on {topic}.",
            ],
            "planned": [
                "{A_adj} {who} is expected to travel to {capB} {when} to discuss {topic}.",
                "{name}, the {A_adj} {title}, will visit {capB} {when}, officials in {capA} said.",
            ],
            "cancelled": [
                "{When}, {A_adj} {who} called off a planned trip to {capB}, citing {reason}.",
                "{A} cancelled the trip of its {title}, {name}, to {capB} {when} after {reason}.",
            ],
        }[status]
        verb = {"occurred": "visited", "planned": "was due to visit", "cancelled": "cancelled a visit to"}[status]
        record = self._base("visit", status, a, b, when, f"{a.adjective} {title} {name} {verb} {b.capital}.")
        if status != "cancelled":
            record["location"] = b.capital
        record.update(visitor=name, visitor_title=title, visit_level=level)
        detail = f"During the visit, {name} was also due to tour {rng.randint(2, 9)} military sites and meet {rng.randint(3, 40)} officers."
        return self._finish(record, [_fill(rng.choice(templates), values)], when, detail)

    def _agreement_terms(self) -> tuple[str, str, list[str]]:
        rng = self.rng
        kind = rng.choices(list(KIND_TEXT), [10, 35, 30, 10, 15])[0]
        domains = sorted(set(rng.choices(list(DOMAIN_TEXT), [30, 20, 10, 10, 8, 6, 3, 8, 5], k=rng.choice([1, 1, 2, 3]))))
        title = _title_case(f"{KIND_TEXT[kind]} on {DOMAIN_TEXT[domains[0]]}")
        if rng.random() < 0.4:
            title += f" No. {rng.randint(2, 120)}"
        return kind, title, domains

    def _agreement(self, status: str, a: _Actor, b: _Actor, when: _When) -> _Coded:
        rng = self.rng
        kind, title, domains = self._agreement_terms()
        topic = " and ".join(DOMAIN_TEXT[d] for d in domains)
        named = rng.random() < 0.5
        what = f'the "{title}"' if named else f"{_a(KIND_TEXT[kind])} on {topic}"
        values = dict(
            A=a.display,
            B=b.display,
            what=what,
            title=title,
            kind=KIND_TEXT[kind],
            topic=topic,
            when=when.phrase,
            When=_cap(when.phrase),
            place=rng.choice([a, b]).capital,
            source=rng.choice(["state media reported", "officials said"]),
        )
        templates = {
            "proposed": ["{A} proposed {what} to {B} {when}, {source}.", "{When}, {A} offered {B} {what}, {source}."],
            "signed": ["{A} and {B} signed {what} in {place} {when}.", "{When}, {A} and {B} signed {what}, {source}."],
            "in_force": ['The "{title}" between {A} and {B} entered into force {when}.', "{When}, {what} between {A} and {B} took effect."],
            "terminated": [
                '{When}, {A} withdrew from the "{title}" it had signed with {B}.',
                "{A} ended {what} with {B} {when}, {source}.",
            ],
        }[status]
        summary = {
            "proposed": f"{_cap(a.display)} proposed {_a(KIND_TEXT[kind])} on {topic} to {b.display}.",
            "signed": f"{_cap(a.display)} and {b.display} signed {_a(KIND_TEXT[kind])} on {topic}.",
            "in_force": f"{_cap(_a(KIND_TEXT[kind]))} on {topic} between {a.display} and {b.display} entered into force.",
            "terminated": f"{_cap(a.display)} ended its {KIND_TEXT[kind]} on {topic} with {b.display}.",
        }[status]
        record = self._base("agreement", status, a, b, when, summary)
        if status == "signed":
            record["location"] = values["place"]
        record.update(agreement_title=title, agreement_kind=kind, domains=domains)
        detail = f"The {KIND_TEXT[kind]} runs for {rng.randint(2, 25)} years and provides for {rng.randint(2, 60)} joint projects."
        return self._finish(record, [_fill(rng.choice(templates), values)], when, detail)

    def _visit_and_agreement(self, a: _Actor, b: _Actor, when: _When) -> list[_Coded]:
        """A visit and the agreement signed during it, both citing one sentence."""
        name, title, level = self._visitor()
        kind, agreement_title, domains = self._agreement_terms()
        topic = " and ".join(DOMAIN_TEXT[d] for d in domains)
        sentence = _cap(
            f"{when.phrase}, {a.adjective} {title} {name} visited {b.capital} and signed {_a(KIND_TEXT[kind])} on {topic} "
            f"with {b.adjective} officials."
        )
        visit = self._base("visit", "occurred", a, b, when, f"{a.adjective} {title} {name} visited {b.capital}.")
        visit.update(location=b.capital, visitor=name, visitor_title=title, visit_level=level)
        agreement = self._base(
            "agreement", "signed", a, b, when, f"{_cap(a.display)} and {b.display} signed {_a(KIND_TEXT[kind])} on {topic}."
        )
        agreement.update(location=b.capital, agreement_title=agreement_title, agreement_kind=kind, domains=domains)
        return [self._finish(visit, [sentence], when, None), self._finish(agreement, [sentence], when, None)]

    def _sanction(self, status: str, a: _Actor, b: _Actor, when: _When) -> _Coded:
        rng = self.rng
        measures = sorted(set(rng.choices(list(MEASURE_TEXT), [25, 20, 25, 10, 12, 5, 3], k=rng.choice([1, 1, 2]))))
        what = " and ".join(MEASURE_TEXT[m] for m in measures)
        if a.code == "UNSC":
            instrument = f"Resolution {rng.randint(1500, 2799)}"
        else:
            instrument = rng.choice(
                [f"Executive Order {rng.randint(13000, 14199)}", f"Decree No. {rng.randint(10, 999)}", "a presidential decree"]
            )
        values = dict(
            A=a.display,
            B=b.display,
            what=what,
            issue=rng.choice(ISSUES),
            instrument=instrument,
            when=when.phrase,
            When=_cap(when.phrase),
            reason=rng.choice(["citing progress in talks", "after a prisoner exchange", "as part of a deal"]),
        )
        templates = {
            "threatened": [
                "{When}, {A} threatened to impose {what} on {B} over {issue}.",
                "{A} warned {B} {when} that it faced {what} over {issue}.",
            ],
            "imposed": ["{A} imposed {what} on {B} {when} under {instrument}.", "{When}, {A} imposed {what} on {B} over {issue}."],
            "lifted": [
                "{A} lifted the {what} on {B} {when}, {reason}.",
                "{When}, {A} lifted the {what} it had imposed on {B} over {issue}.",
            ],
        }[status]
        summary = f"{_cap(a.display)} {status} {what} on {b.display}."
        record = self._base("sanction", status, a, b, when, summary)
        if status == "imposed":
            record["instrument"] = instrument
        record["measures"] = measures
        detail = f"The measures name {rng.randint(2, 90)} companies and {rng.randint(2, 40)} individuals."
        return self._finish(record, [_fill(rng.choice(templates), values)], when, detail)

    def _sale(self, status: str, a: _Actor, b: _Actor, when: _When) -> _Coded:
        rng = self.rng
        item, category, unit = rng.choice(ITEMS)
        quantity = rng.choice([None, rng.randint(1, 12), rng.randint(2, 250)]) if unit else None
        count = "" if quantity is None else (NUMBER_WORDS[quantity] if quantity <= 12 and rng.random() < 0.5 else str(quantity)) + " "
        value = currency = money = None
        if status == "agreed" and rng.random() < 0.6:
            millions = rng.choice([rng.randint(5, 95) * 10, rng.randint(11, 99) * 100])
            currency = rng.choices(["USD", "EUR"], [85, 15])[0]
            sign = "$" if currency == "USD" else "€"
            money = f"{sign}{millions} million" if millions < 1000 else f"{sign}{millions / 1000:g} billion"
            value = float(millions * 1_000_000)
        values = dict(
            A=a.display,
            B=b.display,
            count=count,
            item=item,
            when=when.phrase,
            When=_cap(when.phrase),
            price=f" for {money}" if money else "",
            reason=rng.choice(REASONS),
        )
        templates = {
            "agreed": [
                "{A} agreed {when} to sell {count}{item} to {B}{price}.",
                "{When}, {A} signed a deal to supply {B} with {count}{item}{price}.",
            ],
            "delivered": [
                "{A} delivered {count}{item} to {B} {when}.",
                "{When}, the first of {count}{item} ordered by {B} arrived from {A}.",
            ],
            "cancelled": [
                "{A} cancelled the delivery of {count}{item} to {B} {when}, citing {reason}.",
                "{When}, {A} halted the sale of {item} to {B}.",
            ],
        }[status]
        summary = {
            "agreed": f"{_cap(a.display)} agreed to sell {item} to {b.display}.",
            "delivered": f"{_cap(a.display)} delivered {item} to {b.display}.",
            "cancelled": f"{_cap(a.display)} cancelled the sale of {item} to {b.display}.",
        }[status]
        record = self._base("sale", status, a, b, when, summary)
        record["item"] = item
        if category:
            record["item_category"] = category
        if quantity is not None and status != "cancelled":
            record.update(quantity=quantity, quantity_unit=unit)
        if value is not None:
            record.update(value=value, currency=currency)
        detail = (
            f"The package includes spare parts and training for {rng.randint(10, 400)} {rng.choice(['pilots', 'crew', 'technicians'])}."
        )
        return self._finish(record, [_fill(rng.choice(templates), values)], when, detail)


# --- reports -------------------------------------------------------------------------------

REPORTING_SHARE = 0.2
"""The share of documents drawn to report events coded in earlier documents (fewer do: early on
there may be nothing they can report)."""
REPORTS_PER_DOCUMENT = {1: 60, 2: 30, 3: 10}
FOCAL_SHARE = 0.8
"""How often a report is drawn from the events of its document's focal dyad, when it has any."""
REPORT_DATING = {"equal": 40, "precise": 35, "none": 25}
"""How a report dates its event: as the coding document does, more precisely, or not at all."""


@dataclass
class _Reportable:
    """An event coded so far, as a later document can report it."""

    record: dict[str, Any]
    actors: tuple[_Actor, _Actor]
    doc: _Document
    start: dt.date | None
    end: dt.date | None
    """The event's bounds, as the coding document dates it."""
    low: dt.date | None
    high: dt.date | None
    """What all its sources agree on so far: the intersection of their bounds."""

    @property
    def forward(self) -> bool:
        return self.record["status"] == "planned"


@dataclass
class _Report:
    event: _Reportable
    sentence: str
    date_text: str | None
    start: dt.date | None
    end: dt.date | None
    dating: str
    """equal (the coding document's bounds), precise (inside what the sources agree on) or none."""
    quote: str = ""


class _Reporter:
    """Draws the reports of a document from events of earlier documents, with a Random of its own,
    so that the events of a seed (drawn from the generator's Random) stay as they were."""

    def __init__(self, rng: Random, actors: list[_Actor]):
        self.rng = rng
        self.actors = {a.code: a for a in actors}
        self.by_dyad: dict[tuple[str, ...], list[_Reportable]] = {}
        self.events: list[_Reportable] = []
        self.linked: set[str] = set()
        """IDs on either end of a follows link: a report does not narrow them, which could put a step before the one it follows."""

    def remember(self, doc: _Document, coded: list[_Coded]) -> None:
        for event in coded:
            record = event.record
            found = _Reportable(
                record, (self.actors[record["actor1"]], self.actors[record["actor2"]]), doc, event.start, event.end, event.start, event.end
            )
            self.by_dyad.setdefault(tuple(sorted((record["actor1"], record["actor2"]))), []).append(found)
            self.events.append(found)

    def commit(self, reports: list[_Report]) -> None:
        """The reports are written: each event's sources now agree on less."""
        for report in reports:
            event = report.event
            if report.start is not None and (event.low is None or report.start > event.low):
                event.low = report.start
            if report.end is not None and (event.high is None or report.end < event.high):
                event.high = report.end

    # --- which events -------------------------------------------------------------------------

    def draw(self, doc: _Document) -> list[_Reportable]:
        rng = self.rng
        if not self.events or rng.random() >= REPORTING_SHARE:
            return []
        count = rng.choices(list(REPORTS_PER_DOCUMENT), list(REPORTS_PER_DOCUMENT.values()))[0]
        focal = self.by_dyad.get(tuple(sorted(a.code for a in doc.actors)), [])
        chosen: list[_Reportable] = []
        for _ in range(count):
            found = None
            if focal and rng.random() < FOCAL_SHARE:
                found = self._pick(doc, [e for e in focal[-2000:] if e not in chosen and self._reportable(e, doc)])
            if found is None:
                pool = (rng.choice(self.events) for _ in range(60))
                found = self._pick(doc, [e for e in pool if e not in chosen and self._reportable(e, doc)][:20])
            if found is not None:
                chosen.append(found)
        return chosen

    @staticmethod
    def _reportable(event: _Reportable, doc: _Document) -> bool:
        """Published no earlier than the coding document (which was the first to report it), and
        not at odds with this document's publication: a past event before it, a planned one not over."""
        if doc.start < event.doc.start:
            return False
        if event.forward:
            return (doc.start - event.doc.start).days <= 150 and (event.high is None or event.high >= doc.start)
        return event.low is None or doc.end is None or event.low <= doc.end

    def _pick(self, doc: _Document, pool: list[_Reportable]) -> _Reportable | None:
        """Recent news first: the closer the coding document's publication, the likelier."""
        if not pool:
            return None
        return self.rng.choices(pool, [1 / (1 + (doc.start - e.doc.start).days / 90) for e in pool])[0]

    # --- how dated ------------------------------------------------------------------------------

    def date(self, event: _Reportable, doc: _Document) -> tuple[str, str | None, str | None, dt.date | None, dt.date | None]:
        """(how dated, phrase, date text, start, end): the coding document's bounds written this
        document's way, a date inside what the sources agree on, or none."""
        dating = self.rng.choices(list(REPORT_DATING), list(REPORT_DATING.values()))[0]
        # One that cannot be had (the same date as a coder's bounds, more precise than one day) gives way to the
        # other; an event on either end of a follows link is never narrowed.
        ways = {"equal": ("equal", "precise"), "precise": ("precise", "equal"), "none": ()}[dating]
        if event.record.get("id") in self.linked:
            ways = tuple(way for way in ways if way == "equal")
        for way in ways:
            written = self._precise(event, doc) if way == "precise" else self._equal(event, doc)
            if written is not None:
                return (way, *written)
        return "none", None, None, None, None

    def _equal(self, event: _Reportable, doc: _Document) -> tuple[str, str, dt.date, dt.date] | None:
        """The coding document's date written this document's way; not a coder's bounds, which no text gives."""
        if "date_text" not in event.record or event.start is None or event.end is None:
            return None
        words = self._words(event.start, event.end, doc, event.forward)
        return None if words is None else (*words, event.start, event.end)

    def _precise(self, event: _Reportable, doc: _Document) -> tuple[str, str, dt.date, dt.date] | None:
        rng = self.rng
        if event.forward:
            lower = max(d for d in (event.low, doc.start) if d is not None)
            upper = event.high or lower + dt.timedelta(days=150)
        else:
            limits = [d for d in (event.high, doc.end) if d is not None]
            upper = min(limits) if limits else event.doc.start
            lower = event.low or upper - dt.timedelta(days=365)
        if lower > upper:
            return None
        day = lower + dt.timedelta(days=rng.randint(0, (upper - lower).days))
        spans = {"day": ((day, day), 50), "month": (calendar_bounds(day.year, day.month), 35), "year": (calendar_bounds(day.year), 15)}
        fits = {
            name: (span, weight)
            for name, (span, weight) in spans.items()
            if lower <= span[0] and span[1] <= upper and span != (event.low, event.high)
        }
        if not fits:
            return None
        (start, end), _ = rng.choices(list(fits.values()), [weight for _, weight in fits.values()])[0]
        words = self._words(start, end, doc, event.forward)
        return None if words is None else (*words, start, end)

    def _words(self, start: dt.date, end: dt.date, doc: _Document, forward: bool) -> tuple[str, str] | None:
        """(phrase, date text) for these bounds as this document writes dates, or None when no form
        the corpus uses gives them."""
        rng, style = self.rng, doc.style
        if start == end:
            if self._yearless(start, start.day, doc, forward) and rng.random() < 0.35:
                text = _day_text(start, "mdy" if style == "iso" else style, year=False)
            else:
                text = _day_text(start, style)
            return f"on {text}", text
        if start.year == end.year and (start, end) == calendar_bounds(start.year, start.month):
            if self._yearless(start, None, doc, forward) and rng.random() < 0.35:
                text = MONTHS[start.month]
            else:
                text = f"{AP_MONTHS[start.month] if style == 'ap' else MONTHS[start.month]} {start.year}"
            return f"in {text}", text
        if (start, end) == calendar_bounds(start.year):
            return f"in {start.year}", str(start.year)
        if (start.year, start.month) == (end.year, end.month):
            text = f"{start.day}-{end.day} {MONTHS[start.month]} {start.year}"
            return f"on {text}", text
        whole_months = start.day == 1 and end == calendar_bounds(end.year, end.month)[1]
        if whole_months and start.year == end.year:
            text = f"{MONTHS[start.month]} to {MONTHS[end.month]} {start.year}"
            return f"from {text}", text
        if whole_months and (start.month, end.month) == (1, 12):
            if start.year % 10 == 0 and end.year == start.year + 9 and end.year < doc.start.year:
                text = f"the {start.year}s"
                return f"in {text}", text
            text = f"{start.year} to {end.year}"
            return f"from {text}", text
        return None

    @staticmethod
    def _yearless(day: dt.date, of_month: int | None, doc: _Document, forward: bool) -> bool:
        """Whether this document can leave out the year: bilat infers the right one from its publication.
        Never for a plan, which a report may look forward or back to, so bilat would not infer it."""
        anchor = (doc.end or doc.start) if forward else doc.start
        if forward or not doc.day_precise or abs((day - anchor).days) > 300 or (day.month, day.day) == (2, 29):
            return False
        return _inferred_year(day.month, of_month, anchor, forward) == day.year

    # --- what it says ---------------------------------------------------------------------------

    def report(self, event: _Reportable, doc: _Document) -> _Report:
        dating, phrase, date_text, start, end = self.date(event, doc)
        return _Report(event, self.sentence(event, phrase), date_text, start, end, dating)

    def sentence(self, event: _Reportable, phrase: str | None) -> str:
        """A sentence of its own that names both actors (names, demonyms, capitals) and says what
        happened with words of the event's type."""
        rng, record = self.rng, event.record
        a, b = event.actors
        # A capital for a state; no other actor has one, so the others go by their display names.
        values = dict(
            A=rng.choice([a.display, a.display, a.capital if a.kind == "state" else a.display]),
            B=rng.choice([b.display, b.display, b.capital if b.kind == "state" else b.display]),
            A_adj=a.adjective,
            B_adj=b.adjective,
            capB=b.capital,
            when=f" {phrase}" if phrase else "",
            When=f"{phrase}, " if phrase else "",
        )
        kind, status = record["type"], record["status"]
        if kind == "visit":
            values.update(who=record["visitor"], title=record["visitor_title"])
            templates = {
                "occurred": [
                    "{A_adj} {title} {who} visited {capB}{when}, a trip that officials on both sides called productive.",
                    "{When}{who}, the {A_adj} {title}, held talks in {capB} with {B_adj} officials.",
                    "The visit of {A_adj} {title} {who} to {capB}{when} was the first at that level in years.",
                ],
                "planned": [
                    "{A_adj} {title} {who} is still expected to visit {capB}{when}, according to {B_adj} officials.",
                    "Officials in {capB} are preparing for the planned visit of {A_adj} {title} {who}{when}.",
                ],
                "cancelled": [
                    "{When}{A_adj} {title} {who} called off a planned trip to {capB}.",
                    "{A} cancelled the visit of its {title}, {who}, to {capB}{when}.",
                ],
            }[status]
        elif kind == "agreement":
            title, noun = record["agreement_title"], KIND_TEXT[record["agreement_kind"]]
            topic = " and ".join(DOMAIN_TEXT[d] for d in record["domains"])
            values["what"] = f'the "{title}"' if rng.random() < 0.3 else f"the {noun} on {topic}"
            templates = {
                "proposed": [
                    "{When}{A} proposed {what} to {B}, a deal diplomats said was still under discussion.",
                    "{A} put forward {what} to {B}{when}, but no deal has been signed.",
                ],
                "signed": [
                    "{A} and {B} signed {what}{when}.",
                    "{What} that {A} signed with {B}{when} remains the basis of their cooperation.",
                ],
                "in_force": ["{What} between {A} and {B} entered into force{when}.", "{When}{what} between {A} and {B} came into force."],
                "terminated": ["{A} withdrew from {what} with {B}{when}.", "{When}{A} withdrew from {what} it had signed with {B}."],
            }[status]
        elif kind == "sanction":
            values["what"] = " and ".join(MEASURE_TEXT[m] for m in record["measures"])
            values["the_what"] = "the " + " and ".join(re.sub(r"^an? ", "", MEASURE_TEXT[m]) for m in record["measures"])
            templates = {
                "threatened": [
                    "{When}{A} threatened to impose {what} on {B}.",
                    "{A} threatened to impose {what} on {B}{when}, diplomats said.",
                ],
                "imposed": ["{A} imposed {what} on {B}{when}.", "{The_what} that {A} imposed on {B}{when} remain in force."],
                "lifted": ["{A} lifted {the_what} on {B}{when}.", "{When}{A} lifted {the_what} it had imposed on {B}."],
            }[status]
        else:
            values["item"] = record["item"]
            templates = {
                "agreed": ["{A} agreed to sell {item} to {B}{when}.", "{When}{B} ordered {item} from {A}."],
                "delivered": ["{A} delivered {item} to {B}{when}.", "{B} took delivery of {item} from {A}{when}."],
                "cancelled": ["{A} cancelled the sale of {item} to {B}{when}.", "{When}{A} halted the delivery of {item} to {B}."],
            }[status]
        template = rng.choice(templates)
        for name in ("What", "The_what"):
            values[name] = _cap(values.get(name.lower(), ""))
        return _fill(template, values)


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _title_case(text: str) -> str:
    return " ".join(w if w in ("of", "on", "and") else _cap(w) for w in text.split())


def _filler(rng: Random, values: dict[str, str]) -> str:
    """A background sentence: the common phrasing of news text, recombined."""
    return _fill(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(CLAUSES)}.", values)


def _fill(template: str, values: dict[str, str]) -> str:
    return _cap(template.format(**values))


def _inferred_year(month: int, day: int | None, anchor: dt.date, forward: bool) -> int:
    """The year bilat infers for a year-less date: the latest one starting on or before the anchor,
    or for a planned event the earliest one ending on or after it."""
    if forward:
        fits = (month, day or 31) >= (anchor.month, anchor.day) if day else month >= anchor.month
        return anchor.year if fits else anchor.year + 1
    fits = (month, day) <= (anchor.month, anchor.day) if day else month <= anchor.month
    return anchor.year if fits else anchor.year - 1


def _typographic(text: str) -> str:
    """Curly quotes and apostrophes, em and en dashes: what bilat folds back to the plain form."""
    text = re.sub(r'"([^"\n]*)"', "\u201c\\1\u201d", text)
    text = text.replace("'", "\u2019").replace(" - ", " \u2014 ")
    return re.sub(r"\b(\d{4})-(\d{2}|\d{4})\b(?!-\d)", "\\1\u2013\\2", text)


def _split_counts(rng: Random, events: int, documents: int) -> list[int]:
    weights = [rng.lognormvariate(0, 0.6) for _ in range(documents)]
    counts = Counter(rng.choices(range(documents), weights, k=events - documents))
    return [1 + counts[i] for i in range(documents)]


def _write_document(gen: _Generator, reporter: _Reporter, folder: Path, doc: _Document, budget: int) -> list[_Coded]:
    rng = gen.rng
    coded: list[_Coded] = []
    while budget > 0:
        new = gen.event(doc, budget)
        coded += new
        budget -= len(new)
    a, b = doc.actors
    others = [s for s in gen.states if s not in doc.actors]
    values = dict(
        A=a.display,
        B=b.display,
        A_adj=a.adjective,
        B_adj=b.adjective,
        capA=a.capital,
        capB=b.capital,
        C=rng.choice(others).display if others else "the region",
        topic=rng.choice(TOPICS),
    )
    body: list[str] = []
    seen: set[str] = set()
    for event in coded:
        for sentence in event.sentences:
            if sentence not in seen:
                seen.add(sentence)
                body.append(sentence)
    filler = [_fill(t, values) for t in rng.sample(FILLER, rng.randint(2, 8))]
    filler += [_filler(rng, values) for _ in range(int(len(body) * rng.uniform(1.5, 4.0)))]
    dismissed = []
    for template, passage in rng.sample(BACKGROUND, rng.choice([0, 0, 1, 2])):
        year = str(doc.start.year - rng.randint(3, 30))
        filler.append(_fill(template, {**values, "y": year}))
        dismissed.append({"text": passage.format(**values, y=year), "reason": "Background: not one of the four event types."})
    for sentence in filler:
        body.insert(rng.randint(0, len(body)), sentence)
    paragraphs, i = [], 0
    while i < len(body):
        step = rng.randint(1, 4)
        paragraphs.append(body[i : i + step])
        i += step
    title = coded[0].record["summary"].rstrip(".")
    meta = gen.meta(doc, title, dateline=not doc.day_precise or rng.random() < 0.9)
    header = [title]
    if doc.day_precise and meta["published_basis"] == "printed":
        stamp = _dateline(doc.start, doc.style)
        header.append(f"{meta.get('publisher', 'Staff report')} - {stamp}")
        dismissed.insert(0, {"text": stamp, "reason": "Dateline: the publication date."})
    elif meta["published_basis"] == "printed":
        header.append(f"{meta.get('publisher', 'Monthly review')}, {MONTHS[doc.start.month]} {doc.start.year} issue")
    if "author" in meta:
        header.append(f"By {meta['author']}")
    text = "\n\n".join(header + [" ".join(paragraph) for paragraph in paragraphs]) + "\n"
    flat = re.sub(r"\s+", " ", text)
    quotes = {sentence: sentence.rstrip(".") if rng.random() < 0.2 else sentence for sentence in body if sentence not in filler}
    if any(flat.count(quote) != 1 for quote in quotes.values()):
        raise _Collision
    # The generator's Random is done with this document: reports come from the reporter's, so that
    # the events of the documents that follow are drawn as they would be without them.
    reporter.linked |= {end for event in coded if event.record.get("follows") for end in (event.record["follows"], event.record["id"])}
    reports, text = _add_reports(reporter, doc, header, paragraphs, list(quotes.values())) or ([], text)
    if doc.typographic:
        text = _typographic(text)
    raw = text.encode("utf-8")
    meta["sha256"] = hashlib.sha256(raw).hexdigest()
    events = []
    for event in coded:
        event.record["evidence"] = [{"quote": quotes[s]} for s in event.sentences]
        event.record["validated"] = {"by": "The bench", "date": "2026-01-01"}
        events.append(event.record)
    record: dict[str, Any] = {"document": meta, "events": events}
    if reports:
        record["reports"] = [_report_record(report) for report in reports]
    if dismissed:
        record["dismissed"] = dismissed
    folder.mkdir()
    (folder / "document.txt").write_bytes(raw)
    (folder / "events.yaml").write_bytes(canonical_yaml(EventsFile.model_validate(record)).encode("utf-8"))
    reporter.commit(reports)
    gen.reported_start |= {r.event.record["id"]: r.event.low for r in reports if r.event.low is not None}
    return coded


def _add_reports(
    reporter: _Reporter, doc: _Document, header: list[str], paragraphs: list[list[str]], quotes: list[str]
) -> tuple[list[_Report], str] | None:
    """The document's reports and its text with their sentences placed among the others, or None
    when it reports nothing (or, after a few tries, its sentences would repeat a quote)."""
    events = reporter.draw(doc)
    if not events:
        return None
    rng = reporter.rng
    for _ in range(5):
        reports = [reporter.report(event, doc) for event in events]
        placed = [list(paragraph) for paragraph in paragraphs]
        for report in reports:
            paragraph = placed[rng.randrange(len(placed))]
            paragraph.insert(rng.randint(0, len(paragraph)), report.sentence)
        text = "\n\n".join(header + [" ".join(paragraph) for paragraph in placed]) + "\n"
        flat = re.sub(r"\s+", " ", text)
        for report in reports:
            report.quote = report.sentence.rstrip(".") if rng.random() < 0.2 else report.sentence
        unique = all(flat.count(quote) == 1 for quote in quotes + [report.quote for report in reports])
        if unique and all(r.date_text is None or r.quote.count(r.date_text) == 1 for r in reports):
            return reports, text
    return None


def _report_record(report: _Report) -> dict[str, Any]:
    record: dict[str, Any] = {"event_id": report.event.record["id"], "evidence": [{"quote": report.quote}]}
    if report.date_text is not None:
        record["date_text"] = report.date_text
    if report.date_text is not None and "date_text" not in report.event.record:
        record["coder_note"] = "The coding document gives no date, only the coder's bounds; this one dates it."
    record["validated"] = {"by": "The bench", "date": "2026-01-01"}
    return record


class _Collision(Exception):
    """A quote occurs more than once in its document; the document is drawn again."""


def generate(root: Path, events: int, seed: int = 0) -> Path:
    """Write a seeds tree of ``events`` events over about events/10 documents into ``root``
    (created; it must not exist or be empty) and return it. The same seed gives the same bytes."""
    if events < 1:
        raise ValueError("a corpus needs at least one event")
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    root.mkdir(parents=True, exist_ok=True)
    rng = Random(seed)
    shutil.copyfile(REAL_SEEDS / "actors.yaml", root / "actors.yaml")
    registry = ActorRegistry.model_validate(yaml.load((root / "actors.yaml").read_bytes(), Loader=yaml.CSafeLoader))
    (root / "retired.yaml").write_text(canonical_yaml(RetiredIds(retired=[])), encoding="utf-8")
    actors = [_Actor(a.code, a.name, a.kind.value) for a in registry.actors]
    gen = _Generator(rng, actors)
    reporter = _Reporter(Random(f"bench reports {seed}"), actors)
    documents = max(1, round(events / EVENTS_PER_DOCUMENT))
    doc_ids: set[str] = set()
    for budget in _split_counts(rng, events, documents):
        doc_id = f"{rng.getrandbits(64):016x}"
        while doc_id in doc_ids:
            doc_id = f"{rng.getrandbits(64):016x}"
        doc_ids.add(doc_id)
        doc = gen.document()
        while True:
            mark = gen.checkpoint()
            try:
                coded = _write_document(gen, reporter, root / doc_id, doc, budget)
                break
            except _Collision:
                gen.rollback(mark)
        reporter.remember(doc, coded)
    return root
