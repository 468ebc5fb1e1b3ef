"""Load the published tables: ``bilat.load_events()`` and friends.

Parquet is read by default; CSV gives the same frame (categories, nullable integers and
datetimes included), read with options derived from the same row models.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import pandas as pd

from bilat.metadata import DATASET_MARKER, csv_read_options

Format = Literal["parquet", "csv"]


def find_data_dir(data_dir: str | Path | None = None) -> Path:
    """``data_dir`` if given; else $BILAT_DATA; else ./data; else the data/ beside this package."""
    candidates = [data_dir] if data_dir is not None else [os.environ.get("BILAT_DATA"), "data", Path(__file__).parent.parent / "data"]
    for candidate in candidates:
        if candidate is not None and (Path(candidate) / DATASET_MARKER).is_file():
            return Path(candidate)
    raise FileNotFoundError(f"no bilat data directory (one holding {DATASET_MARKER}) at {', '.join(str(c) for c in candidates if c)}")


def load_table(table: str, format: Format = "parquet", data_dir: str | Path | None = None) -> pd.DataFrame:
    directory = find_data_dir(data_dir)
    if format == "parquet":
        return pd.read_parquet(directory / f"{table}.parquet")
    if format == "csv":
        return pd.read_csv(directory / f"{table}.csv", **csv_read_options(table))
    raise ValueError(f"format is 'parquet' or 'csv', not {format!r}")


def load_events(format: Format = "parquet", data_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per event; see the column descriptions in datapackage.json."""
    return load_table("events", format, data_dir)


def load_evidence(format: Format = "parquet", data_dir: str | Path | None = None) -> pd.DataFrame:
    """The quotes supporting each event, with their offsets in the source document."""
    return load_table("evidence", format, data_dir)


def load_documents(format: Format = "parquet", data_dir: str | Path | None = None) -> pd.DataFrame:
    """The source documents and how their publication dates are known."""
    return load_table("documents", format, data_dir)


def load_actors(format: Format = "parquet", data_dir: str | Path | None = None) -> pd.DataFrame:
    """The actor registry."""
    return load_table("actors", format, data_dir)
