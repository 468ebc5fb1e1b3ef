from __future__ import annotations

from pathlib import Path

import pytest

from bilat.build import build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def fresh_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset built from the shipped seeds into a temporary directory."""
    out = tmp_path_factory.mktemp("fresh") / "data"
    build(SEEDS, out)
    return out
