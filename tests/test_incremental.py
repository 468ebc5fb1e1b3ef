"""``bilat check`` answers from its cache only what has not changed: after every kind of edit it
says exactly what a check with ``--no-cache`` says."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bilat.cli import main
from tests.conftest import check_summary, releases

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
RELEASE = Path(__file__).resolve().parents[1] / "release"
FIDAN = "5e6cc9653182ec76"  # three visits between TUR and IRN
SHOIGU = "639ef802b4573800"  # six events, RUS-IRN, one `follows` link
MOU = "ca07c16d152b956b"  # one agreement, PAK-TUR


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(RELEASE, tmp_path / "release")
    return tmp_path / "seeds"


def check(capsys, seeds: Path, *options: str) -> tuple[int, str]:
    code = main(["check", "--seeds", str(seeds), *options])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def assert_same_as_fresh(capsys, seeds: Path) -> tuple[int, str]:
    cached = check(capsys, seeds)
    assert cached == check(capsys, seeds, "--no-cache")
    return cached


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def first_id(path: Path) -> str:
    return path.read_text(encoding="utf-8").split('  - id: "', 1)[1].split('"', 1)[0]


def test_a_warm_check_says_what_a_fresh_one_says(seeds, capsys):
    assert check(capsys, seeds) == (0, check_summary(seeds))
    assert assert_same_as_fresh(capsys, seeds) == (0, check_summary(seeds))


def test_an_id_copied_into_another_document_is_reported_in_both_places(seeds, capsys):
    check(capsys, seeds)
    taken = first_id(seeds / FIDAN / "events.yaml")
    edit(seeds / MOU / "events.yaml", first_id(seeds / MOU / "events.yaml"), taken)

    code, output = assert_same_as_fresh(capsys, seeds)

    assert code == 1
    # The document that did not change is answered from the cache, and still placed to the line.
    fidan_line = next(n for n, line in enumerate((seeds / FIDAN / "events.yaml").read_text().splitlines(), 1) if taken in line)
    assert f"{seeds.as_posix()}/{FIDAN}/events.yaml:{fidan_line}:" in output
    assert output.count(f"{taken} is used by 2 events") == 2


def test_removing_an_actor_from_the_registry_reaches_unchanged_documents(seeds, capsys):
    check(capsys, seeds)
    edit(seeds / "actors.yaml", '  - code: "PAK"\n', '  - code: "PAQ"\n')

    code, output = assert_same_as_fresh(capsys, seeds)

    assert code == 1
    assert f"{MOU}/events.yaml" in output and "PAK is not in seeds/actors.yaml" in output


def test_an_edit_that_keeps_the_size_and_the_modification_time_is_seen(seeds, capsys):
    events = seeds / SHOIGU / "events.yaml"
    before = events.stat()
    # Long enough ago that the cache would trust an unchanged modification time.
    os.utime(events, ns=(before.st_atime_ns, before.st_mtime_ns - 10**10))
    stamped = events.stat()
    check(capsys, seeds)
    edit(events, '  language: "en"', '  language: "xx"')  # same length
    os.utime(events, ns=(stamped.st_atime_ns, stamped.st_mtime_ns))
    assert events.stat().st_size == stamped.st_size

    code, output = assert_same_as_fresh(capsys, seeds)

    assert code == 1 and "document.language" in output


def test_a_released_event_deleted_from_an_unchanged_tree_is_reported(seeds, capsys):
    check(capsys, seeds)
    events = seeds / MOU / "events.yaml"
    gone = first_id(events)
    text = events.read_text(encoding="utf-8")
    events.write_text(text[: text.index("events:\n")] + "events: []\n" + text[text.index("dismissed:") :], encoding="utf-8")

    code, output = assert_same_as_fresh(capsys, seeds)

    assert code == 1 and f"{gone} of release {releases()[-1]['version']} is gone" in output


def test_a_damaged_cache_is_ignored_and_replaced(tmp_path, seeds, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    check(capsys, seeds)
    (stored,) = (tmp_path / "cache" / "bilat").iterdir()
    stored.write_bytes(b"\x00not a cache")

    assert check(capsys, seeds) == (0, check_summary(seeds))
    assert stored.read_bytes() != b"\x00not a cache"
    assert assert_same_as_fresh(capsys, seeds) == (0, check_summary(seeds))


def test_no_cache_writes_no_cache(tmp_path, seeds, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert check(capsys, seeds, "--no-cache")[0] == 0
    assert not (tmp_path / "cache").exists()
    assert check(capsys, seeds)[0] == 0
    assert [p.suffix for p in (tmp_path / "cache" / "bilat").iterdir()] == [".marshal"]


def test_a_fifo_in_place_of_the_release_record_is_refused_not_waited_on(seeds):
    import subprocess
    import sys

    record = seeds.parent / "release" / "release.yaml"
    record.unlink()
    os.mkfifo(record)
    done = subprocess.run([sys.executable, "-m", "bilat.cli", "check", "--seeds", str(seeds)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "release.yaml:1:1: (file): a FIFO (named pipe), not a regular file" in done.stderr
