"""End to end: the ``bilat`` command line on a copy of the real seeds tree, edited to go wrong."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bilat.ids import check_symbol, is_valid_id
from bilat.models import ActorRegistry, EventsFile, RetiredIds
from bilat.seeds import read_yaml_model
from bilat.yamlio import canonical_yaml
from tests.conftest import run

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
PROBLEM_LINE = re.compile(r"^(?P<file>\S+):(?P<line>\d+):(?P<col>\d+): (?P<field>\S+): (?P<message>.+)$")

# Document folders of the shipped seeds.
BAQERI = "2d0c8f3c56d2733f"  # a visit IRN-TUR, then two sales
FIDAN = "5e6cc9653182ec76"  # three visits between TUR and IRN
SHOIGU = "639ef802b4573800"  # six events, RUS-IRN, one `follows` link
MOU = "ca07c16d152b956b"  # one agreement, PAK-TUR

UNUSED_ID = "00000000" + check_symbol("00000000")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    copy = tmp_path / "seeds"
    shutil.copytree(SEEDS, copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} should be on exactly one line of {path}, is on {lines}"
    return lines[0]


def add_document(seeds: Path, source: str, folder: str) -> Path:
    """A new document folder: a copy of a shipped one under another doc_id."""
    shutil.copytree(seeds / source, seeds / folder)
    return seeds / folder


@dataclass(frozen=True)
class Expected:
    """A problem that must be reported at the line of ``needle`` in ``file`` (found after all edits)."""

    file: Path
    needle: str
    field: str | None  # None: any field
    message: str  # regex searched in the message

    def resolve(self) -> tuple[str, int]:
        return self.file.as_posix(), line_of(self.file, self.needle)


def parse_problems(stderr: str) -> list[dict]:
    """Every problem line; fails unless every line but the closing summary has the file:line:col form."""
    lines = stderr.splitlines()
    assert lines, "no problems reported"
    *problems, summary = lines
    assert "Traceback" not in stderr
    assert not PROBLEM_LINE.match(summary), f"expected a closing summary line, got {summary!r}"
    parsed = []
    for line in problems:
        match = PROBLEM_LINE.match(line)
        assert match, f"not a file:line:col: field: problem line: {line!r}"
        parsed.append({**match.groupdict(), "line": int(match["line"]), "col": int(match["col"])})
    return parsed


def assert_reported(stderr: str, expected: list[Expected]) -> None:
    problems = parse_problems(stderr)
    for want in expected:
        file, line = want.resolve()
        candidates = [
            p
            for p in problems
            if (p["file"], p["line"]) == (file, line) and want.field in (None, p["field"]) and re.search(want.message, p["message"])
        ]
        assert candidates, f"no problem reported at {file}:{line} ({want.field}: /{want.message}/); got:\n{stderr}"
        for p in candidates:
            assert p["col"] >= 1


# --- edits that break the seeds -------------------------------------------------------------


def load_problems(seeds: Path) -> list[Expected]:
    """Problems that stop a file from loading, each in its own new document folder."""
    unknown_key = add_document(seeds, MOU, "a000000000000001") / "events.yaml"
    edit(unknown_key, '    type: "agreement"\n', '    type: "agreement"\n    colour: "red"\n')

    boolean_actor = add_document(seeds, BAQERI, "a000000000000002") / "events.yaml"
    edit(boolean_actor, '    actor1: "IRN"\n', "    actor1: NO\n")

    edited_text = add_document(seeds, MOU, "a000000000000003")
    with (edited_text / "document.txt").open("a", encoding="utf-8") as f:
        f.write("\nA paragraph added after coding.\n")

    broken_yaml = add_document(seeds, BAQERI, "a000000000000004") / "events.yaml"
    edit(broken_yaml, '    visit_level: "military_chief"\n', '    visit_level: "military_chief": oops\n')

    return [
        Expected(unknown_key, 'colour: "red"', "events[0].colour", r"(?i)unknown"),
        Expected(boolean_actor, "actor1: NO", "events[0].actor1", r"(?i)\bquot"),
        Expected(edited_text / "events.yaml", "sha256:", "document.sha256", r"sha256"),
        Expected(broken_yaml, '"military_chief": oops', None, r"."),
    ]


def cross_check_problems(seeds: Path) -> list[Expected]:
    """Problems in files that load, found by checking them against the document, registry and each other."""
    baqeri, fidan, shoigu, mou = (seeds / d / "events.yaml" for d in (BAQERI, FIDAN, SHOIGU, MOU))
    edit(baqeri, '    actor1: "IRN"\n    actor2: "TUR"\n', '    actor1: "IRN"\n    actor2: "XYZ"\n')
    edit(fidan, "Foreign Minister Hakan Fidan to Tehran", "Foreign Minister Hakan Fidan to Ankara")
    edit(shoigu, 'date_text: "October 2011"', 'date_text: "November 2011"')
    # 93CATQVMK follows KM71SBP7N, which already follows 93CATQVMK.
    edit(shoigu, '    currency: "USD"\n', '    currency: "USD"\n    follows: "KM71SBP7N"\n')
    edit(mou, 'id: "THSVAH4CJ"', 'id: "CB31KRM6G"')  # the ID of SHOIGU's first event
    edit(mou, '    date_text: "2019"\n', f'    date_text: "2019"\n    follows: "{UNUSED_ID}"\n')
    return [
        Expected(baqeri, 'actor2: "XYZ"', "events[0].actor2", r"XYZ"),
        Expected(fidan, "Hakan Fidan to Ankara", "events[0].evidence[0].quote", r"(?i)not found"),
        Expected(shoigu, 'date_text: "November 2011"', "events[5].date_text", r"November 2011"),
        Expected(shoigu, 'follows: "KM71SBP7N"', "events[2].follows", r"(?i)cycle"),
        Expected(shoigu, 'follows: "93CATQVMK"', "events[4].follows", r"(?i)cycle"),
        Expected(shoigu, 'id: "CB31KRM6G"', "events[0].id", r"CB31KRM6G"),
        Expected(mou, 'id: "CB31KRM6G"', "events[0].id", r"CB31KRM6G"),
        Expected(mou, f'follows: "{UNUSED_ID}"', "events[0].follows", UNUSED_ID),
    ]


# --- check -----------------------------------------------------------------------------------


def test_check_passes_on_the_shipped_seeds(seeds, capsys):
    code, out, err = run(capsys, "check", "--seeds", seeds)
    assert code == 0, err
    assert err == ""
    assert out.startswith("ok")


def test_check_reports_every_load_problem_in_one_run(seeds, capsys):
    expected = load_problems(seeds)
    code, _, err = run(capsys, "check", "--seeds", seeds)
    assert code == 1
    assert_reported(err, expected)


def test_check_reports_every_cross_check_problem_in_one_run(seeds, capsys):
    expected = cross_check_problems(seeds)
    code, _, err = run(capsys, "check", "--seeds", seeds)
    assert code == 1
    assert_reported(err, expected)


def test_check_reports_load_and_cross_check_problems_in_one_run(seeds, capsys):
    # Files that fail to load must not hide the problems of the files that do load.
    expected = load_problems(seeds) + cross_check_problems(seeds)
    code, _, err = run(capsys, "check", "--seeds", seeds)
    assert code == 1
    assert_reported(err, expected)


def test_check_reports_the_line_of_an_unknown_key_in_an_existing_document(seeds, capsys):
    path = seeds / SHOIGU / "events.yaml"
    edit(path, '    quantity_unit: "station"\n', '    quantity_unit: "station"\n    price: "unknown"\n')
    code, _, err = run(capsys, "check", "--seeds", seeds)
    assert code == 1
    assert_reported(err, [Expected(path, 'price: "unknown"', "events[5].price", r"(?i)unknown")])


def test_check_rejects_a_date_typed_without_quotes(seeds, capsys):
    path = seeds / MOU / "events.yaml"
    edit(path, 'date_text: "2019"', "date_text: 2019")
    code, _, err = run(capsys, "check", "--seeds", seeds)
    assert code == 1
    assert_reported(err, [Expected(path, "date_text: 2019", "events[0].date_text", r"(?i)\bquot")])


def test_check_reports_a_missing_seeds_directory(tmp_path, capsys):
    code, _, err = run(capsys, "check", "--seeds", tmp_path / "nowhere")
    assert code == 1
    parse_problems(err)


# --- build -----------------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every directory under ``root``, by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(root.rglob("*"))}


def cli(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bilat.cli", *map(str, args)], cwd=cwd, capture_output=True, text=True)


@pytest.mark.parametrize("breakage", [load_problems, cross_check_problems], ids=["load", "cross-check"])
def test_failed_build_leaves_the_previous_output_untouched(seeds, tmp_path, breakage):
    out = tmp_path / "data"
    first = cli("build", "--seeds", seeds, "--out", out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    assert any(name.endswith(".parquet") for name in before) and any(name.endswith(".csv") for name in before)
    siblings = sorted(p.name for p in tmp_path.iterdir())

    breakage(seeds)
    second = cli("build", "--seeds", seeds, "--out", out, cwd=tmp_path)

    assert second.returncode != 0
    assert "Traceback" not in second.stderr
    parse_problems(second.stderr)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings


# --- mint and fmt ----------------------------------------------------------------------------


def test_mint_gives_an_id_to_an_event_without_one(seeds, capsys):
    path = seeds / BAQERI / "events.yaml"
    original = path.read_text(encoding="utf-8")
    taken = set(re.findall(r'id: "([0-9A-Z]{9})"', "".join(p.read_text(encoding="utf-8") for p in seeds.glob("*/events.yaml"))))
    edit(path, '  - id: "38BWXSK8F"\n    type:', "  - type:")
    assert run(capsys, "check", "--seeds", seeds)[0] == 1

    code, out, err = run(capsys, "mint", "--seeds", seeds)
    assert code == 0, err

    minted = sorted(set(re.findall(r'^  - id: "([^"]*)"$', path.read_text(encoding="utf-8"), re.MULTILINE)) - taken)
    assert len(minted) == 1
    assert re.search(rf"^{re.escape(path.as_posix())}: events\[\d+\] is now {minted[0]} \(visit ", out, re.MULTILINE), out
    assert out.splitlines()[-1] == "minted 1 IDs"
    assert is_valid_id(minted[0])
    assert minted[0] not in taken
    assert path.read_text(encoding="utf-8") == original.replace("38BWXSK8F", minted[0])
    assert run(capsys, "fmt", "--check", "--seeds", seeds)[0] == 0
    assert run(capsys, "check", "--seeds", seeds)[0] == 0


def test_mint_gives_distinct_ids_to_several_events(seeds, capsys):
    path = seeds / SHOIGU / "events.yaml"
    edit(path, '  - id: "AX6SXCFQ1"\n    type:', "  - type:")
    edit(path, '  - id: "MQHZEVV5E"\n    type:', "  - type:")
    code, _, err = run(capsys, "mint", "--seeds", seeds)
    assert code == 0, err
    ids = re.findall(r'^  - id: "([^"]*)"$', path.read_text(encoding="utf-8"), re.MULTILINE)
    assert len(ids) == len(set(ids)) == 6
    assert all(is_valid_id(i) for i in ids)
    assert run(capsys, "fmt", "--check", "--seeds", seeds)[0] == 0
    assert run(capsys, "check", "--seeds", seeds)[0] == 0


def test_mint_leaves_files_alone_when_every_event_has_an_id(seeds, capsys):
    before = snapshot(seeds)
    code, _, _ = run(capsys, "mint", "--seeds", seeds)
    assert code == 0
    assert snapshot(seeds) == before


def _unquote_summary(path: Path) -> None:
    edit(
        path,
        'summary: "Pakistan and Turkey signed a Memorandum of Understanding on the Development of Military Cooperation."',
        "summary: Pakistan and Turkey signed a Memorandum of Understanding on the Development of Military Cooperation.",
    )


def _swap_keys(path: Path) -> None:
    edit(
        path,
        '    agreement_title: "Development of Military Cooperation"\n    agreement_kind: "mou"\n',
        '    agreement_kind: "mou"\n    agreement_title: "Development of Military Cooperation"\n',
    )


def _single_quotes(path: Path) -> None:
    edit(path, 'agreement_kind: "mou"', "agreement_kind: 'mou'")


def _crlf(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


@pytest.mark.parametrize("change", [_unquote_summary, _swap_keys, _single_quotes, _crlf], ids=lambda f: f.__name__.strip("_"))
def test_fmt_check_fails_on_a_reformatted_file_until_fmt_is_run(seeds, capsys, change):
    path = seeds / MOU / "events.yaml"
    canonical = path.read_bytes()
    change(path)
    changed = path.read_bytes()
    assert changed != canonical

    code, out, _ = run(capsys, "fmt", "--check", "--seeds", seeds)
    assert code == 1
    assert path.as_posix() in out
    assert path.read_bytes() == changed, "fmt --check must not rewrite files"

    code, _, err = run(capsys, "fmt", "--seeds", seeds)
    assert code == 0, err
    assert run(capsys, "fmt", "--check", "--seeds", seeds)[0] == 0
    assert path.read_bytes() == canonical


def test_fmt_check_passes_on_the_shipped_seeds(seeds, capsys):
    code, out, err = run(capsys, "fmt", "--check", "--seeds", seeds)
    assert (code, out, err) == (0, "", "")


# --- the shipped seeds are canonical ---------------------------------------------------------


def _seed_files() -> list[tuple[Path, type]]:
    files = [(SEEDS / "actors.yaml", ActorRegistry), (SEEDS / "retired.yaml", RetiredIds)]
    return files + [(path, EventsFile) for path in sorted(SEEDS.glob("*/events.yaml"))]


@pytest.mark.parametrize(("path", "model"), _seed_files(), ids=[p.relative_to(SEEDS).as_posix() for p, _ in _seed_files()])
def test_shipped_seed_file_is_canonical(path, model):
    parsed, _ = read_yaml_model(path, path.as_posix(), model)
    assert path.read_bytes() == canonical_yaml(parsed).encode("utf-8")


# --- one bad record does not hide the others -----------------------------------------------


def test_a_schema_error_does_not_hide_the_other_events_problems(seeds, capsys):
    path = seeds / SHOIGU / "events.yaml"
    edit(path, 'status: "imposed"', 'status: "imposd"')
    edit(path, "In 2007, Russia agreed to sell", "In 2007, Russia agreed to buy")
    edit(path, 'date_text: "October 2011"', 'date_text: "November 2011"')
    code, _, err = run(capsys, "check", "--seeds", seeds)
    assert code == 1
    fields = [PROBLEM_LINE.match(line)["field"] for line in err.splitlines()[:-1]]
    assert sorted(fields) == ["events[2].evidence[0].quote", "events[3].status", "events[5].date_text"]


def test_a_bad_registry_entry_does_not_switch_off_the_actor_check(seeds, capsys):
    edit(seeds / "actors.yaml", "    ccode: 2\n", '    ccode: "two"\n')
    edit(seeds / MOU / "events.yaml", 'actor1: "PAK"', 'actor1: "XXX"')
    code, _, err = run(capsys, "check", "--seeds", seeds)
    assert code == 1
    assert "actors.yaml" in err and "XXX is not in seeds/actors.yaml" in err


# --- the output directory is replaced only when it is bilat's own ----------------------------


@pytest.mark.parametrize("out", [".", "seeds", "notes.txt", "notes"])
def test_build_refuses_to_replace_what_is_not_its_output(seeds, capsys, monkeypatch, out):
    root = seeds.parent
    monkeypatch.chdir(root)
    (root / "notes.txt").write_text("mine")
    (root / "notes").mkdir()
    (root / "notes" / "draft.md").write_text("mine too")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, _, err = run(capsys, "build", "--seeds", "seeds", "--out", out)
    assert code == 1 and "Traceback" not in err and "nothing was replaced" in err
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
