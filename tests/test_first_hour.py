"""What a new coder and a new reader of the data meet in their first hour: citations that never
claim a release they are not in, the data found wherever bilat is installed, commands that never
print a traceback, and messages that show the way."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from bilat.cli import COMMANDS, main
from tests.conftest import DATA, ROOT, run

ARTICLE = (
    "ISLAMABAD, March 4 - Turkey and Pakistan signed a defence cooperation agreement on March 3, 2026, "
    "officials said. The accord covers training and the defence industry.\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project (seeds, release record, data and the files a release rewrites) whose
    data is a release: when the copy holds changes since the last release, they are released first."""
    for name in ("seeds", "release", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    for name in ("CHANGELOG.md", "CITATION.cff", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    if json.loads((tmp_path / "data" / "datapackage.json").read_text(encoding="utf-8"))["version"].endswith("+unreleased"):
        date = last_release(tmp_path)["date"]
        assert main(["release", "--seeds", str(tmp_path / "seeds"), "--out", str(tmp_path / "data"), "--date", date]) == 0
    return tmp_path


def add_article(seeds: Path) -> Path:
    """A new document coding one agreement, as a coder writes it (no ID yet)."""
    raw = ARTICLE.encode("utf-8")
    folder = seeds / hashlib.sha256(raw).hexdigest()[:16]
    folder.mkdir()
    (folder / "document.txt").write_bytes(raw)
    coded = {
        "document": {
            "title": "Turkey and Pakistan sign defence pact",
            "published": "2026-03-04",
            "published_basis": "printed",
            "language": "en",
            "sha256": hashlib.sha256(raw).hexdigest(),
        },
        "events": [
            {
                "type": "agreement",
                "status": "signed",
                "actor1": "TUR",
                "actor2": "PAK",
                "date_text": "March 3, 2026",
                "summary": "Turkey and Pakistan signed a defence cooperation agreement.",
                "evidence": [{"quote": "Turkey and Pakistan signed a defence cooperation agreement on March 3, 2026"}],
                "validated": {"by": "A. Coder", "date": "2026-03-05"},
            }
        ],
        "dismissed": [{"text": "ISLAMABAD, March 4", "reason": "the dateline"}],
    }
    (folder / "events.yaml").write_text(yaml.safe_dump(coded, sort_keys=False), encoding="utf-8")
    return folder


def last_release(root: Path) -> dict:
    return yaml.safe_load((root / "release" / "release.yaml").read_text(encoding="utf-8"))["releases"][-1]


def minted_id(capsys: pytest.CaptureFixture[str], seeds: Path) -> str:
    code, out, err = run(capsys, "mint", "--seeds", seeds)
    assert code == 0, err
    return out.splitlines()[0].split(" is now ")[1].split()[0]


# --- citations never claim a release they are not in ------------------------------------------


def test_the_data_says_the_release_it_is_or_that_it_holds_changes_since_it() -> None:
    from bilat.release import event_delta

    release = last_release(ROOT)
    snapshot, events = pd.read_parquet(ROOT / "release" / "events.parquet"), pd.read_parquet(DATA / "events.parquet")
    same = list(snapshot.columns) == list(events.columns) and event_delta(snapshot, events, pd.read_parquet(DATA / "retired.parquet")).empty
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    expected = release["version"] if same else f"{release['version']}+unreleased"
    assert package["version"] == expected and ("created" in package) == same
    assert pq.read_schema(DATA / "events.parquet").metadata[b"bilat.version"].decode() == expected
    if same:
        assert package["created"].startswith(release["date"])


def test_a_build_with_new_events_says_it_holds_unreleased_changes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds, data = project / "seeds", project / "data"
    add_article(seeds)
    new_id = minted_id(capsys, seeds)
    code, _, err = run(capsys, "build", "--seeds", seeds, "--out", data, "--no-plots")
    assert code == 0, err
    release = last_release(project)["version"]
    unreleased = f"{release}+unreleased"
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == unreleased and "created" not in package
    assert package["bilat:lastRelease"]["version"] == release
    for parquet in data.rglob("*.parquet"):
        assert pq.read_schema(parquet).metadata[b"bilat.version"].decode() == unreleased, parquet
    changes = pd.read_csv(data / "changes.csv")
    assert changes.set_index("event_id").loc[new_id, "change"] == "added" and set(changes["version"]) == {unreleased}

    code, out, err = run(capsys, "cite", new_id, "--data", data)
    assert code == 1 and out == ""
    assert f"{new_id} was added after release {release} and is in no release yet" in err and "cannot be cited by version" in err

    unchanged = pd.read_parquet(project / "release" / "events.parquet")["event_id"].iloc[0]
    code, out, _ = run(capsys, "cite", unchanged, "--data", data)
    assert code == 0 and f"version {release}, released {last_release(project)['date']}" in out and "unreleased" not in out.lower()


def test_citing_an_event_changed_since_the_release_says_so(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = pd.read_parquet(project / "release" / "events.parquet")
    event = events.iloc[0]
    path = project / "seeds" / event["doc_id"] / "events.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'summary: "{event["summary"]}"', 'summary: "A corrected summary."'), encoding="utf-8")
    assert run(capsys, "build", "--seeds", project / "seeds", "--out", project / "data", "--no-plots")[0] == 0
    code, out, _ = run(capsys, "cite", event["event_id"], "--data", project / "data")
    assert code == 0 and "A corrected summary" in out
    assert f"Unreleased: since {last_release(project)['version']} this event's summary changed" in out


# --- the data is there wherever bilat is installed ----------------------------------------------


def test_an_installed_bilat_finds_its_dataset_from_any_folder(tmp_path: Path) -> None:
    target = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(ROOT)]
    done = subprocess.run(install, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {**os.environ, "PYTHONPATH": str(target)}
    environment.pop("BILAT_DATA", None)
    code = "import bilat; e = bilat.load_events(); print(len(e), bilat.api.find_data_dir())"
    loaded = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=environment, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    count, where = loaded.stdout.split()
    assert int(count) == len(pd.read_parquet(DATA / "events.parquet")) and Path(where).is_relative_to(target)
    event_id = pd.read_parquet(DATA / "events.parquet")["event_id"].iloc[0]
    cited = subprocess.run(
        [sys.executable, "-m", "bilat.cli", "cite", event_id], cwd=elsewhere, env=environment, capture_output=True, text=True
    )
    assert cited.returncode == 0 and f"Event {event_id}" in cited.stdout, cited.stderr


def test_bilat_data_names_the_dataset_to_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bilat

    copy = tmp_path / "copy"
    shutil.copytree(DATA, copy)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BILAT_DATA", str(copy))
    assert bilat.api.find_data_dir() == copy
    monkeypatch.setenv("BILAT_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(bilat.api.DataError, match="from \\$BILAT_DATA"):
        bilat.load_events()


# --- no traceback from any command -------------------------------------------------------------


def corrupt_data(tmp_path: Path) -> Path:
    copy = tmp_path / "corrupt"
    shutil.copytree(DATA, copy)
    for name in ("events.parquet", "retired.parquet", "evidence.parquet", "changes.parquet"):
        (copy / name).write_bytes(b"not parquet at all")
    (copy / "datapackage.json").write_text("{ broken", encoding="utf-8")
    (copy / "SHA256SUMS").write_text("nonsense line\n", encoding="utf-8")
    return copy


def broken_seeds(tmp_path: Path) -> Path:
    seeds = tmp_path / "broken-seeds"
    seeds.mkdir()
    (seeds / "actors.yaml").write_text("actors: [", encoding="utf-8")
    (seeds / "retired.yaml").write_bytes(b"\xff\xfe")
    return seeds


def invocations(missing: Path, corrupt: Path, seeds: Path) -> list[list[str]]:
    event_id = pd.read_parquet(DATA / "events.parquet")["event_id"].iloc[0]
    return [
        ["add", str(missing / "article.txt"), "--title", "T", "--seeds", str(seeds)],
        ["build", "--seeds", str(missing), "--out", str(missing.parent / "out")],
        ["build", "--seeds", str(seeds), "--out", str(missing.parent / "out")],
        ["draft", "0123456789abcdef", "--seeds", str(seeds)],
        ["dupes", "--seeds", str(seeds)],
        ["draft", "--all", "--seeds", str(missing)],
        ["review", "0123456789abcdef", "--accept", "1", "--by", "A", "--seeds", str(seeds)],
        ["review", "0123456789abcdef", "--attach", "1", event_id, "--by", "A", "--seeds", str(seeds)],
        ["merge", event_id, event_id, "--by", "A", "--seeds", str(seeds)],
        ["merge", event_id, event_id, "--by", "A", "--seeds", str(missing)],
        ["check", "--seeds", str(missing)],
        ["check", "--seeds", str(seeds)],
        ["check", "--seeds", str(seeds), "--no-cache"],
        ["coverage", "--seeds", str(seeds)],
        ["mint", "--seeds", str(seeds)],
        ["fmt", "--seeds", str(seeds)],
        ["fmt", "--seeds", str(missing), "--check"],
        ["release", "--seeds", str(seeds), "--out", str(missing.parent / "out")],
        ["diff", str(DATA), str(missing)],
        ["diff", str(corrupt), str(DATA)],
        ["verify", str(missing)],
        ["verify", str(corrupt)],
        ["cite", event_id, "--data", str(missing)],
        ["cite", event_id, "--data", str(corrupt)],
        ["show", event_id, "--data", str(corrupt)],
        ["plot", "--data", str(missing)],
        ["plot", "--data", str(corrupt), "--out", str(missing.parent / "plots")],
        ["schema", "--out", str(DATA / "events.parquet" / "inside-a-file")],
        ["panel", "--data", str(missing), "--out", str(missing.parent / "panels")],
        ["panel", "--data", str(corrupt), "--out", str(missing.parent / "panels")],
    ]


def test_every_command_on_a_missing_or_corrupt_input_says_what_is_wrong_without_a_traceback(tmp_path: Path) -> None:
    missing, corrupt, seeds = tmp_path / "missing", corrupt_data(tmp_path), broken_seeds(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {k: v for k, v in os.environ.items() if k not in ("BILAT_DATA", "BILAT_DEBUG")}
    environment["PYTHONPATH"] = str(tmp_path / "no-checkout")  # the installed bilat only: no ./data, no data/ beside it
    tried = set()
    for arguments in invocations(missing, corrupt, seeds):
        tried.add(arguments[0])
        done = subprocess.run(
            [sys.executable, "-m", "bilat.cli", *arguments], cwd=elsewhere, env=environment, capture_output=True, text=True
        )
        assert "Traceback" not in done.stderr, (arguments, done.stderr)
        assert done.returncode in (1, 2), (arguments, done.returncode, done.stdout, done.stderr)
        last = done.stderr.strip().splitlines()[-1]
        assert last.startswith(f"bilat {arguments[0]}: ") and "internal error" not in last, (arguments, done.stderr)
    assert tried == set(COMMANDS)


def test_verify_of_a_missing_directory_says_one_thing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "verify", tmp_path / "nowhere")
    assert code == 1 and out == ""
    assert err.strip() == f"bilat verify: {(tmp_path / 'nowhere').as_posix()} is not a directory; give the data directory to verify"


# --- commands that behave as people expect -----------------------------------------------------


@pytest.mark.parametrize("typed", ["RUS-IRN", "irn-rus", "Iran-Russia"])
def test_plot_takes_a_dyad_in_either_order_and_any_case_and_lists_them_on_a_miss(
    typed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dyads = sorted(set(pd.read_parquet(DATA / "events.parquet")["dyad"]))
    code, out, err = run(capsys, "plot", "--data", DATA, "--dyad", typed, "--out", tmp_path)
    if typed == "Iran-Russia":
        assert code == 1 and f"the dyads are {', '.join(dyads)}" in err
    else:
        assert code == 0, err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["IRN-RUS.png", "IRN-RUS.svg"]


def test_show_without_the_seeds_says_the_quotes_stand_alone(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    event_id = pd.read_parquet(DATA / "evidence.parquet")["event_id"].iloc[0]
    code, out, _ = run(capsys, "show", event_id, "--data", DATA, "--seeds", tmp_path)
    assert code == 0 and "so each quote is shown alone; give --seeds DIR to see its sentence" in out


def test_build_without_plots_says_it_removed_the_charts(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (project / "data" / "plots").is_dir()
    code, _, err = run(capsys, "build", "--seeds", project / "seeds", "--out", project / "data", "--no-plots")
    assert code == 0 and not (project / "data" / "plots").exists()
    assert "the charts that were in" in err and "`bilat plot` draws them again" in err


def test_long_work_shows_progress_on_a_terminal_and_nothing_when_piped(tmp_path: Path) -> None:
    import pty

    command = [sys.executable, "-m", "bilat.cli", "check", "--seeds", str(ROOT / "seeds"), "--no-cache"]
    piped = subprocess.run(command, capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""
    leader, follower = pty.openpty()
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    on_terminal = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, env=environment, text=True, timeout=120)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert on_terminal.returncode == 0 and b"loading documents: " in shown


def test_release_options_and_a_damaged_release_record_are_refused_in_words(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds, data = project / "seeds", project / "data"
    code, _, err = run(capsys, "release", "--seeds", seeds, "--out", data, "--version", "banana", "--date", "2026-12-32")
    assert code == 2
    assert "--version: 'banana' is not a version X.Y.Z" in err and "--date: '2026-12-32' is not a day of the calendar" in err
    (project / "release" / "events.parquet").write_bytes(b"PAR1 not really")
    for command in (["check", "--seeds", seeds], ["check", "--seeds", seeds, "--no-cache"], ["build", "--seeds", seeds, "--out", data]):
        code, _, err = run(capsys, *command)
        assert code == 1 and "release/events.parquet:1:1: (file): a file of the release record cannot be read" in err, err
