"""The benchmark runs end to end at a small size, and its corpus is deterministic and valid.
No test here asserts on time."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import yaml

import bench.corpus
import bilat.dates
from bench.corpus import STATUSES, generate
from bench.run import KEYS
from bilat.build import build_tables, check
from bilat.cli import main
from tests.conftest import ROOT


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_benchmark_prints_its_figures_last_as_json(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--events", "200", "--repeat", "1", "--workdir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) > 1, "a readable table comes before the JSON line"
    figures = json.loads(lines[-1])
    assert list(figures) == list(KEYS)
    assert figures["events"] == 200
    assert figures["documents"] >= 1
    assert figures["parquet_bytes"] > 0 and figures["csv_bytes"] > 0
    for key in ("build_s", "floor_s", "ratio", "check_one_doc_s", "peak_rss_mb", "read_parquet_s"):
        assert isinstance(figures[key], (int, float)) and figures[key] > 0, key
    built = pd.read_parquet(tmp_path / "n200-s0" / "data" / "events.parquet")
    assert (built["sources"] > 1).any(), "the corpus's reports give some events a second source"


def test_the_corpus_is_deterministic(tmp_path: Path) -> None:
    first, again, other = (generate(tmp_path / name, 300, seed) for name, seed in (("a", 1), ("b", 1), ("c", 2)))
    assert tree(first) == tree(again)
    assert tree(first) != tree(other)


def test_reports_leave_the_events_of_a_seed_as_they_were(tmp_path: Path, monkeypatch) -> None:
    with_reports = generate(tmp_path / "with", 300, seed=5)
    monkeypatch.setattr(bench.corpus, "REPORTING_SHARE", 0.0)
    without = generate(tmp_path / "without", 300, seed=5)
    files = sorted(p.relative_to(without) for p in without.glob("*/events.yaml"))
    assert files == sorted(p.relative_to(with_reports) for p in with_reports.glob("*/events.yaml"))
    reporting = 0
    for name in files:
        old, new = (yaml.safe_load((root / name).read_text(encoding="utf-8")) for root in (without, with_reports))
        assert new["events"] == old["events"] and new.get("dismissed") == old.get("dismissed")
        if new.get("reports"):
            reporting += 1
            assert new["document"]["sha256"] != old["document"]["sha256"]
        else:
            text = name.with_name("document.txt")
            assert new == old and (with_reports / text).read_bytes() == (without / text).read_bytes()
    assert reporting > 0


def test_the_corpus_passes_check_and_has_the_promised_mix(tmp_path: Path, capsys) -> None:
    seeds = generate(tmp_path / "seeds", 400, seed=3)
    assert main(["check", "--seeds", str(seeds)]) == 0
    assert "ok: 400 events" in capsys.readouterr().out
    checked = check(seeds)
    events = checked.events
    assert len(events) == 400 and 30 <= len(checked.seeds.documents) <= 50
    assert {(c.event.type, c.event.status.value) for c in events} == {(t, s) for t in STATUSES for s in STATUSES[t]}
    assert {c.date.precision.value for c in events} == {"day", "month", "year", "range", "unknown"}
    assert {c.date.basis.value for c in events} == {"stated", "year_inferred", "coder"}
    texts = Counter(c.event.date_text for c in events if c.event.date_text)
    assert max(texts.values()) > 1 and min(texts.values()) == 1, "some date texts recur, others are unique"
    assert any(c.event.date_bounds and c.event.date_bounds.startswith("../") for c in events)
    assert any(c.event.date_bounds and c.event.date_bounds.endswith("/..") and c.event.status.value == "planned" for c in events)
    assert any(c.event.follows for c in events)
    reports = [report for document in checked.seeds.documents for _, report in document.reports]
    assert reports, "some documents report events coded in earlier ones"
    assert any(r.date_text for r in reports) and any(r.date_text is None and r.date_bounds is None for r in reports)
    own = {c.event.id: c.date for coding in checked.codings for c in coding.coded}
    assert any(c.reports and (c.date.start, c.date.end) != (own[c.event.id].start, own[c.event.id].end) for c in events), (
        "a report more precise than the coding document narrows the event's date"
    )
    tables, _ = build_tables(checked)
    sources = tables["events"]["sources"]
    assert (sources > 1).any() and sources.sum() == len(events) + len(reports)
    registry = (ROOT / "seeds" / "actors.yaml").read_bytes()
    assert (seeds / "actors.yaml").read_bytes() == registry


def test_dates_read_on_several_cores_give_the_same_dataset(tmp_path: Path, monkeypatch) -> None:
    seeds = generate(tmp_path / "seeds", 400, seed=4)
    alone, _ = build_tables(check(seeds))
    monkeypatch.setattr(bilat.dates.DateReader, "PARALLEL_FROM", 1)
    monkeypatch.setattr(bilat.dates.DateReader, "BATCH", 7)
    monkeypatch.setattr(bilat.dates.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    shared, _ = build_tables(check(seeds))
    for name, frame in alone.items():
        pd.testing.assert_frame_equal(shared[name], frame, check_exact=True)
