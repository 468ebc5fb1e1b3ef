"""``bilat coverage``: every date expression is used by an event or dismissed with a reason."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bilat.cli import main
from bilat.coverage import find_date_mentions
from tests.conftest import SEEDS

DOC_ID = "00000000000000aa"
TEXT = "Talks resumed.\nIn 1999, the two states met in Ankara.\nOfficials may meet again.\n"


def tiny_seeds(root: Path, dismissed: str = "") -> Path:
    seeds = root / "seeds"
    (seeds / DOC_ID).mkdir(parents=True)
    (seeds / "actors.yaml").write_text('actors:\n  - code: "TUR"\n    name: "Turkey"\n    kind: "state"\n    ccode: 640\n')
    (seeds / "retired.yaml").write_text("retired: []\n")
    (seeds / DOC_ID / "document.txt").write_text(TEXT, encoding="utf-8")
    sha = hashlib.sha256(TEXT.encode()).hexdigest()
    document = f'document:\n  title: "T"\n  published: "2001"\n  published_basis: "printed"\n  language: "en"\n  sha256: "{sha}"\n'
    (seeds / DOC_ID / "events.yaml").write_text(f"{document}events: []\n{dismissed}")
    return seeds


def test_coverage_finds_an_uncovered_year_with_its_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = tiny_seeds(tmp_path)
    assert main(["coverage", "--seeds", str(seeds)]) == 1
    out = capsys.readouterr().out
    assert f"{seeds.as_posix()}/{DOC_ID}/document.txt:2:4: date: '1999'" in out
    assert "may" not in out.lower().replace("1 date expressions", "")


def test_coverage_accepts_the_year_once_dismissed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = tiny_seeds(
        tmp_path, 'dismissed:\n  - text: "In 1999, the two states met"\n    reason: "A meeting, not a visit: no one travelled."\n'
    )
    assert main(["coverage", "--seeds", str(seeds)]) == 0
    assert "0 date expressions not covered" in capsys.readouterr().out


def test_a_dismissal_that_is_not_in_the_document_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = tiny_seeds(tmp_path, 'dismissed:\n  - text: "In 2000"\n    reason: "x"\n')
    assert main(["check", "--seeds", str(seeds)]) == 1
    assert f"{DOC_ID}/events.yaml:9:5: dismissed[0].text: not found in the document" in capsys.readouterr().err


def test_the_shipped_seeds_are_fully_covered(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--seeds", str(SEEDS)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On January 20, they signed.", ["January 20"]),
        ("In October 2011, Russia sold it.", ["October 2011"]),
        ("the 1980-88 Iran-Iraq war", ["1980-88"]),
        ("in the 1990s and in 3 March 2019", ["1990s", "3 March 2019"]),
        ("It cost $1999 or 1,999 units; May we go? We may.", []),
        ("They met last week and again on Tuesday.", ["last week", "on Tuesday"]),
        ("Last month, the sale was approved.", ["Last month"]),
    ],
)
def test_date_mentions(text: str, expected: list[str]) -> None:
    assert [m.text for m in find_date_mentions(text)] == expected
