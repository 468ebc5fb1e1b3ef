"""``bilat dupes``: one real-world event coded twice is found; distinct events are not paired."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from random import Random

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.dupes import KEYS
from bench.dupes import main as bench_main
from bilat.build import check
from bilat.dates import DateBasis, NormalizedDate, from_bounds
from bilat.dupes import LISTED_FROM, Candidate, candidates, compared, least_jaccard, score
from bilat.edtf import Precision
from bilat.ids import mint_id
from bilat.models import EVENT_TYPES, statuses
from bilat.normalize import CodedEvent, LocatedQuote
from tests.conftest import ROOT, SEEDS, run

SECOND_REPORT = (
    "TEHRAN, Jan. 21, 2015 - Russian Defense Minister Sergei Shoigu visited Tehran on January 20, the first such visit "
    "in 15 years, and signed a military cooperation agreement, state media reported.\n"
)


def test_no_two_of_the_seed_events_are_taken_for_one() -> None:
    assert candidates(check(SEEDS).events) == []


def test_a_second_coding_of_a_seed_event_is_found_and_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("seeds", "release"):
        shutil.copytree(ROOT / name, tmp_path / name)
    seeds = tmp_path / "seeds"
    raw = SECOND_REPORT.encode()
    folder = seeds / hashlib.sha256(raw).hexdigest()[:16]
    folder.mkdir()
    (folder / "document.txt").write_bytes(raw)
    visit = {
        "type": "visit",
        "status": "occurred",
        "actor1": "RUS",
        "actor2": "IRN",
        "date_text": "January 20",
        "summary": "Shoigu visited Tehran.",
        "evidence": [{"quote": "Russian Defense Minister Sergei Shoigu visited Tehran on January 20"}],
        "location": "Tehran",
        "visitor": "Sergei Shoigu",
        "validated": {"by": "A. Coder", "date": "2026-12-01"},
    }
    block = {"title": "Shoigu in Tehran", "published": "2015-01-21", "published_basis": "printed", "language": "en"}
    coded = {"document": block | {"sha256": hashlib.sha256(raw).hexdigest()}, "events": [visit]}
    coded["dismissed"] = [{"text": "TEHRAN, Jan. 21, 2015", "reason": "the dateline"}, {"text": "15 years", "reason": "background"}]
    (folder / "events.yaml").write_text(yaml.safe_dump(coded, sort_keys=False), encoding="utf-8")
    assert run(capsys, "mint", "--seeds", seeds)[0] == 0

    code, out, err = run(capsys, "dupes", "--seeds", seeds)
    assert code == 0, err
    first = out.splitlines()[0]
    assert "CB31KRM6G" in first and "same date 2015-01-20" in first and "same visitor 'Sergei Shoigu'" in first
    assert float(first.split()[0]) >= LISTED_FROM and out.splitlines()[-1].startswith("1 candidate pair")
    assert run(capsys, "dupes", "--seeds", seeds, "--fail")[0] == 1
    assert run(capsys, "dupes", "--seeds", seeds, "--min", "0.99", "--fail")[0] == 0


def _overlap(a: CodedEvent, b: CodedEvent) -> bool:
    low, high = dt.date.min, dt.date.max
    return (a.date.start or low) <= (b.date.end or high) and (b.date.start or low) <= (a.date.end or high)


def _group(coded: CodedEvent) -> tuple:
    """Type, pair and status; the pair in order for a type with a direction (a visit from A to B is not one from B to A)."""
    event = coded.event
    pair = (event.actor1, event.actor2) if event.type != "agreement" else frozenset((event.actor1, event.actor2))
    return event.type, pair, event.status


def every_pair_scored(events: Sequence[CodedEvent]) -> list[Candidate]:
    """Brute force: every two events of one type, pair and status whose dates overlap, scored, in
    the order (and each pair the way round) that ``bilat dupes`` has always scored them: the group
    as it first occurs, then the later start, then the earlier; equal starts as the events came."""
    groups: dict[tuple, list[CodedEvent]] = {}
    for coded in events:
        groups.setdefault(_group(coded), []).append(coded)
    scored = []
    for group in groups.values():
        ordered = sorted(group, key=lambda coded: coded.date.start or dt.date.min)
        for j, later in enumerate(ordered):
            scored += [score(earlier, later) for earlier in ordered[:j] if _overlap(earlier, later)]
    return scored


def listed(scored: Sequence[Candidate], listed_from: float) -> list[tuple]:
    kept = sorted((c for c in scored if c.score >= listed_from), key=lambda c: (-c.score, c.first.event.id or "", c.second.event.id or ""))
    return [(c.score, id(c.first), id(c.second), c.why) for c in kept]


def found(events: Sequence[CodedEvent], listed_from: float) -> list[tuple]:
    return [(c.score, id(c.first), id(c.second), c.why) for c in candidates(events, listed_from)]


def test_only_events_whose_dates_overlap_are_compared() -> None:
    events = check(SEEDS).events
    pairs = [{id(a), id(b)} for a, b in compared(events, 0.0)]  # nothing to reach: every overlapping pair
    expected = [{id(a), id(b)} for i, a in enumerate(events) for b in events[i + 1 :] if _group(a) == _group(b) and _overlap(a, b)]
    assert len(pairs) == len(expected) and all(pair in expected for pair in pairs)


# --- the fast path is exact: random small corpora against the brute force ----------------------

IDS = [mint_id(set(), Random(n).getrandbits) for n in range(60)]
WORDS = [
    *("the", "the", "minister", "visited", "signed", "agreement", "in", "on", "of", "and", "Tehran", "Moscow", "Ankara", "defence"),
    *("talks", "state", "media", "reported", "first", "visit", "years", "military", "cooperation", "deal", "S-300", "June", "2014"),
    *("Shoigu", "Zarif", "Putin", "Rouhani", "sanctions", "oil", "nuclear", "protocol", "training"),
]
"""Words the quotes are made of: few, so that quotes share many ("the" twice: commoner)."""
QUOTES = st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(" ".join) | st.just("…")  # "…": a quote with no word
DATES = [
    *(from_bounds(edtf, "test") for edtf in ("2014", "2014-06", "2014-06-12", "2014-06-13", "2014-06-12/2014-06-20", "2013/2015")),
    *(from_bounds(edtf, "test") for edtf in ("2014-05/2014-07", "2015-03", "2012", "0001/2014", "2014/9999-12-31", "9999-12-31")),
    *(from_bounds(edtf, "test") for edtf in ("../2014-07-01", "../2014-06-12", "2014-06-01/..", "2014-06-12/..", "../..")),
]
ODD_DATE = NormalizedDate("2014-06", Precision.month, None, dt.date(2014, 6, 30), DateBasis.coder, "test")
"""One EDTF with bounds of another (open on the left): never read from seeds, but ``candidates`` must stay exact."""
FIELDS = {
    "location": ["Tehran", "TEHRAN", "Moscow", "Ankara"],
    "visitor": ["Sergei Shoigu", "Sergei  Shoigu", "SERGEI SHOIGU", "Javad Zarif", "Mohammad Javad Zarif"],
    "agreement_title": ["Protocol on Military Training", "protocol on military training", "Memorandum of Understanding"],
    "item": ["S-300 systems", "S\u2011300 systems", "Su-30 fighters"],
    "instrument": ["Resolution 1929", "resolution 1929", "Executive Order 13846"],
}
OWN_FIELD = {"visit": "visitor", "agreement": "agreement_title", "sale": "item", "sanction": "instrument"}


@st.composite
def corpus(draw: st.DrawFn, odd_dates: bool = False) -> list[CodedEvent]:
    """Up to 40 events in few groups, most dates overlapping, fields and quote words shared often."""
    types = draw(st.lists(st.sampled_from(sorted(EVENT_TYPES)), min_size=1, max_size=2, unique=True))
    ids = draw(st.permutations(IDS))
    dates = [*DATES, ODD_DATE] if odd_dates else DATES
    events = []
    for n in range(draw(st.integers(0, 40))):
        event_type = draw(st.sampled_from(types))
        actor1, actor2 = draw(st.sampled_from([("RUS", "IRN"), ("IRN", "RUS"), ("TUR", "IRN")]))
        date = draw(st.sampled_from(dates))
        quotes = draw(st.lists(QUOTES, min_size=1, max_size=2))
        record = {
            "type": event_type,
            "status": draw(st.sampled_from([s.value for s in statuses(event_type)][:2])),
            "actor1": actor1,
            "actor2": actor2,
            "date_bounds": date.edtf,
            "date_reason": "test",
            "summary": "An event.",
            "evidence": [{"quote": quote} for quote in quotes],
            "validated": {"by": "A. Coder", "date": "2026-12-01"},
        }
        if draw(st.booleans()):
            record["id"] = ids[n]
        for name in ("location", OWN_FIELD[event_type]):
            if draw(st.booleans()):
                record[name] = draw(st.sampled_from(FIELDS[name]))
        event = EVENT_TYPES[event_type].model_validate(record)
        evidence = tuple(LocatedQuote(quote, 0, len(quote)) for quote in quotes)
        events.append(CodedEvent(event, draw(st.sampled_from(["d1", "d2", "d3"])), date, None, evidence))
    return events


THRESHOLDS = (0.0, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 1.0, 1.01)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=corpus(), chosen=st.lists(st.integers(0, 10**6), max_size=6))
def test_the_listed_pairs_are_those_of_scoring_every_overlapping_pair(events: list[CodedEvent], chosen: list[int]) -> None:
    scored = every_pair_scored(events)
    scores = sorted({c.score for c in scored})
    # Besides round figures: thresholds equal to pair's scores, and just above them, where a pair is on the edge.
    at_a_score = [scores[i % len(scores)] for i in chosen] if scores else []
    for threshold in (*THRESHOLDS, LISTED_FROM, *at_a_score, *(s + 5e-5 for s in at_a_score)):
        assert found(events, threshold) == listed(scored, threshold), threshold


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=corpus(odd_dates=True))
def test_a_date_whose_edtf_and_bounds_disagree_does_not_lose_pairs(events: list[CodedEvent]) -> None:
    scored = every_pair_scored(events)
    for threshold in THRESHOLDS:
        assert found(events, threshold) == listed(scored, threshold), threshold


def coded(edtf: str, quote: str, location: str | None = None, event_id: str | None = None) -> CodedEvent:
    record = {"type": "visit", "status": "occurred", "actor1": "RUS", "actor2": "IRN", "date_bounds": edtf, "date_reason": "test"}
    record |= {"summary": "A visit.", "evidence": [{"quote": quote}], "validated": {"by": "A. Coder", "date": "2026-12-01"}}
    record |= {"location": location} if location else {}
    record |= {"id": event_id} if event_id else {}
    event = EVENT_TYPES["visit"].model_validate(record)
    return CodedEvent(event, "d1", from_bounds(edtf, "test"), None, (LocatedQuote(quote, 0, len(quote)),))


def test_a_pair_exactly_at_the_threshold_is_listed_where_the_pruning_asks_the_most() -> None:
    # An open date and a day inside it, the same words and no named field: 0.4 x 0.5 + 0.4 x 1 = 0.6,
    # so at 0.6 the pair needs a Jaccard of 1 (less the margin).
    pair = [coded("../2014-07-01", "Shoigu visited Tehran"), coded("2014-06-12", "Shoigu visited Tehran")]
    assert least_jaccard(0.6, open_date=True, same_field=False) == pytest.approx(1.0, abs=0.01)
    assert [c.score for c in candidates(pair, 0.6)] == [0.6]
    assert candidates(pair, 0.6001) == []
    # One word fewer in common and the pair cannot reach 0.6: it is not even compared.
    far = [coded("../2014-07-01", "Shoigu visited Tehran"), coded("2014-06-12", "Shoigu visited Moscow")]
    assert list(compared(far, 0.6)) == [] and len(list(compared(far, 0.0))) == 1


def test_a_pair_naming_the_same_place_is_compared_whatever_its_words() -> None:
    # Closed dates and one named field: 0.4 x 1 + 0.2 = 0.6 with no word in common.
    pair = [coded("2014-06-12", "Shoigu visited Tehran", "Tehran"), coded("2014-06-12", "The minister arrived", "TEHRAN")]
    (candidate,) = candidates(pair, 0.6)
    assert candidate.score == 0.6 and "same location 'Tehran'" in candidate.why and "quotes share 0% of their words" in candidate.why
    assert candidates([pair[0], coded("2014-06-12", "The minister arrived", "Moscow")], 0.6) == []


def test_the_bench_prints_its_counts_last_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_main(["--events", "300"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert list(figures) == list(KEYS) and figures["events"] == 300 and figures["threshold"] == LISTED_FROM
    assert figures["listed"] <= figures["compared"] < figures["overlapping"]


def test_a_visit_each_way_is_not_a_pair_but_an_agreement_either_way_is() -> None:
    there = coded("2014-06-12", "Shoigu visited Tehran")
    back = CodedEvent(there.event.model_copy(update={"actor1": "IRN", "actor2": "RUS"}), "d2", there.date, None, there.evidence)
    assert candidates([there, back], 0.0) == []
    signed = {"type": "agreement", "status": "signed", "date_bounds": "2014-06-12", "date_reason": "test", "summary": "A pact."}
    signed |= {"evidence": [{"quote": "they signed a pact"}], "validated": {"by": "A. Coder", "date": "2026-12-01"}}
    pacts = [
        CodedEvent(EVENT_TYPES["agreement"].model_validate(signed | pair), doc, from_bounds("2014-06-12", "test"), None, there.evidence)
        for doc, pair in (("d1", {"actor1": "RUS", "actor2": "IRN"}), ("d2", {"actor1": "IRN", "actor2": "RUS"}))
    ]
    assert len(candidates(pacts, 0.5)) == 1
