"""The project's own promises: documented commands, clean code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bilat.build import json_schemas
from bilat.cli import COMMANDS, main, parser
from tests.conftest import ROOT


def readme_command_rows() -> dict[str, str]:
    """The README's Commands table: the usage cell of each ``bilat NAME`` row, by name."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return {m["name"]: m["usage"] for m in re.finditer(r"^\| `(?P<usage>bilat (?P<name>\w+)[^`]*)` \|", readme, flags=re.MULTILINE)}


def test_every_command_and_every_option_is_in_the_readme() -> None:
    rows = readme_command_rows()
    assert set(rows) == set(COMMANDS)
    for name, command in COMMANDS.items():
        for argument in command.options:
            flag = argument.flags[0]
            shown = flag if flag.startswith("-") else argument.settings.get("metavar", flag.upper())
            assert re.search(rf"(?<![\w-]){re.escape(shown)}(?![\w-])", rows[name]), (
                f"the README's row of bilat {name} does not show {shown}"
            )


def test_every_command_explains_itself_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    for name, command in COMMANDS.items():
        assert command.help and f"Example: bilat {name}" in command.description, name
        with pytest.raises(SystemExit):
            parser().parse_args([name, "--help"])
        shown = capsys.readouterr().out
        assert command.help in shown and "Example:" in shown
        for argument in command.options:
            assert argument.settings.get("help"), f"bilat {name} {argument.flags[0]} has no help"


def test_version_option_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.metadata

    with pytest.raises(SystemExit) as exited:
        parser().parse_args(["--version"])
    assert exited.value.code == 0 and capsys.readouterr().out.strip() == f"bilat {importlib.metadata.version('bilat')}"


def test_schema_command_writes_the_json_schemas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--out", str(tmp_path / "schema")]) == 0
    written = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "schema").iterdir()}
    assert written == json_schemas()
    assert "schema" in capsys.readouterr().out


def test_the_readme_starts_with_the_install_and_test_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.search(r"```sh\n(.*?)```", readme, flags=re.DOTALL).group(1)
    assert "bilat build" in commands and "pytest" in commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = next(line for line in commands.splitlines() if "pytest" in line).split("#")[0].strip()
    assert test_command in ci, ".ci/run must run the README's test command"


def test_code_is_lint_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "bilat", "tests", "bench"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_the_codebooks_worked_examples_are_real_events() -> None:
    import pandas as pd

    codebook = (ROOT / "CODEBOOK.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"event `([0-9A-Z]{9})`", codebook))
    events = pd.read_parquet(ROOT / "data" / "events.parquet")
    assert cited and cited <= set(events["event_id"])
    assert set(events["event_type"]) <= {t for t in ("visit", "agreement", "sanction", "sale") if f"**{t.capitalize()}" in codebook}


def test_the_readmes_table_of_tables_is_the_one_the_metadata_gives() -> None:
    from bilat.metadata import tables_markdown

    assert tables_markdown() in (ROOT / "README.md").read_text(encoding="utf-8"), "regenerate it with bilat.metadata.tables_markdown()"
