"""Property-based tests: the loader survives any bytes in events.yaml, and any valid events come
back out of the published tables with the values they went in with."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilat.build import build, check
from bilat.ids import ALPHABET, URL_UNSAFE_CHECKS, check_symbol
from bilat.models import (
    FORMULA_STARTS,
    ActorRegistry,
    AgreementKind,
    AgreementStatus,
    Domain,
    EventsFile,
    ItemCategory,
    Measure,
    SaleStatus,
    SanctionStatus,
    VisitLevel,
    VisitStatus,
)
from bilat.problems import InputError
from bilat.seeds import read_yaml_model
from bilat.yamlio import MAX_DEPTH, canonical_yaml

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
MOU = "ca07c16d152b956b"
DOC_ID = "0123456789abcdef"
ACTOR_CODES = sorted(actor.code for actor in read_yaml_model(SEEDS / "actors.yaml", "actors.yaml", ActorRegistry)[0].actors)


def tiny_seeds(root: Path) -> Path:
    """A seeds tree with the real actor registry, no tombstones and one empty document folder."""
    seeds = root / "seeds"
    (seeds / DOC_ID).mkdir(parents=True)
    shutil.copyfile(SEEDS / "actors.yaml", seeds / "actors.yaml")
    (seeds / "retired.yaml").write_text("retired: []\n", encoding="utf-8")
    return seeds


# --- (a) the loader never crashes -----------------------------------------------------------

MOU_EVENTS = (SEEDS / MOU / "events.yaml").read_bytes()
YAML_FRAGMENTS = [
    "document:\n", "events:\n", "dismissed:\n", "  - ", "    ", "\t", "id: ", "type: ", "status: ", "actor1: ", "date_text: ",
    "date_bounds: ", "evidence:\n", "  - quote: ", "occurrence: ", "follows: ", "sha256: ", "summary: ", ": ", "? ", "- ", "\n",
    "&a ", "*a", "&b [*a, *a]", "!!python/object/apply:os.system ['true']", "!!binary aGVsbG8=", "!!set {a, b}", "!custom x",
    "{", "}", "[", "]", '"', "'", "|\n", ">-\n", "#", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "~", "null", "NO",
    "yes", "2019-01-01", "2019-01-01T10:00:00Z", "1e400", "-.inf", ".nan", "0x1F", "0o17", "12:30:00", "<<: *a", '"\\ud800"',
    '"\\x00"', "\ufeff", "\x00", "\x1b", "\u0085", "\u2028", "\r\n", '"THSVAH4CJ"', '"visit"', '"planned"', '"IRN"', '"2019"',
    '"January 20"', '"February 30"', '"9999-12-31/.."', '"0000"', '"../.."',
    '!!bool "maybe"', '!!timestamp "2019"', '!!int ""', '!!float ""', "!!map {a: 1}", "!!seq [a]", "! x", "!<tag:x> y",
    "0640", "1:20", "1_000", "0b101", "+.inf", "1.0e+400", "[" * 100, "{a: " * 70, "- " * 80, "99999999999999999999",
    '"\\u2028"', '"\\ufeff"', '"https://x.org/\\e"', '"01/02/2019"', '"\\u0662\\u0660\\u0661\\u0669"',
]  # fmt: skip


def yaml_fragments() -> st.SearchStrategy[bytes]:
    piece = st.sampled_from(YAML_FRAGMENTS) | st.text(max_size=8)
    return st.lists(piece, max_size=60).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass"))


@st.composite
def mutated_events_file(draw: st.DrawFn) -> bytes:
    """The real events.yaml of a document, with a slice replaced by junk or a YAML fragment."""
    start = draw(st.integers(0, len(MOU_EVENTS)))
    end = draw(st.integers(start, min(len(MOU_EVENTS), start + 40)))
    junk = draw(st.binary(max_size=12) | st.sampled_from(YAML_FRAGMENTS).map(lambda f: f.encode("utf-8", "surrogatepass")))
    return MOU_EVENTS[:start] + junk + MOU_EVENTS[end:]


@pytest.fixture(scope="module")
def fuzz_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seeds = tiny_seeds(tmp_path_factory.mktemp("fuzz"))
    shutil.copyfile(SEEDS / MOU / "document.txt", seeds / DOC_ID / "document.txt")
    return seeds


def assert_loads_or_reports(seeds: Path, events_yaml: bytes) -> None:
    """A full check succeeds, or raises InputError with located problems; nothing else escapes."""
    (seeds / DOC_ID / "events.yaml").write_bytes(events_yaml)
    try:
        check(seeds)
    except InputError as err:
        assert err.problems
        for problem in err.problems:
            assert problem.line >= 1 and problem.col >= 1, str(problem)


FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=st.binary(max_size=4000))
def test_loader_survives_arbitrary_bytes(fuzz_seeds: Path, data: bytes) -> None:
    assert_loads_or_reports(fuzz_seeds, data)


@FUZZ
@given(text=st.text(max_size=2000))
def test_loader_survives_arbitrary_text(fuzz_seeds: Path, text: str) -> None:
    assert_loads_or_reports(fuzz_seeds, text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(data=yaml_fragments())
def test_loader_survives_yaml_fragments(fuzz_seeds: Path, data: bytes) -> None:
    assert_loads_or_reports(fuzz_seeds, data)


@FUZZ
@given(data=mutated_events_file())
def test_loader_survives_a_damaged_real_file(fuzz_seeds: Path, data: bytes) -> None:
    assert_loads_or_reports(fuzz_seeds, data)


SUMMARY_LINE = re.compile(rb'(?m)^    summary: ".*"$')


@dataclass(frozen=True)
class Value:
    """A YAML value in flow style, and what the loader must say of it."""

    text: str
    depth: int
    """How many lists and mappings it nests, itself included."""
    tagged: bool
    reinterpreted: bool
    """Holds a plain number that YAML 1.1 reads other than it looks, or one that is not finite."""


YAML_1_1_NUMBERS = ["0640", "-012", "0x1F", "0b101", "1:20", "-1:30:00", "1_000", "1_000.5", ".inf", "-.Inf", ".NaN", "1.0e+400"]
SCALAR_TAGS = ["!!str", "!!int", "!!bool", "!!float", "!!timestamp", "!!null", "!!binary", "!custom", "!", "!<tag:yaml.org,2002:str>"]
COLLECTION_TAGS = ["!!seq", "!!map", "!!set", "!!omap", "!!python/object/apply:os.system", "!!python/name:os.system", "!local"]
SCALARS = ["x", "visit", "2019", "12", "-3", "1.5", "true", "null", '"a b"', "'q'", '"2019-12-31T23:30:00Z"', '""']


def yaml_values() -> st.SearchStrategy[Value]:
    """Flow-style values: plain and quoted scalars, YAML 1.1 numbers, explicit tags on scalars,
    lists and mappings, and lists and mappings nested to any depth."""
    plain = st.sampled_from(SCALARS).map(lambda text: Value(text, 0, False, False))
    numbers = st.sampled_from(YAML_1_1_NUMBERS).map(lambda text: Value(text, 0, False, True))
    tags = st.tuples(st.sampled_from(SCALAR_TAGS), st.sampled_from(SCALARS)).map(lambda t: Value(" ".join(t), 0, True, False))

    def collections(children: st.SearchStrategy[Value]) -> st.SearchStrategy[Value]:
        def collect(items: list[Value], mapping: bool, tag: str | None) -> Value:
            inner = ", ".join(f"k{i}: {v.text}" if mapping else v.text for i, v in enumerate(items))
            text = ("{%s}" if mapping else "[%s]") % inner
            return Value(
                f"{tag} {text}" if tag else text,
                1 + max((v.depth for v in items), default=0),
                bool(tag) or any(v.tagged for v in items),
                any(v.reinterpreted for v in items),
            )

        return st.builds(collect, st.lists(children, max_size=3), st.booleans(), st.none() | st.sampled_from(COLLECTION_TAGS))

    deep = st.tuples(st.integers(55, 75), st.booleans()).map(
        lambda t: Value(("{k: " * t[0] + "x" + "}" * t[0]) if t[1] else ("[" * t[0] + "x" + "]" * t[0]), t[0], False, False)
    )
    return st.recursive(plain | numbers | tags, collections, max_leaves=8) | deep


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=yaml_values(), where=st.sampled_from(["summary", "top"]))
def test_tags_deep_nesting_and_yaml_1_1_numbers_are_refused_where_they_are(fuzz_seeds: Path, value: Value, where: str) -> None:
    if where == "summary":  # events[0].summary: inside the root mapping, the events list and an event
        raw, around = SUMMARY_LINE.sub(lambda _: b"    summary: " + value.text.encode(), MOU_EVENTS, count=1), 3
    else:
        raw, around = MOU_EVENTS + b"extra: " + value.text.encode() + b"\n", 1
    (fuzz_seeds / DOC_ID / "events.yaml").write_bytes(raw)
    try:
        check(fuzz_seeds)
        problems = []
    except InputError as err:
        problems = err.problems
    messages = [f"{p.field}: {p.message}" for p in problems]
    assert all(p.line >= 1 and p.col >= 1 for p in problems)
    if around + value.depth > MAX_DEPTH:
        assert any(f"nested more than {MAX_DEPTH} levels deep" in m for m in messages), messages
    elif value.tagged:
        assert any("explicit YAML tags are not allowed" in m for m in messages), messages
    elif value.reinterpreted:
        assert any(re.search(r"YAML (1\.1 )?reads ", m) for m in messages), messages


@pytest.mark.parametrize("fragment", YAML_FRAGMENTS, ids=ascii)
def test_loader_survives_each_fragment_as_a_value_and_as_a_file(fuzz_seeds: Path, fragment: str) -> None:
    raw = fragment.encode("utf-8", "surrogatepass")
    assert_loads_or_reports(fuzz_seeds, raw)
    assert_loads_or_reports(fuzz_seeds, SUMMARY_LINE.sub(lambda _: b"    summary: " + raw, MOU_EVENTS, count=1))


def test_the_undamaged_real_file_loads(fuzz_seeds: Path) -> None:
    # The mutation strategy starts from a file that passes, so its failures are the mutation's.
    (fuzz_seeds / DOC_ID / "events.yaml").write_bytes(MOU_EVENTS)
    assert len(check(fuzz_seeds).events) == 1


# --- (b) valid events round-trip ------------------------------------------------------------

WORDS = [
    *("the", "ministers", "met", "in", "and", "agreed", "on", "closer", "military", "ties", "talks"),
    *("were", "held", "a", "deal", "for", "air", "defence", "systems", "over", "its", "program"),
]
MONTHS = list(calendar.month_name)[1:]


def free_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """One printable line no spreadsheet would run: what bilat accepts as free text."""
    chars = st.characters(categories=("L", "M", "N", "P", "S", "Zs"))
    return st.text(chars, min_size=1, max_size=max_size).filter(
        lambda s: s == s.strip() and s[0] not in FORMULA_STARTS and not re.search(r"[\x00-\x1f\x7f-\x9f]", s)
    )


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


@st.composite
def event_ids(draw: st.DrawFn, count: int) -> list[str]:
    data = st.text(st.sampled_from(ALPHABET), min_size=8, max_size=8).filter(lambda d: check_symbol(d) not in URL_UNSAFE_CHECKS)
    return [d + check_symbol(d) for d in draw(st.lists(data, min_size=count, max_size=count, unique=True))]


@dataclass(frozen=True)
class When:
    """How an event is dated in events.yaml, and what the events table must say."""

    fields: dict[str, str]
    precision: str
    start: dt.date | None
    end: dt.date | None
    basis: str


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@st.composite
def when(draw: st.DrawFn, published: dt.date, forward: bool) -> When:
    """A date_text ("2007", "June 2010", "January 20") or coder's date_bounds that fits the
    publication day: on or before it for a past event, on or after it for a planned one."""
    form = draw(st.sampled_from(["year", "month", "day", "bounds"]))
    if form == "year":
        year = draw(st.integers(published.year, published.year + 5) if forward else st.integers(1950, published.year))
        return When({"date_text": str(year)}, "year", dt.date(year, 1, 1), dt.date(year, 12, 31), "stated")
    if form == "month":
        this_month = published.replace(day=1)
        if forward:  # the month ends on or after publication
            day = draw(st.dates(this_month, dt.date(published.year + 5, 12, 31)))
        else:  # the month starts on or before publication
            day = draw(st.dates(dt.date(1950, 1, 1), _month_end(published.year, published.month)))
        text = f"{MONTHS[day.month - 1]} {day.year}"
        return When({"date_text": text}, "month", day.replace(day=1), _month_end(day.year, day.month), "stated")
    if form == "day":
        month, day = draw(st.integers(1, 12)), draw(st.integers(1, 28))
        if forward:
            year = published.year if (month, day) >= (published.month, published.day) else published.year + 1
        else:
            year = published.year if (month, day) <= (published.month, published.day) else published.year - 1
        date = dt.date(year, month, day)
        return When({"date_text": f"{MONTHS[month - 1]} {day}"}, "day", date, date, "year_inferred")
    low, high = (published, dt.date(published.year + 5, 12, 31)) if forward else (dt.date(1950, 1, 1), published)
    start, end = sorted(draw(st.lists(st.dates(low, high), min_size=2, max_size=2)))
    start = None if not forward and draw(st.booleans()) else start
    end = None if forward and draw(st.booleans()) else end
    bounds = f"{start or '..'}/{end or '..'}"
    fields = {"date_bounds": bounds, "date_reason": "Set by the coder from the context of the article."}
    return When(fields, "range" if start and end else "unknown", start, end, "coder")


TYPES = {
    "visit": (VisitStatus, {"visitor": free_text(), "visitor_title": free_text(), "visit_level": st.sampled_from(VisitLevel)}),
    "agreement": (
        AgreementStatus,
        {"agreement_title": free_text(), "agreement_kind": st.sampled_from(AgreementKind), "domains": st.lists(st.sampled_from(Domain))},
    ),
    "sanction": (SanctionStatus, {"instrument": free_text(), "measures": st.lists(st.sampled_from(Measure))}),
    "sale": (
        SaleStatus,
        {
            "item": free_text(),
            "item_category": st.sampled_from(ItemCategory),
            "quantity": st.integers(1, 10**9),
            "quantity_unit": free_text(),
        },
    ),
}


LISTS = {"domains", "measures"}


@dataclass(frozen=True)
class Generated:
    event: dict[str, Any]
    when: When
    quote_start: int
    """Offset of the quote in the document text."""


@st.composite
def coded_document(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[Generated]]:
    """A document text and its events: each event quotes words of its own sentence around its date.
    A quote found more than once in the text gets the ``occurrence`` that picks its own sentence."""
    published = draw(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
    count = draw(st.integers(1, 4))
    text = ""
    generated = []
    for event_id in draw(event_ids(count)):
        kind = draw(st.sampled_from(sorted(TYPES)))
        statuses, specific = TYPES[kind]
        status = draw(st.sampled_from(statuses)).value
        timing = draw(when(published, forward=status == "planned"))
        before = draw(st.lists(st.sampled_from(WORDS), max_size=5))
        after = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
        words = [*before, timing.fields.get("date_text") or draw(st.sampled_from(MONTHS)), *after]
        first = draw(st.integers(0, len(before)))
        last = draw(st.integers(len(before) + 1, len(words)))
        quote_start = len(text) + len(" ".join(words[:first])) + (1 if first else 0)
        text += " ".join(words) + ".\n\n"
        actor1, actor2 = draw(st.lists(st.sampled_from(ACTOR_CODES), min_size=2, max_size=2, unique=True))
        event = {
            "id": event_id,
            "type": kind,
            "status": status,
            "actor1": actor1,
            "actor2": actor2,
            **timing.fields,
            "summary": draw(free_text(80)),
            "evidence": [{"quote": " ".join(words[first:last])}],
            "location": draw(optional(free_text())),
            "coder_note": draw(optional(free_text())),
            "validated": {"by": draw(free_text(40)), "date": draw(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31))).isoformat()},
            **{name: draw(values if name in LISTS else optional(values)) for name, values in specific.items()},
        }
        if kind == "sale" and draw(st.booleans()):
            event["value"] = draw(st.floats(0.01, 1e12, allow_nan=False, allow_infinity=False))
            event["currency"] = draw(st.from_regex(r"[A-Z]{3}", fullmatch=True))
        generated.append(Generated(event, timing, quote_start))
    for item in generated:
        evidence = item.event["evidence"][0]
        found = [m.start() for m in re.finditer(f"(?={re.escape(evidence['quote'])})", text)]
        if len(found) > 1:
            evidence["occurrence"] = found.index(item.quote_start) + 1
    meta = {
        "title": draw(free_text()),
        "published": published.isoformat(),
        "published_basis": "printed",
        "language": "en",
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    return text, meta, generated


def plain(value: Any) -> Any:
    """A cell as plain Python: None for missing, str for categories and text, date for timestamps."""
    if value is None or (not isinstance(value, (list, str)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def expected_cell(value: Any) -> Any:
    """A generated type-specific value as the events table must show it: enums by their value,
    lists of codes once each, joined by ';' in the order of their enum (empty: missing)."""
    if isinstance(value, list):
        order = list(type(value[0])) if value else []
        return ";".join(v.value for v in sorted(set(value), key=order.index)) or None
    return value.value if isinstance(value, Enum) else value


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(document=coded_document())
def test_valid_events_round_trip_to_the_published_tables(document: tuple[str, dict[str, Any], list[Generated]]) -> None:
    text, meta, generated = document
    coded = EventsFile.model_validate({"document": meta, "events": [g.event for g in generated]})

    with tempfile.TemporaryDirectory() as tmp:
        seeds = tiny_seeds(Path(tmp))
        (seeds / DOC_ID / "document.txt").write_bytes(text.encode("utf-8"))
        (seeds / DOC_ID / "events.yaml").write_text(canonical_yaml(coded), encoding="utf-8")
        build(seeds, Path(tmp) / "data", plots=False)
        events = pd.read_parquet(Path(tmp) / "data" / "events.parquet")
        evidence = pd.read_parquet(Path(tmp) / "data" / "evidence.parquet")

    assert sorted(events["event_id"]) == sorted(g.event["id"] for g in generated)
    rows = {row["event_id"]: row for row in events.to_dict("records")}
    for item in generated:
        row = {name: plain(value) for name, value in rows[item.event["id"]].items()}
        given_event = item.event
        for name in ("type", "status", "actor1", "actor2", "summary", "location", "coder_note", "date_text"):
            column = "event_type" if name == "type" else name
            assert row[column] == given_event.get(name), f"{column}: {row[column]!r} != {given_event.get(name)!r}"
        for name in TYPES[given_event["type"]][1]:
            assert row[name] == expected_cell(given_event[name]), name
        for name in ("value", "currency"):
            assert row[name] == given_event.get(name), name
        assert row["doc_id"] == DOC_ID
        assert row["dyad"] == "-".join(sorted((given_event["actor1"], given_event["actor2"])))
        assert (row["date_precision"], row["date_start"], row["date_end"], row["date_basis"]) == (
            item.when.precision,
            item.when.start,
            item.when.end,
            item.when.basis,
        ), given_event.get("date_text") or given_event.get("date_bounds")
        quote, start = given_event["evidence"][0]["quote"], item.quote_start
        assert text[start : start + len(quote)] == quote
        quotes = evidence[evidence["event_id"] == given_event["id"]]
        assert [(q["quote"], q["char_start"], q["char_end"]) for q in quotes.to_dict("records")] == [(quote, start, start + len(quote))]
