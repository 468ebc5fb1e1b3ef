"""From a new document to validated events: ``bilat add``, ``bilat draft``, ``bilat review``, as a
coder runs them, at a terminal or with flags; drafts never reach data/."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.conftest import ROOT, run

WIRE = (
    "ISLAMABAD, May 6, 2026 (Wire) - Turkish Defence Minister Yasar Guler arrived in Islamabad on Tuesday for two days "
    "of talks with his Pakistani counterpart, officials said.\n\n"
    "The two ministers signed a memorandum of understanding on naval cooperation on Wednesday, the defence ministry "
    "said in a statement.\n\n"
    "Pakistan could also buy Turkish drones in the coming years, but no order has been announced.\n"
)
SECOND_REPORT = (
    "TEHRAN, Jan. 21, 2015 - Russian Defence Minister Sergei Shoigu visited Tehran on January 20 and held talks with "
    "Iranian officials, state media reported.\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("seeds", "release"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def added(capsys: pytest.CaptureFixture[str], project: Path, text: str, title: str) -> str:
    article = project / "article.txt"
    article.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "add", article, "--title", title, "--seeds", project / "seeds")
    assert code == 0, err
    return out.splitlines()[-1]


def drafts_of(capsys: pytest.CaptureFixture[str], project: Path, doc_id: str) -> list[dict]:
    code, out, err = run(capsys, "draft", doc_id, "--json", "--seeds", project / "seeds")
    assert code == 0, err
    return json.loads(out)


def events_yaml(project: Path, doc_id: str) -> dict:
    return yaml.safe_load((project / "seeds" / doc_id / "events.yaml").read_text(encoding="utf-8"))


def test_a_new_document_from_add_to_a_published_validated_event(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc_id = added(capsys, project, WIRE, "Turkish minister in Islamabad")
    drafts = drafts_of(capsys, project, doc_id)
    kinds = {(d["type"], d["status"], frozenset((d["actor1"], d["actor2"]))): d for d in drafts}
    visit = kinds[("visit", "occurred", frozenset({"TUR", "PAK"}))]
    pact = kinds[("agreement", "signed", frozenset({"TUR", "PAK"}))]
    assert (visit["actor1"], visit["date"], visit["date_precision"], visit["date_basis"]) == ("TUR", "2026-05-05", "day", "relative")
    assert (pact["date"], pact["date_basis"]) == ("2026-05-06", "relative")
    assert not any(d["type"] == "sale" for d in drafts), "a hypothetical and a negation are not drafted"
    assert all(d["cues"] for d in drafts) and [d["draft"] for d in drafts] == list(range(1, len(drafts) + 1))

    others = [str(d["draft"]) for d in drafts if d not in (visit, pact)]
    reject = ["--reject", *others, "--reason", "not an event of the four types"] if others else []
    code, out, err = run(
        capsys, "review", doc_id, "--accept", visit["draft"], pact["draft"], *reject, "--by", "A. Coder", "--seeds", project / "seeds"
    )
    assert code == 0, err
    minted = dict(line.split(" accepted as event ") for line in out.splitlines() if " accepted as event " in line)
    assert set(minted) == {f"draft {visit['draft']}", f"draft {pact['draft']}"}
    coded = events_yaml(project, doc_id)
    assert coded.get("drafts", []) == [] and len(coded["events"]) == 2
    assert all(event["validated"]["by"] == "A. Coder" for event in coded["events"])

    assert run(capsys, "coverage", "--seeds", project / "seeds")[0] == 0
    code, _, err = run(capsys, "build", "--seeds", project / "seeds", "--out", project / "data", "--no-plots")
    assert code == 0, err
    events = pd.read_parquet(project / "data" / "events.parquet").set_index("event_id")
    for event_id in minted.values():
        assert events.loc[event_id, "doc_id"] == doc_id and events.loc[event_id, "validated_by"] == "A. Coder"
        assert not pd.isna(events.loc[event_id, "validated_on"])


def test_a_rejected_draft_never_returns_and_drafts_never_reach_the_data(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc_id = added(capsys, project, WIRE, "Turkish minister in Islamabad")
    drafts = drafts_of(capsys, project, doc_id)
    first = drafts[0]
    code, _, err = run(
        capsys, "review", doc_id, "--reject", 1, "--reason", "coded elsewhere by hand", "--by", "B", "--seeds", project / "seeds"
    )
    assert code == 0, err
    again = drafts_of(capsys, project, doc_id)
    assert all((d["type"], d["evidence"]) != (first["type"], first["evidence"]) for d in again)
    assert len(again) == len(drafts) - 1
    assert events_yaml(project, doc_id)["rejected"][0]["reason"] == "coded elsewhere by hand"

    code, _, err = run(capsys, "build", "--seeds", project / "seeds", "--out", project / "data", "--no-plots")
    assert code == 0 and f"{len(again)} draft" in err and "wait for `bilat review`" in err
    assert doc_id not in set(pd.read_parquet(project / "data" / "events.parquet")["doc_id"])
    code, _, err = run(capsys, "release", "--seeds", project / "seeds", "--out", project / "data", "--date", "2030-01-01")
    assert code == 1 and "drafts wait for review; accept or reject them before a release" in err


def test_a_draft_of_an_event_coded_from_another_document_names_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc_id = added(capsys, project, SECOND_REPORT, "Shoigu in Tehran")
    drafts = drafts_of(capsys, project, doc_id)
    visit = next(d for d in drafts if d["type"] == "visit")
    coded = pd.read_parquet(ROOT / "data" / "events.parquet")
    same = coded[(coded.event_type == "visit") & (coded.dyad == "IRN-RUS") & (coded.date == visit["date"])]
    assert visit["possible_duplicate"] in set(same["event_id"])


def test_review_refuses_what_cannot_be_done_and_says_why(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc_id = added(capsys, project, WIRE, "Turkish minister in Islamabad")
    drafts_of(capsys, project, doc_id)
    path = project / "seeds" / doc_id / "events.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('actor2: "PAK"', 'actor2: "ZZZ"', 1), encoding="utf-8")
    before = path.read_bytes()
    seeds = project / "seeds"
    cases = [
        (["--accept", "99", "--by", "A"], "there is no draft 99"),
        (["--reject", "1", "--by", "A"], "--reject needs --reason"),
        (["--accept", "1"], "--by NAME is needed"),
        (["--accept", "1", "--by", "A"], "ZZZ is not in seeds/actors.yaml"),
        (["--accept", "2", "--reject", "2", "--reason", "x", "--by", "A"], "both accepted and rejected"),
    ]
    for options, expected in cases:
        code, _, err = run(capsys, "review", doc_id, *options, "--seeds", seeds)
        assert code == 2 and expected in err, (options, err)
        assert path.read_bytes() == before, options
    assert run(capsys, "review", "not-a-doc-id", "--accept", "1", "--by", "A", "--seeds", seeds)[2].count("is not a doc_id") == 1
    code, _, err = run(capsys, "draft", "--seeds", seeds)
    assert code == 2 and "give one or more DOC_IDs, or --all" in err


def read_until(descriptor: int, wanted: bytes, seconds: float = 60.0) -> bytes:
    seen, deadline = b"", time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        import select

        ready, _, _ = select.select([descriptor], [], [], 0.5)
        if ready:
            try:
                seen += os.read(descriptor, 65536)
            except OSError:
                break
    return seen


@contextlib.contextmanager
def review_at_a_terminal(project: Path, doc_id: str) -> Iterator[tuple[subprocess.Popen, int]]:
    """``bilat review DOC_ID`` with a pseudo-terminal for its input and output: the process, and the
    terminal's side to type on; the process is killed if it is still running at the end."""
    import pty

    leader, follower = pty.openpty()
    environment = {**os.environ, "BILAT_CODER": "C. Coder", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bilat.cli", "review", doc_id, "--seeds", str(project / "seeds")],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=environment,
    )
    os.close(follower)
    try:
        yield process, leader
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)


def test_the_interactive_review_at_a_terminal(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc_id = added(capsys, project, WIRE, "Turkish minister in Islamabad")
    total = len(drafts_of(capsys, project, doc_id))
    assert total >= 2
    with review_at_a_terminal(project, doc_id) as (process, leader):
        shown = read_until(leader, b"[q]uit > ")
        assert f"draft 1 of {total}".encode() in shown and b"cues:" in shown and b"[[" in shown
        os.write(leader, b"a")
        shown = read_until(leader, b"[q]uit > ")
        assert b"accepted as event " in shown and f"draft 2 of {total}".encode() in shown
        os.write(leader, b"r")
        read_until(leader, b"why is it not an event?")
        os.write(leader, b"a background mention\n")
        shown = read_until(leader, b"rejected")
        os.write(leader, b"q")
        shown += read_until(leader, b"drafts left")
        assert process.wait(timeout=60) == 0
    assert f"1 accepted, 0 attached, 1 rejected, {total - 2} drafts left".encode() in shown
    coded = events_yaml(project, doc_id)
    assert coded["events"][0]["validated"]["by"] == "C. Coder" and coded["rejected"][0]["reason"] == "a background mention"
    assert len(coded.get("drafts", [])) == total - 2


def test_at_a_terminal_a_possible_duplicate_is_attached_to_its_event(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc_id = added(capsys, project, SECOND_REPORT, "Shoigu in Tehran")
    drafts = drafts_of(capsys, project, doc_id)
    first = drafts[0]
    assert first.get("possible_duplicate"), "the first draft repeats a seed event"
    with review_at_a_terminal(project, doc_id) as (process, leader):
        shown = read_until(leader, b"[q]uit > ")
        assert f"possible duplicate of event {first['possible_duplicate']}".encode() in shown
        os.write(leader, b"t")
        assert f"[{first['possible_duplicate']}]".encode() in read_until(leader, b"which event?")
        os.write(leader, b"\n")
        shown = read_until(leader, b"attached as a report of")
        os.write(leader, b"q")
        shown += read_until(leader, b"drafts left")
        assert process.wait(timeout=60) == 0
    assert f"0 accepted, 1 attached, 0 rejected, {len(drafts) - 1} drafts left".encode() in shown
    (report,) = events_yaml(project, doc_id)["reports"]
    assert report["event_id"] == first["possible_duplicate"] and report["validated"]["by"] == "C. Coder"
