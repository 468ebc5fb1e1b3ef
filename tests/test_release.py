"""Citable releases: the version, the delta between releases, datapackage.json, CITATION.cff,
SHA256SUMS, cite and show, and the loaders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import jsonschema
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

import bilat
from bilat.build import build
from bilat.ids import mint_id
from bilat.release import event_delta
from tests.conftest import DATA, ROOT, releases, run

SHOIGU = "639ef802b4573800"
MOU = "ca07c16d152b956b"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's seeds, release record, data and root files."""
    for name in ("seeds", "release", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    for name in ("CHANGELOG.md", "CITATION.cff"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- the delta -------------------------------------------------------------------------------


def test_event_delta_names_added_changed_merged_and_retired_events() -> None:
    old = pd.DataFrame({"event_id": ["A", "B", "C", "E"], "summary": ["a", "b", "c", "e"], "date": ["2007", "2010", "2011", "2013"]})
    new = pd.DataFrame({"event_id": ["A", "B", "D"], "summary": ["a", "b2", "d"], "date": ["2007", "2010-06", "2012"]})
    retired = pd.DataFrame({"event_id": ["C", "E"], "reason": ["a duplicate of D", "not an event"], "merged_into": ["D", None]})
    delta = event_delta(old, new, retired).set_index("event_id")
    assert delta.loc["D", "change"] == "added"
    assert (delta.loc["B", "change"], delta.loc["B", "fields"]) == ("changed", "summary;date")
    assert (delta.loc["C", "change"], delta.loc["C", "reason"], delta.loc["C", "merged_into"]) == ("merged", "a duplicate of D", "D")
    assert (delta.loc["E", "change"], delta.loc["E", "reason"]) == ("retired", "not an event") and pd.isna(delta.loc["E", "merged_into"])
    assert "A" not in delta.index


def test_release_records_an_added_a_changed_and_a_merged_event(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = project / "seeds"
    shoigu = seeds / SHOIGU / "events.yaml"
    edit(shoigu, "Russia sold Iran a radar-jamming station", "Russia sold Iran one radar-jamming station")  # MQHZEVV5E
    text = shoigu.read_text(encoding="utf-8")
    start = text.index('  - id: "93CATQVMK"')
    end = text.index('  - id: "WG0E46M0H"')
    sale = text[start:end]
    shoigu.write_text(text[:start] + text[end:], encoding="utf-8")  # the 2007 sale is withdrawn ...
    edit(shoigu, '    follows: "93CATQVMK"\n', "")
    (seeds / "retired.yaml").write_text(
        'retired:\n  - id: "93CATQVMK"\n    reason: "Recoded as part of the cancellation record."\n    merged_into: "KM71SBP7N"\n'
    )
    new_id = mint_id({"93CATQVMK"})
    mou = seeds / MOU / "events.yaml"
    added = sale.replace('id: "93CATQVMK"', f'id: "{new_id}"')  # ... and coded again as a new event
    edit(shoigu, "dismissed:\n", added + "dismissed:\n")

    last = releases(project)[-1]
    major, minor, _ = map(int, last["version"].split("."))
    released_columns = pq.read_schema(project / "release" / "events.parquet").names
    new_columns = [c for c in pq.read_schema(project / "data" / "events.parquet").names if c not in released_columns]
    # an event was added: a minor release, unless columns were added since the last release
    expected = f"{major + 1}.0.0" if new_columns else f"{major}.{minor + 1}.0"
    code, out, err = run(capsys, "release", "--seeds", seeds, "--out", project / "data", "--date", last["date"])
    assert code == 0, err
    assert f"released {expected} ({last['date']})" in out
    changes = pd.read_parquet(project / "data" / "changes.parquet").set_index("event_id")
    assert changes.loc[new_id, "change"] == "added"
    assert (changes.loc["MQHZEVV5E", "change"], changes.loc["MQHZEVV5E", "fields"]) == ("changed", ";".join(["summary", *new_columns]))
    assert (changes.loc["93CATQVMK", "change"], changes.loc["93CATQVMK", "merged_into"]) == ("merged", "KM71SBP7N")
    assert changes.loc["KM71SBP7N", "fields"] == ";".join(["follows", *new_columns])
    assert set(changes["version"]) == {expected}
    changelog = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index(f"## {expected} ({last['date']})") < changelog.index(f"## {last['version']} ({last['date']})")
    assert f"`{new_id}`" in changelog and "- `93CATQVMK` into `KM71SBP7N`: Recoded as part of the cancellation record." in changelog
    assert yaml.safe_load((project / "CITATION.cff").read_text())["version"] == expected
    assert pq.read_schema(project / "data" / "events.parquet").metadata[b"bilat.version"].decode() == expected
    assert json.loads((project / "data" / "datapackage.json").read_text())["version"] == expected
    assert mou.exists()

    code, _, err = run(capsys, "release", "--seeds", seeds, "--out", project / "data", "--date", last["date"])
    assert code == 1 and "nothing changed since the last release" in err


def test_diff_between_two_data_directories(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = project / "old"
    shutil.copytree(project / "data", old)
    edit(project / "seeds" / MOU / "events.yaml", "signed a Memorandum", "signed a memorandum")
    build(project / "seeds", project / "data")
    code, out, _ = run(capsys, "diff", old, project / "data")
    assert code == 0
    assert out.splitlines() == ["changed  THSVAH4CJ  summary", "1 events differ"]


def test_an_id_of_the_last_release_cannot_vanish_without_a_tombstone(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mou = project / "seeds" / MOU / "events.yaml"
    text = mou.read_text(encoding="utf-8")
    mou.write_text(text[: text.index("events:\n")] + "events: []\n" + text[text.index("dismissed:\n") :], encoding="utf-8")
    before = {p: p.read_bytes() for p in (project / "data").rglob("*") if p.is_file()}
    code, _, err = run(capsys, "build", "--seeds", project / "seeds", "--out", project / "data")
    assert code == 1
    assert f"seeds/retired.yaml:1:1: retired: THSVAH4CJ of release {releases()[-1]['version']} is gone; add a tombstone" in err
    assert {p: p.read_bytes() for p in (project / "data").rglob("*") if p.is_file()} == before


# --- self-describing and verifiable ----------------------------------------------------------


def frictionless_validate(directory: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"]
    return subprocess.run(command, cwd=directory, capture_output=True, text=True)


def test_datapackage_is_valid_on_the_real_data() -> None:
    result = frictionless_validate(DATA)
    assert result.returncode == 0, result.stdout[-2000:]
    assert json.loads(result.stdout)["valid"] is True


@pytest.mark.parametrize(
    ("column", "bad"),
    [("actor1", "XXX"), ("status", "delivred"), ("date_start", "20 June 2010")],
)
def test_datapackage_catches_a_corrupted_copy(tmp_path: Path, column: str, bad: str) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    events = pd.read_csv(copy / "events.csv", dtype=str, keep_default_na=False)
    events.loc[0, column] = bad
    events.to_csv(copy / "events.csv", index=False)
    result = frictionless_validate(copy)
    assert result.returncode != 0
    assert json.loads(result.stdout)["valid"] is False


def test_datapackage_describes_every_published_file_with_keys() -> None:
    package = json.loads((DATA / "datapackage.json").read_text())
    paths = {r["path"] for r in package["resources"]}
    published = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.suffix in (".csv", ".parquet", ".dta")}
    assert paths == published
    events = next(r for r in package["resources"] if r["name"] == "events")
    assert events["schema"]["primaryKey"] == ["event_id"]
    references = {(k["fields"][0], k["reference"]["resource"]) for k in events["schema"]["foreignKeys"]}
    assert references == {("actor1", "actors"), ("actor2", "actors"), ("doc_id", "documents"), ("follows", "events")}
    status = next(f for f in events["schema"]["fields"] if f["name"] == "status")
    assert "occurred" in status["constraints"]["enum"]
    assert package["licenses"][0]["name"] == "CC-BY-4.0"


def test_citation_cff_is_valid_and_current() -> None:
    schema = json.loads((ROOT / "tests" / "fixtures" / "cff-1.2.0.schema.json").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    jsonschema.validate(citation, schema)
    record = yaml.safe_load((ROOT / "release" / "release.yaml").read_text())
    assert (citation["type"], citation["version"], str(citation["date-released"])) == (
        "dataset",
        record["releases"][-1]["version"],
        record["releases"][-1]["date"],
    )
    assert citation["license"] == record["dataset"]["data_license"]
    assert "event_id" in citation["message"]


def test_verify_names_each_changed_missing_and_extra_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    assert run(capsys, "verify", copy)[0] == 0
    (copy / "actors.csv").write_text("tampered\n")
    (copy / "timelines" / "PAK-TUR.csv").unlink()
    (copy / "notes.txt").write_text("extra\n")
    code, out, _ = run(capsys, "verify", copy)
    assert code == 1
    assert f"{copy.as_posix()}/actors.csv: changed" in out
    assert f"{copy.as_posix()}/timelines/PAK-TUR.csv: missing" in out
    assert f"{copy.as_posix()}/notes.txt: extra (not in SHA256SUMS)" in out


# --- cite and show ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["CB31KRM6G", "cb31krm6g", "  CB31-KRM6G \n"])
def test_cite_accepts_the_id_however_typed(typed: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cite", typed, "--data", DATA)
    assert code == 0
    event = pd.read_parquet(DATA / "events.parquet").set_index("event_id").loc["CB31KRM6G"]
    assert f"Event CB31KRM6G: {event.summary.rstrip('.')}" in out
    assert f"version {releases()[-1]['version']}" in out and f"(visit {event.status}, RUS→IRN, {event.date})" in out


def test_cite_as_bibtex(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cite", "AX6SXCFQ1", "--format", "bibtex", "--data", DATA)
    assert code == 0
    assert out.startswith("@misc{bilat-ax6sxcfq1,") and f"version = {{{releases()[-1]['version']}}}" in out


@pytest.mark.parametrize("typed", ["CB31KRM7G", "CB31KMR6G", "CB31KRM6"])
def test_cite_refuses_a_mistyped_id_and_suggests_the_closest(typed: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "cite", typed, "--data", DATA)
    assert code == 1 and out == ""
    assert "Did you mean CB31KRM6G?" in err


def test_cite_says_a_retired_id_is_retired_and_where_it_went(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    tombstones = {"event_id": ["93CATQVMK", "WG0E46M0H"], "reason": ["Merged.", "Not an event."], "merged_into": ["KM71SBP7N", None]}
    retired = pd.DataFrame(tombstones)
    pd.read_parquet(copy / "events.parquet").query("event_id not in ['93CATQVMK', 'WG0E46M0H']").to_parquet(copy / "events.parquet")
    retired.to_parquet(copy / "retired.parquet")
    code, out, err = run(capsys, "cite", "93catqvmk", "--data", copy)
    assert code == 0, err
    assert out.startswith("93CATQVMK was merged into KM71SBP7N (Merged.); it is cited as KM71SBP7N") and "Event KM71SBP7N:" in out
    code, _, err = run(capsys, "cite", "WG0E46M0H", "--data", copy)
    assert code == 1 and "WG0E46M0H was retired: Not an event." in err


def test_show_prints_each_quote_in_its_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "WG0E46M0H", "--data", DATA, "--seeds", ROOT / "seeds")
    assert code == 0
    assert "event_type: sanction" in out
    assert "However, as a consequence of [[a UN Security Council resolution of June 2010 imposing sanctions" in out


# --- loading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("loader", [bilat.load_events, bilat.load_evidence, bilat.load_documents, bilat.load_actors])
def test_loaders_give_the_same_dtypes_from_parquet_and_csv(loader) -> None:
    from_parquet, from_csv = loader(data_dir=DATA), loader("csv", data_dir=DATA)
    pd.testing.assert_frame_equal(from_parquet, from_csv)
    assert len(from_parquet) > 0


def test_load_events_types() -> None:
    events = bilat.load_events(data_dir=DATA)
    assert isinstance(events["status"].dtype, pd.CategoricalDtype)
    assert str(events["date_start"].dtype) == "datetime64[us]"
    assert str(events["ccode1"].dtype) == "Int64"


def test_duckdb_reads_the_same_rows_as_pandas() -> None:
    from_duckdb = duckdb.sql(f"SELECT * FROM read_parquet('{(DATA / 'events.parquet').as_posix()}') ORDER BY event_id").df()
    from_pandas = pd.read_parquet(DATA / "events.parquet").sort_values("event_id", ignore_index=True)
    assert list(from_duckdb.columns) == list(from_pandas.columns)
    for column in from_pandas.columns:
        left = from_duckdb[column].astype("object").where(from_duckdb[column].notna(), None).tolist()
        right = from_pandas[column].astype("object").where(from_pandas[column].notna(), None).tolist()
        assert left == right, column


def test_the_readmes_citation_example_is_what_cite_prints_for_the_last_release() -> None:
    from bilat.cite import Found, citation

    record = yaml.safe_load((ROOT / "release" / "release.yaml").read_text(encoding="utf-8"))
    snapshot = pd.read_parquet(ROOT / "release" / "events.parquet").set_index("event_id", drop=False)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"<!-- cite (\w+) -->\n> (.*)\n<!-- /cite", readme)
    last = record["releases"][-1]
    found = Found(snapshot.loc[example[1]], last["version"], record["dataset"]["title"], record["dataset"]["authors"], last["date"])
    assert example[2] == citation(found)


def test_the_readmes_first_screen_says_what_the_last_release_holds() -> None:
    from bilat.release import ReleaseEntry, release_summary

    entry = ReleaseEntry.model_validate(releases()[-1])
    summary = release_summary(entry, pd.read_parquet(ROOT / "release" / "events.parquet"))
    assert f"<!-- summary -->{summary}<!-- /summary -->" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_release_rewrites_the_readmes_summary_and_citation_example(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(ROOT / "README.md", project / "README.md")
    edit(project / "seeds" / MOU / "events.yaml", "signed a Memorandum", "signed a memorandum")
    code, out, err = run(capsys, "release", "--seeds", project / "seeds", "--out", project / "data", "--date", releases()[-1]["date"])
    assert code == 0, err
    version = out.split()[1]
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert f"<!-- summary -->Release {version} (" in readme
    code, cited, _ = run(capsys, "cite", "CB31KRM6G", "--data", project / "data")
    assert code == 0 and f"version {version}" in cited and f"> {cited.strip()}\n<!-- /cite CB31KRM6G -->" in readme


def test_the_changelog_draws_an_agreement_without_a_direction() -> None:
    from bilat.release import ReleaseEntry, changelog_section

    events = pd.DataFrame(
        {"event_id": ["A", "B"], "event_type": ["agreement", "sale"], "actor1": ["PAK", "RUS"], "actor2": ["TUR", "IRN"]}
        | {"date": ["2019", "2007"], "summary": ["Signed.", "Sold."]}
    )
    delta = pd.DataFrame({"event_id": ["A", "B"], "change": ["added", "added"], "fields": [None, None], "reason": [None, None]})
    entry = ReleaseEntry(version="9.0.0", date="2030-01-01", events=2, added=2, changed=0, retired=0)
    section = changelog_section(entry, delta, events)
    assert "- `A` agreement PAK–TUR 2019: Signed." in section and "- `B` sale RUS→IRN 2007: Sold." in section


def test_the_changelog_names_the_columns_a_major_release_adds() -> None:
    from bilat.release import ReleaseEntry, changelog_section

    old = pd.DataFrame({"event_id": ["A"], "summary": ["a"]})
    new = pd.DataFrame({"event_id": ["A"], "summary": ["a"], "sources": [1]})
    entry = ReleaseEntry(version="2.0.0", date="2030-01-01", events=1, added=0, changed=1, retired=0)
    delta = event_delta(old, new, pd.DataFrame({"event_id": [], "reason": [], "merged_into": []}))
    section = changelog_section(entry, delta, new, old)
    assert "### Columns of the events table\n\n- added: `sources`" in section and "- `A`: sources" in section
    assert "Columns" not in changelog_section(entry, delta, new, new)
