"""``bilat add``: a new document in the seeds, byte for byte, with its document block, or a clear
refusal with nothing written."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import yaml

from bilat.adding import printed_date
from bilat.cli import main
from tests.conftest import SEEDS

WIRE = "ANKARA, March 3 (Reuters) - Turkey's defence minister will travel to Baku next week, officials said.\r\n"
MASTHEAD = "Daily Globe\nTuesday, 4 March 2026\n\nPakistan and Turkey signed a defence pact on Monday.\n"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name in ("actors.yaml", "retired.yaml"):
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    return folder


def add(capsys: pytest.CaptureFixture[str], seeds: Path, article: Path, *options: str) -> tuple[int, str, str]:
    code = main(["add", str(article), "--seeds", str(seeds), *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def article(tmp_path: Path, content: str | bytes, name: str = "article.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_add_copies_the_text_byte_for_byte_and_prints_the_doc_id_last(tmp_path: Path, seeds: Path, capsys) -> None:
    path = article(tmp_path, WIRE)
    code, out, err = add(capsys, seeds, path, "--title", "Minister to visit Baku", "--published", "2026-03-03", "--publisher", "Reuters")
    assert code == 0, err
    doc_id = out.splitlines()[-1]
    assert doc_id == hashlib.sha256(WIRE.encode()).hexdigest()[:16]
    assert (seeds / doc_id / "document.txt").read_bytes() == WIRE.encode()
    coded = yaml.safe_load((seeds / doc_id / "events.yaml").read_text(encoding="utf-8"))
    assert coded["events"] == []
    assert coded["document"] == {
        "title": "Minister to visit Baku",
        "publisher": "Reuters",
        "published": "2026-03-03",
        "published_basis": "printed",
        "language": "en",
        "sha256": hashlib.sha256(WIRE.encode()).hexdigest(),
    }
    assert main(["check", "--seeds", str(seeds), "--no-cache"]) == 0
    assert main(["fmt", "--check", "--seeds", str(seeds)]) == 0


def test_without_published_a_printed_date_is_proposed_and_marked(tmp_path: Path, seeds: Path, capsys) -> None:
    code, out, _ = add(capsys, seeds, article(tmp_path, MASTHEAD), "--title", "Pact signed")
    assert code == 0
    document = yaml.safe_load((seeds / out.splitlines()[-1] / "events.yaml").read_text(encoding="utf-8"))["document"]
    assert (document["published"], document["published_basis"]) == ("2026-03-04", "printed")
    assert "4 March 2026" in document["published_reason"] and "bilat add" in document["published_reason"]
    assert "check it" in out


def test_without_published_and_no_printed_year_the_date_is_unknown(tmp_path: Path, seeds: Path, capsys) -> None:
    code, out, _ = add(capsys, seeds, article(tmp_path, WIRE), "--title", "Minister to visit Baku")
    assert code == 0
    document = yaml.safe_load((seeds / out.splitlines()[-1] / "events.yaml").read_text(encoding="utf-8"))["document"]
    assert (document["published"], document["published_basis"]) == ("../..", "unknown")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iran Daily - Number 7995 - 06 December 2025 - Page 4\nQuiet cooperation", ("2025-12-06", "06 December 2025")),
        ("By Jane Roe\nPublished: Aug. 20, 2015\n", ("2015-08-20", "Aug. 20, 2015")),
        ("Posted 2019-06-14 08:00\nHeadline", ("2019-06-14", "2019-06-14")),
        ("WASHINGTON, June 3 (AP) - no year here", None),
        ("In 2019 the two sides met.", None),
    ],
)
def test_the_printed_date_is_a_full_date_near_the_top(text: str, expected: tuple[str, str] | None) -> None:
    assert printed_date(text, "en") == expected


def refusals(tmp_path: Path, seeds: Path) -> list[tuple[list[str], str]]:
    existing = article(tmp_path, "Already here.\n", "existing.txt")
    main(["add", str(existing), "--seeds", str(seeds), "--title", "First"])
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    return [
        ([str(existing), "--title", "Again"], "already in the seeds as doc_id"),
        ([str(article(tmp_path, b"\xff\xfe bad", "latin.txt")), "--title", "T"], "not UTF-8"),
        ([str(article(tmp_path, "  \n\n", "empty.txt")), "--title", "T"], "the file is empty"),
        ([str(article(tmp_path, "x" * 100, "ok1.txt")), "--title", "T", "--published", "2015-13-01"], "--published:"),
        ([str(article(tmp_path, "x" * 101, "ok2.txt")), "--title", "=HYPERLINK(1)"], "--title:"),
        ([str(article(tmp_path, "x" * 102, "ok3.txt")), "--title", "T", "--url", "javascript:alert(1)"], "--url:"),
        ([str(article(tmp_path, "x" * 103, "ok4.txt")), "--title", "T", "--language", "xx"], "--language:"),
        ([str(tmp_path / "missing.txt"), "--title", "T"], "cannot read"),
        ([str(fifo), "--title", "T"], "FIFO"),
    ]


def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(tmp_path: Path, seeds: Path, capsys) -> None:
    cases = refusals(tmp_path, seeds)
    capsys.readouterr()
    before = sorted(p.name for p in seeds.iterdir())
    for arguments, expected in cases:
        code = main(["add", *arguments, "--seeds", str(seeds)])
        err = capsys.readouterr().err
        assert code in (1, 2) and expected in err, (arguments, err)
        assert sorted(p.name for p in seeds.iterdir()) == before, arguments


def test_a_text_over_the_size_limit_is_refused(tmp_path: Path, seeds: Path, capsys, monkeypatch) -> None:
    import bilat.adding

    monkeypatch.setattr(bilat.adding, "MAX_DOCUMENT_BYTES", 10)
    code, _, err = add(capsys, seeds, article(tmp_path, "eleven bytes"), "--title", "T")
    assert code == 1 and "over the 10-byte limit" in err
