"""``bilat dupes``: one real-world event coded twice is found; distinct events are not paired."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from bilat.build import check
from bilat.dupes import LISTED_FROM, _overlapping, candidates
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


def test_only_events_whose_dates_overlap_are_compared() -> None:
    events = check(SEEDS).events
    compared = {frozenset((a.event.id, b.event.id)) for a, b in _overlapping(events)}
    for a in events:
        for b in events:
            if a is b:
                continue
            (a_start, a_end), (b_start, b_end) = (a.date.start, a.date.end), (b.date.start, b.date.end)
            apart = a_end is not None and b_start is not None and a_end < b_start
            apart = apart or (b_end is not None and a_start is not None and b_end < a_start)
            assert (frozenset((a.event.id, b.event.id)) in compared) == (not apart)
