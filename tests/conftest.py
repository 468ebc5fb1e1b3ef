from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilat.build import build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = ROOT / "data"


@pytest.fixture(scope="session", autouse=True)
def own_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """``bilat check`` keeps a cache under XDG_CACHE_HOME: the tests, and the commands they run, use their own."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    # A build leaves what it loaded out of garbage collection (gc.freeze); at the end of a long
    # session, give it back so that extension types are collected normally at exit.
    gc.unfreeze()


@pytest.fixture(scope="session")
def fresh_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset built from the shipped seeds into a temporary directory."""
    out = tmp_path_factory.mktemp("fresh") / "data"
    build(SEEDS, out)
    return out


def check_summary(seeds: Path = SEEDS) -> str:
    """What ``bilat check`` says of a tree that passes, counted from its YAML files alone."""
    import yaml

    files = sorted(seeds.glob("*/events.yaml"))
    events = sum(len(yaml.safe_load(path.read_text(encoding="utf-8")).get("events") or []) for path in files)
    return f"ok: {events} events in {len(files)} documents\n"


def releases(root: Path = ROOT) -> list[dict]:
    """The release record's releases, oldest first."""
    import yaml

    return yaml.safe_load((root / "release" / "release.yaml").read_text(encoding="utf-8"))["releases"]


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """``bilat ARGS`` in this process: (exit code, stdout, stderr)."""
    from bilat.cli import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err
