"""One event, many sources: a document reports an event another document codes (``reports:``),
the published tables show every source, the dates are what the sources agree on, and two codings
of one event can be merged without breaking a citation.

The documents that report seed events are invented, in ``tests/fixtures/reports/``; what each
should give is worked out here from the seeds and the fixtures, not written down."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from bilat.dates import DateBasis, DateNormalizer, NormalizedDate
from bilat.edtf import Precision, parse_edtf
from bilat.ids import mint_id
from bilat.metadata import LIST_SEPARATOR
from bilat.normalize import agreed_date
from tests.conftest import ROOT, run

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
AGREEING, PRECISE, CONTRADICTING, THIRD = (next((FIXTURES / name).iterdir()) for name in ("agreeing", "precise", "contradicting", "third"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the seeds and the release record; its data is built into ``data/`` by the tests that need it."""
    for name in ("seeds", "release"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def with_documents(project: Path, *folders: Path) -> Path:
    for folder in folders:
        shutil.copytree(folder, project / "seeds" / folder.name)
    return project / "seeds"


def built(capsys: pytest.CaptureFixture[str], project: Path) -> dict[str, pd.DataFrame]:
    code, _, err = run(capsys, "build", "--seeds", project / "seeds", "--out", project / "data", "--no-plots")
    assert code == 0, err
    return {name: pd.read_parquet(project / "data" / f"{name}.parquet") for name in ("events", "evidence", "documents")}


def coded_yaml(folder: Path) -> dict:
    return yaml.safe_load((folder / "events.yaml").read_text(encoding="utf-8"))


def report_bounds(folder: Path, report: dict) -> tuple[dt.date | None, dt.date | None] | None:
    """The bounds a report's own date gives, read as bilat reads any date text of its document; None when it gives no date."""
    block = coded_yaml(folder)["document"]
    if "date_text" in report:
        date = DateNormalizer(block["language"]).from_text(report["date_text"], parse_edtf(block["published"]), forward=False)
        return date.start, date.end
    if "date_bounds" in report:
        bounds = parse_edtf(report["date_bounds"])
        return bounds.start, bounds.end
    return None


def day(value: object) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def test_reports_join_their_events_in_the_published_tables(project: Path, capsys: pytest.CaptureFixture[str], fresh_data: Path) -> None:
    folders = (AGREEING, PRECISE, THIRD)
    with_documents(project, *folders)
    tables = built(capsys, project)
    before = pd.read_parquet(fresh_data / "events.parquet").set_index("event_id")
    events = tables["events"].set_index("event_id")
    reported: dict[str, list[tuple[Path, dict]]] = {}
    for folder in folders:
        for report in coded_yaml(folder)["reports"]:
            reported.setdefault(report["event_id"], []).append((folder, report))
    assert any(len(reports) > 1 for reports in reported.values()), "the fixtures give one event three sources"

    for event_id, reports in reported.items():
        event, alone = events.loc[event_id], before.loc[event_id]
        doc_ids = [alone["doc_id"], *sorted(folder.name for folder, _ in reports)]
        assert event["doc_ids"] == LIST_SEPARATOR.join(doc_ids) and event["sources"] == len(doc_ids)
        assert event["doc_id"] == alone["doc_id"], "the coding document stays the event's doc_id"
        start, end = day(alone["date_start"]), day(alone["date_end"])
        for folder, report in reports:
            if (bounds := report_bounds(folder, report)) is not None:
                start = max(filter(None, (start, bounds[0])), default=None)
                end = min(filter(None, (end, bounds[1])), default=None)
        assert (day(event["date_start"]), day(event["date_end"])) == (start, end), event_id
        if (start, end) != (day(alone["date_start"]), day(alone["date_end"])):
            giver = next(folder.name for folder, report in reports if report_bounds(folder, report) == (start, end))
            assert giver in event["date_note"], "the note names the document the date came from"
            assert parse_edtf(event["date"]).start == start and parse_edtf(event["date"]).end == end
        else:
            assert (event["date"], event["date_text"] if not pd.isna(event["date_text"]) else None) == (
                alone["date"],
                alone["date_text"] if not pd.isna(alone["date_text"]) else None,
            )

    evidence = tables["evidence"]
    for folder in folders:
        text = (folder / "document.txt").read_text(encoding="utf-8")
        for report in coded_yaml(folder)["reports"]:
            rows = evidence[(evidence.event_id == report["event_id"]) & (evidence.doc_id == folder.name)]
            assert len(rows) == len(report["evidence"])
            assert all(text[row.char_start : row.char_end] == row.quote for row in rows.itertuples())
    documents = tables["documents"].set_index("doc_id")
    for folder in folders:
        assert documents.loc[folder.name, "events_reported"] == len(coded_yaml(folder)["reports"])
        assert documents.loc[folder.name, "events_coded"] == 0
    coding = {alone_doc for alone_doc in before["doc_id"]}
    assert all(documents.loc[doc_id, "events_coded"] == (before["doc_id"] == doc_id).sum() for doc_id in coding)
    untouched = [event_id for event_id in before.index if event_id not in reported]
    assert (events.loc[untouched, "sources"] == 1).all()


def test_a_report_that_contradicts_its_event_names_both_documents_and_dates(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = with_documents(project, CONTRADICTING)
    report = coded_yaml(CONTRADICTING)["reports"][0]
    coding = next(
        (folder.name, event)
        for folder in sorted((ROOT / "seeds").glob("*/"))
        if (folder / "events.yaml").is_file()
        for event in coded_yaml(folder)["events"]
        if event["id"] == report["event_id"]
    )
    for command in (["check"], ["check", "--no-cache"], ["build", "--out", project / "data"]):
        code, _, err = run(capsys, *command, "--seeds", seeds)
        assert code == 1 and not (project / "data").exists()
        line = next(line for line in err.splitlines() if "reports[0].date_text" in line)
        assert re.match(rf"{re.escape(seeds.as_posix())}/{CONTRADICTING.name}/events\.yaml:\d+:\d+: reports\[0\]\.date_text: ", line)
        assert coding[0] in line and repr(report["date_text"]) in line
        assert (coding[1].get("date_text") and repr(coding[1]["date_text"]) in line) or coding[1]["date_bounds"] in line


def test_every_rule_of_a_report_is_checked_in_one_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = project / "seeds"
    text = (
        "ANKARA, 3 May 2016 - Iranian Foreign Minister Javad Zarif arrived in Ankara on Monday. Separately, Moscow and Tehran "
        "signed a pact last year. Relations were cordial.\n"
    )
    raw = text.encode()
    folder = seeds / hashlib.sha256(raw).hexdigest()[:16]
    folder.mkdir()
    (folder / "document.txt").write_bytes(raw)
    stamp = {"by": "A. Coder", "date": "2026-12-02"}
    coded = coded_yaml(PRECISE)
    visit_id, sale_id = (report["event_id"] for report in coded["reports"])
    seed_events = {
        event["id"]: (path.parent.name, event)
        for path in sorted(seeds.glob("*/events.yaml"))
        for event in yaml.safe_load(path.read_text(encoding="utf-8"))["events"]
    }
    unused = mint_id(set(seed_events))
    merged = mint_id({*seed_events, unused})
    reports = [
        {"event_id": "0000000000", "evidence": [{"quote": "Relations were warm."}], "validated": dict(stamp)},  # not an ID at all
        {"event_id": unused, "evidence": [{"quote": "Relations were cordial."}], "validated": dict(stamp)},
        {"event_id": visit_id, "evidence": [{"quote": "Relations were cordial."}], "validated": dict(stamp)},
        {"event_id": sale_id, "evidence": [{"quote": "Moscow and Tehran signed a pact last year"}], "validated": dict(stamp)},
        {"event_id": sale_id, "evidence": [{"quote": "signed a pact"}], "validated": dict(stamp)},
        {"event_id": visit_id, "evidence": [{"quote": "Zarif arrived in Ankara"}], "date_text": "3 May 2016", "validated": dict(stamp)},
    ]
    (folder / "events.yaml").write_text(
        yaml.safe_dump(
            {
                "document": {"title": "Zarif in Ankara", "published": "2016-05-03", "published_basis": "printed", "language": "en"}
                | {"sha256": hashlib.sha256(raw).hexdigest()},
                "events": [],
                "reports": reports,
            },
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "check", "--no-cache", "--seeds", seeds)
    assert code == 1
    messages: dict[str, list[str]] = {}
    for line in err.splitlines():
        if ": reports[" in line:
            _, field, message = line.split(": ", 2)
            messages.setdefault(field, []).append(message)
    assert "reports[0].event_id" in messages, "a malformed ID is refused when the file is read"
    assert "reports[0].evidence[0].quote" in messages, "and the quotes of a report that did not validate are still checked"
    assert any(f"{unused} is not an event ID in the" in m for m in messages["reports[1].event_id"])
    visit_actors = seed_events[visit_id][1]["actor1"], seed_events[visit_id][1]["actor2"]
    assert any("the quotes do not name" in m and all(code in m for code in visit_actors) for m in messages["reports[2].evidence"])
    assert any(f"say nothing of a {seed_events[visit_id][1]['type']}" in m for m in messages["reports[2].evidence"])
    assert any("reports " + sale_id + " 2 times" in m for m in messages["reports[3].event_id"])
    assert any("is not inside any of the report's quotes" in m for m in messages["reports[5].date_text"])

    # A report in the document that codes the event, and a report of a merged ID.
    home, event = seed_events[visit_id]
    path = seeds / home / "events.yaml"
    own = yaml.safe_load(path.read_text(encoding="utf-8"))
    own["reports"] = [{"event_id": visit_id, "evidence": event["evidence"], "validated": dict(stamp)}]
    path.write_text(yaml.safe_dump(own, sort_keys=False), encoding="utf-8")
    retired = yaml.safe_load((seeds / "retired.yaml").read_text(encoding="utf-8"))
    retired["retired"] = [*(retired["retired"] or []), {"id": merged, "reason": "one event coded twice", "merged_into": sale_id}]
    (seeds / "retired.yaml").write_text(yaml.safe_dump(retired), encoding="utf-8")
    reports[1]["event_id"] = merged
    data = yaml.safe_load((folder / "events.yaml").read_text(encoding="utf-8"))
    data["reports"] = reports[1:2]
    (folder / "events.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, _, err = run(capsys, "check", "--seeds", seeds)
    assert code == 1
    assert f"{visit_id} is coded in this document: add these quotes to the event's evidence instead" in err
    assert f"{merged} was merged into {sale_id}: report {sale_id}" in err


def test_the_cached_check_agrees_with_a_full_one_on_reports(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = with_documents(project, AGREEING, PRECISE, THIRD)
    assert run(capsys, "check", "--seeds", seeds)[:2] == run(capsys, "check", "--no-cache", "--seeds", seeds)[:2]
    shutil.copytree(CONTRADICTING, seeds / CONTRADICTING.name)
    cached, full = run(capsys, "check", "--seeds", seeds), run(capsys, "check", "--no-cache", "--seeds", seeds)
    assert cached[0] == full[0] == 1 and cached[2].replace("check:", "") == full[2].replace("check:", "")
    # An edit of the registry's aliases changes what a report's quotes name, so it is checked again.
    registry = (seeds / "actors.yaml").read_text(encoding="utf-8")
    (seeds / "actors.yaml").write_text(registry.replace('"Russian"', '"Russian-ish"'), encoding="utf-8")
    assert run(capsys, "check", "--seeds", seeds)[2] == run(capsys, "check", "--no-cache", "--seeds", seeds)[2]


def test_coverage_counts_a_reports_date_as_used(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = with_documents(project, AGREEING, PRECISE, THIRD)
    code, out, err = run(capsys, "coverage", "--seeds", seeds)
    dated = [
        report["date_text"] for folder in (AGREEING, PRECISE, THIRD) for report in coded_yaml(folder)["reports"] if "date_text" in report
    ]
    assert dated and not any(repr(text) in out + err for text in dated)
    assert code == 0, out + err


def agreed(*sources: tuple[str, str, str | None]) -> tuple[NormalizedDate, str | None]:
    dates = []
    for doc_id, edtf, text in sources:
        bounds = parse_edtf(edtf)
        dates.append((doc_id, NormalizedDate(edtf, bounds.precision, bounds.start, bounds.end, DateBasis.stated), text))
    return agreed_date(dates, len(dates))


def test_the_agreed_date_is_never_more_precise_than_a_source_and_says_where_it_came_from() -> None:
    same, text = agreed(("a", "2015-01", "January 2015"), ("b", "2015", "2015"))
    assert (same.edtf, same.precision, same.note, text) == ("2015-01", Precision.month, None, "January 2015")
    finer, text = agreed(("a", "2015-01", "January 2015"), ("b", "2015-01-20", "20 January"))
    assert (finer.edtf, finer.precision, text) == ("2015-01-20", Precision.day, "20 January") and "from b" in finer.note
    sides, text = agreed(("a", "2015-01", "January"), ("b", "2015-01-10/..", "after 10 January"), ("c", "../2015-01-20", "by 20 January"))
    assert (sides.edtf, sides.precision, sides.basis, text) == ("2015-01-10/2015-01-20", Precision.range, DateBasis.sources, None)
    assert "start from b" in sides.note and "end from c" in sides.note
    month, _ = agreed(("a", "2015/2016", None), ("b", "2015-03/2016-03", None), ("c", "2014-06/2015-03", None))
    assert (month.edtf, month.start, month.end) == ("2015-03", dt.date(2015, 3, 1), dt.date(2015, 3, 31))


SECOND_CODING = (
    "TEHRAN, Jan. 21, 2015 - Russian Defence Minister Sergei Shoigu visited Tehran on January 20 and held talks with "
    "Iranian officials, state media reported.\n"
)


def add_document(capsys: pytest.CaptureFixture[str], seeds: Path, text: str, title: str) -> str:
    article = seeds.parent / "article.txt"
    article.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "add", article, "--title", title, "--seeds", seeds)
    assert code == 0, err
    return out.splitlines()[-1]


def test_review_attaches_a_draft_to_the_event_it_repeats(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = project / "seeds"
    doc_id = add_document(capsys, seeds, SECOND_CODING, "Shoigu in Tehran")
    assert run(capsys, "draft", doc_id, "--seeds", seeds)[0] == 0
    drafts = yaml.safe_load((seeds / doc_id / "events.yaml").read_text(encoding="utf-8"))["drafts"]
    number, visit = next((n, d) for n, d in enumerate(drafts, 1) if d["type"] == "visit" and d.get("possible_duplicate"))
    event_id = visit["possible_duplicate"]
    path = seeds / doc_id / "events.yaml"
    before = path.read_bytes()

    others = [e for e in pd.read_parquet(ROOT / "data" / "events.parquet").itertuples() if e.event_type != "visit"]
    code, _, err = run(capsys, "review", doc_id, "--attach", number, others[0].event_id, "--by", "A. Coder", "--seeds", seeds)
    assert code == 2 and re.search(rf"but {others[0].event_id} is an? \w+ {others[0].event_type}", err) and path.read_bytes() == before
    code, _, err = run(capsys, "review", doc_id, "--attach", number, event_id, "--seeds", seeds)
    assert code == 2 and "--by NAME is needed" in err and path.read_bytes() == before
    code, _, err = run(capsys, "review", doc_id, "--attach", "one", event_id, "--by", "A", "--seeds", seeds)
    assert code == 2 and "give the draft's number first" in err

    code, out, err = run(capsys, "review", doc_id, "--attach", number, event_id.lower(), "--by", "A. Coder", "--seeds", seeds)
    assert code == 0, err
    assert f"draft {number} attached as a report of {event_id}" in out and "1 attached" in out
    coded = yaml.safe_load(path.read_text(encoding="utf-8"))
    (report,) = coded["reports"]
    assert report["event_id"] == event_id and report["evidence"] == visit["evidence"] and report["validated"]["by"] == "A. Coder"
    assert report.get("date_text") == visit.get("date_text")
    assert len(coded.get("drafts", [])) == len(drafts) - 1 and coded["events"] == []

    events = built(capsys, project)["events"].set_index("event_id")
    assert events.loc[event_id, "sources"] == 2 and events.loc[event_id, "doc_ids"].endswith(doc_id)
    assert run(capsys, "draft", doc_id, "--seeds", seeds)[0] == 0
    redrafted = yaml.safe_load(path.read_text(encoding="utf-8")).get("drafts", [])
    assert all(d.get("possible_duplicate") != event_id for d in redrafted), "what the document reports is not drafted again"


def code_second_visit(seeds: Path, keep: dict) -> str:
    """A new document coding a seed visit a second time, as a coder who missed the first coding would; its doc_id."""
    raw = SECOND_CODING.encode()
    doc_id = hashlib.sha256(raw).hexdigest()[:16]
    (seeds / doc_id).mkdir()
    (seeds / doc_id / "document.txt").write_bytes(raw)
    visit = {key: keep[key] for key in ("type", "status", "actor1", "actor2")} | {
        "date_text": "January 20",
        "summary": "Shoigu visited Tehran.",
        "evidence": [{"quote": "Russian Defence Minister Sergei Shoigu visited Tehran on January 20"}],
        "visitor": "Sergei Shoigu",
        "validated": {"by": "B. Coder", "date": "2026-12-02"},
    }
    block = {"title": "Shoigu in Tehran", "published": "2015-01-21", "published_basis": "printed", "language": "en"}
    coded = {"document": block | {"sha256": hashlib.sha256(raw).hexdigest()}, "events": [visit]}
    coded["dismissed"] = [{"text": "TEHRAN, Jan. 21, 2015", "reason": "the dateline"}]
    (seeds / doc_id / "events.yaml").write_text(yaml.safe_dump(coded, sort_keys=False), encoding="utf-8")
    return doc_id


def test_a_merge_keeps_every_citation_working(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("seeds", "release", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    for name in ("CHANGELOG.md", "CITATION.cff", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    published = pd.read_parquet(ROOT / "data" / "events.parquet")
    keep = published[(published.event_type == "visit") & published.date_precision.eq("day")].iloc[0]
    home = tmp_path / "seeds" / keep.doc_id / "events.yaml"
    doc_id = code_second_visit(
        seeds, next(e for e in yaml.safe_load(home.read_text(encoding="utf-8"))["events"] if e["id"] == keep.event_id)
    )
    assert run(capsys, "mint", "--seeds", seeds)[0] == 0
    gone = yaml.safe_load((seeds / doc_id / "events.yaml").read_text(encoding="utf-8"))["events"][0]["id"]
    released = lambda day: run(capsys, "release", "--seeds", seeds, "--out", data, "--date", day)  # noqa: E731
    code, _, err = released("2030-01-01")
    assert code == 0, err
    assert gone in run(capsys, "cite", gone, "--data", data)[1]

    code, out, _ = run(capsys, "dupes", "--seeds", seeds)
    assert f"{keep.event_id} ~ {gone}" in out or f"{gone} ~ {keep.event_id}" in out
    code, out, err = run(capsys, "merge", keep.event_id, gone, "--by", "A. Coder", "--seeds", seeds)
    assert code == 0, err
    assert f"merged {gone} into {keep.event_id}" in out
    coded = yaml.safe_load((seeds / doc_id / "events.yaml").read_text(encoding="utf-8"))
    assert coded["events"] == [] and coded["reports"][0]["event_id"] == keep.event_id
    assert f"Coded first as event {gone}, validated by B. Coder on 2026-12-02" in coded["reports"][0]["coder_note"]
    assert {"id": gone, "reason": "one event coded twice", "merged_into": keep.event_id} in yaml.safe_load(
        (seeds / "retired.yaml").read_text(encoding="utf-8")
    )["retired"]

    code, out, err = released("2030-01-02")
    assert code == 0 and "1 merged" in out, err
    changes = pd.read_parquet(data / "changes.parquet").set_index("event_id")
    assert changes.loc[gone, "change"] == "merged" and changes.loc[gone, "merged_into"] == keep.event_id
    assert set(changes.loc[keep.event_id, "fields"].split(LIST_SEPARATOR)) >= {"sources", "doc_ids"}
    section = (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ")[1]
    assert "### Merged" in section and f"- `{gone}` into `{keep.event_id}`" in section
    assert "### Changed" not in section, "the change the merge made is told with the merge"
    events = pd.read_parquet(data / "events.parquet").set_index("event_id")
    assert gone not in events.index and events.loc[keep.event_id, "sources"] == 2

    code, out, err = run(capsys, "cite", gone, "--data", data)
    assert code == 0, err
    assert out.startswith(f"{gone} was merged into {keep.event_id}") and f"Event {keep.event_id}:" in out
    code, out, _ = run(capsys, "cite", gone, "--data", data, "--format", "bibtex")
    assert f"@misc{{bilat-{keep.event_id.lower()}," in out and f"{gone} was merged into" in out
    code, out, _ = run(capsys, "show", gone, "--data", data, "--seeds", seeds)
    assert out.startswith(f"{gone} was merged into") and f"event_id: {keep.event_id}" in out and f"quote from {doc_id}" in out


def test_a_merge_that_cannot_be_one_event_is_refused_and_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = project / "seeds"
    published = pd.read_parquet(ROOT / "data" / "events.parquet")
    visits = published[published.event_type == "visit"]
    visit, other_type = visits.iloc[0], published[published.event_type != "visit"].iloc[0]
    other_pair = visits[visits.dyad != visit.dyad].iloc[0] if (visits.dyad != visit.dyad).any() else None
    cases = [
        ([visit.event_id, visit.event_id], "cannot be merged into itself"),
        ([visit.event_id, other_type.event_id], "events of different types are not one event"),
        ([visit.event_id, mint_id(set(published.event_id))], "is not an event ID in the seeds"),
    ]
    if other_pair is not None:
        cases.append(([visit.event_id, other_pair.event_id], "events between other actors are not one event"))
    retired_id = mint_id(set(published.event_id))
    retired = yaml.safe_load((seeds / "retired.yaml").read_text(encoding="utf-8"))
    tombstone = {"id": retired_id, "reason": "one event coded twice", "merged_into": other_type.event_id}
    (seeds / "retired.yaml").write_text(yaml.safe_dump({"retired": [*(retired["retired"] or []), tombstone]}), encoding="utf-8")
    cases += [
        ([retired_id, visit.event_id], f"KEEP {retired_id} is retired (one event coded twice); it was merged into {other_type.event_id}"),
        ([visit.event_id, retired_id], f"GONE {retired_id} is retired"),
    ]
    before = {path: path.read_bytes() for path in seeds.rglob("*.yaml")}
    for ids, expected in cases:
        code, _, err = run(capsys, "merge", *ids, "--by", "A", "--seeds", seeds)
        assert code == 2 and expected in err, (ids, err)
    code, _, err = run(capsys, "merge", visit.event_id, other_type.event_id, "--seeds", seeds)
    assert code == 2 and "--by NAME is needed" in err
    assert {path: path.read_bytes() for path in seeds.rglob("*.yaml")} == before


def test_a_merge_points_reports_and_links_at_the_event_kept(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = with_documents(project, THIRD)
    report = coded_yaml(THIRD)["reports"][0]
    published = pd.read_parquet(ROOT / "data" / "events.parquet").set_index("event_id")
    keep = published.loc[report["event_id"]]
    home = seeds / keep.doc_id / "events.yaml"
    doc_id = code_second_visit(seeds, next(e for e in yaml.safe_load(home.read_text(encoding="utf-8"))["events"] if e["id"] == keep.name))
    assert run(capsys, "mint", "--seeds", seeds)[0] == 0
    gone = yaml.safe_load((seeds / doc_id / "events.yaml").read_text(encoding="utf-8"))["events"][0]["id"]
    third = seeds / THIRD.name / "events.yaml"
    third.write_text(third.read_text(encoding="utf-8").replace(keep.name, gone), encoding="utf-8")
    assert run(capsys, "check", "--seeds", seeds)[0] == 0
    code, out, err = run(capsys, "merge", keep.name, gone, "--by", "A", "--seeds", seeds)
    assert code == 0 and "1 links" in out, err
    assert yaml.safe_load(third.read_text(encoding="utf-8"))["reports"][0]["event_id"] == keep.name
    events = built(capsys, project)["events"].set_index("event_id")
    assert events.loc[keep.name, "doc_ids"].split(LIST_SEPARATOR) == [keep.doc_id, *sorted((doc_id, THIRD.name))]


SUPPORTED = [
    # (quote, the actors it names, the event type it speaks of), in the styles reports come in
    ("Pakistan proposed the contract on military cooperation to Turkey", {"PAK", "TUR"}, "agreement"),
    ("Erdogan is still expected to travel to Moscow next month, Ankara said", {"TUR", "RUS"}, "visit"),
    ("Washington threatened Turkey with travel bans and asset freezes", {"USA", "TUR"}, "sanction"),
    ("The Kurdistan Workers’ Party received U.S.-made rifles via third parties", {"PKK", "USA"}, "sale"),
    ("Iranian and Russian officials met in Tehran on Monday", {"IRN", "RUS"}, "visit"),
    ("Moscow shipped the S-300 batteries to the Islamic Republic of Iran", {"RUS", "IRN"}, "sale"),
    ("the UN Security Council's embargo on Iran", {"UNSC", "IRN"}, "sanction"),
]


@pytest.mark.parametrize(("quote", "actors", "event_type"), SUPPORTED)
def test_a_reports_quotes_are_read_for_their_actors_and_type(quote: str, actors: set[str], event_type: str) -> None:
    from bilat.drafting.support import Support
    from bilat.seeds import load_lists

    support = Support([actor for _, actor in load_lists(ROOT / "seeds").actors])
    assert actors <= support.actors(quote, quote) and event_type in support.types(quote)
    assert not support.types("Relations between the two have long been cordial.")


def new_document(seeds: Path, text: str, published: str, events: list[dict], reports: list[dict]) -> str:
    raw = text.encode()
    doc_id = hashlib.sha256(raw).hexdigest()[:16]
    (seeds / doc_id).mkdir()
    (seeds / doc_id / "document.txt").write_bytes(raw)
    block = {"title": "A report", "published": published, "published_basis": "printed", "language": "en"}
    coded = {"document": block | {"sha256": hashlib.sha256(raw).hexdigest()}, "events": events, "reports": reports}
    (seeds / doc_id / "events.yaml").write_text(yaml.safe_dump(coded, sort_keys=False), encoding="utf-8")
    return doc_id


STAMP = {"by": "A. Coder", "date": "2026-12-02"}


def test_a_plan_reported_after_its_date_is_read_on_either_side_of_publication(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = project / "seeds"
    published = pd.read_parquet(ROOT / "data" / "events.parquet")
    plan = published[published.status == "planned"].iloc[0]
    year = (day(plan.date_start) or dt.date(2000, 1, 1)).year
    later = dt.date(year + 1, 1, 10)

    def reported(when: str) -> str:
        quote = f"Turkish President Erdogan had planned to visit Tehran in {when}"
        text = f"{later:%d %B %Y} - {quote}, officials recalled.\n"
        report = {"event_id": plan.event_id, "evidence": [{"quote": quote}], "date_text": when, "validated": dict(STAMP)}
        return new_document(seeds, text, later.isoformat(), [], [report])

    vague = reported("December")
    code, _, err = run(capsys, "check", "--no-cache", "--seeds", seeds)
    assert code == 1 and "a report of a plan may be written before or after its date" in err, err
    shutil.rmtree(seeds / vague)
    reported(f"December {year}")
    events = built(capsys, project)["events"].set_index("event_id")
    assert day(events.loc[plan.event_id, "date_end"]) == dt.date(year, 12, 31), "a report after the plan's date still narrows it"


def test_follows_holds_between_the_dates_the_sources_agree_on(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = project / "seeds"
    taken = set(pd.read_parquet(ROOT / "data" / "events.parquet").event_id)
    agreed_id = mint_id(taken)
    delivered_id = mint_id({*taken, agreed_id})

    def sale(event_id: str, status: str, quote: str, **more: str) -> dict:
        event = {"id": event_id, "type": "sale", "status": status, "actor1": "RUS", "actor2": "TUR", "date_text": "2015"}
        return event | {"summary": "Russia sold Turkey missiles.", "evidence": [{"quote": quote}], "validated": dict(STAMP), **more}

    text = "MOSCOW, 5 January 2016 - Russia agreed to sell Turkey missiles in 2015 and delivered the missiles to Turkey in 2015.\n"
    agreed = sale(agreed_id, "agreed", "Russia agreed to sell Turkey missiles in 2015")
    delivered = sale(delivered_id, "delivered", "delivered the missiles to Turkey in 2015", follows=agreed_id)
    new_document(seeds, text, "2016-01-05", [agreed, delivered], [])
    first, second = "Russia agreed in November 2015 to sell Turkey missiles", "Russia delivered them to Turkey in February 2015"
    reports = [
        {"event_id": agreed_id, "evidence": [{"quote": first}], "date_text": "November 2015", "validated": dict(STAMP)},
        {"event_id": delivered_id, "evidence": [{"quote": second}], "date_text": "February 2015", "validated": dict(STAMP)},
    ]
    new_document(seeds, f"ANKARA, 9 March 2016 - {first}; {second}.\n", "2016-03-09", [], reports)
    code, _, err = run(capsys, "check", "--no-cache", "--seeds", seeds)
    assert code == 1 and f"by the dates their sources agree on, {agreed_id}" in err and "events[1].follows" in err, err


def test_attach_and_merge_refuse_what_would_lose_a_date(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = project / "seeds"
    published = pd.read_parquet(ROOT / "data" / "events.parquet")
    by_doc = published.groupby(["doc_id", "event_type", "status", "actor1", "actor2"])
    same = next((group for _, group in by_doc if len(group) > 1 and group.date.nunique() > 1), None)
    if same is not None:
        code, _, err = run(capsys, "merge", same.event_id.iloc[0], same.event_id.iloc[1], "--by", "A", "--seeds", seeds)
        assert code == 2 and "one document gives one event one date" in err
    doc_id = add_document(capsys, seeds, SECOND_CODING, "Shoigu in Tehran")
    assert run(capsys, "draft", doc_id, "--seeds", seeds)[0] == 0
    for attach, expected in (
        (["--attach", "1", "hello"], "--attach 1 HE110: "),
        (["--attach", "1", published.event_id.iloc[0], "--attach", "1", published.event_id.iloc[1]], "attached more than once"),
    ):
        code, _, err = run(capsys, "review", doc_id, *attach, "--by", "A", "--seeds", seeds)
        assert code == 2 and expected in err, err


def test_quotes_added_to_a_report_keep_one_date_and_every_note() -> None:
    from bilat.drafts import with_report
    from bilat.models import Report
    from bilat.problems import UsageError

    def report(quote: str, **more: str) -> Report:
        return Report.model_validate({"event_id": "CB31KRM6G", "evidence": [{"quote": quote}], "validated": dict(STAMP), **more})

    first = report("Shoigu visited Tehran", date_text="January", coder_note="From the lead.")
    (joined,) = with_report([first], report("the visit", coder_note="Second mention."))
    assert [q.quote for q in joined.evidence] == ["Shoigu visited Tehran", "the visit"] and joined.date_text == "January"
    assert joined.coder_note == "From the lead. Second mention."
    (dated,) = with_report([report("the visit")], first)
    assert dated.date_text == "January"
    with pytest.raises(UsageError, match="give the report one date first"):
        with_report([first], report("in February", date_text="February"))
