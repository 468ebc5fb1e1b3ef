from __future__ import annotations

import os
from pathlib import Path

import pytest

from bilat.build import build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = ROOT / "data"


@pytest.fixture(scope="session", autouse=True)
def own_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """``bilat check`` keeps a cache under XDG_CACHE_HOME: the tests, and the commands they run, use their own."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def fresh_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset built from the shipped seeds into a temporary directory."""
    out = tmp_path_factory.mktemp("fresh") / "data"
    build(SEEDS, out)
    return out
