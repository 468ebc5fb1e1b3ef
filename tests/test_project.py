"""The project's own promises: documented commands, clean code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bilat.build import json_schemas
from bilat.cli import _parser, main
from tests.conftest import ROOT


def subcommands() -> list[str]:
    action = next(a for a in _parser()._actions if a.dest == "command")
    return sorted(action.choices)


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `bilat (\w+)", readme, flags=re.MULTILINE))
    assert documented == set(subcommands())


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
