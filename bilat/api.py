"""Load the published tables: ``bilat.load_events()`` and friends.

Parquet is read by default; CSV gives the same frame (categories, nullable integers and
datetimes included), read with options derived from the same table entries.

Which dataset is read: ``data_dir`` if given; else ``$BILAT_DATA``; else ``./data`` when it holds
a bilat dataset (a checkout of the repository); else the dataset installed with this version of
bilat. A directory that is missing or damaged raises ``DataError``, naming it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import pandas as pd

from bilat.metadata import DATASET_MARKER, TABLES, csv_read_options
from bilat.problems import DataError, first_line

Format = Literal["parquet", "csv"]
DATA_ENV = "BILAT_DATA"
INSTALLED_DATASET = "dataset"
"""The folder of the installed package that holds the dataset shipped with it (the repository's data/, see pyproject.toml)."""


def installed_data_dir() -> Path:
    """The dataset installed with bilat: ``bilat/dataset`` in an installed package, the
    repository's ``data/`` in a checkout (and an editable install)."""
    package = Path(__file__).parent
    installed = package / INSTALLED_DATASET
    return installed if installed.is_dir() else package.parent / "data"


def find_data_dir(data_dir: str | Path | None = None) -> Path:
    """The data directory to read (see the module's docstring for the order)."""
    if data_dir is not None or os.environ.get(DATA_ENV):
        chosen = Path(data_dir if data_dir is not None else os.environ[DATA_ENV])
        how = "" if data_dir is not None else f" (from ${DATA_ENV})"
        if not (chosen / DATASET_MARKER).is_file():
            state = "does not exist" if not chosen.exists() else f"holds no {DATASET_MARKER}"
            raise DataError(
                f"{chosen.as_posix()}{how} {state}, so it is no bilat dataset; give --data DIR (or data_dir=) of a data/ directory"
            )
        return chosen
    for candidate in (Path("data"), installed_data_dir()):
        if (candidate / DATASET_MARKER).is_file():
            return candidate
    raise DataError(f"no bilat dataset here (no data/{DATASET_MARKER}) nor installed with bilat; give --data DIR or set ${DATA_ENV}")


def read_table(directory: Path, table: str, format: Format = "parquet") -> pd.DataFrame:
    """One table of a data directory; DataError when it is missing or cannot be read."""
    if format not in ("parquet", "csv"):
        raise ValueError(f"format is 'parquet' or 'csv', not {format!r}")
    if table not in TABLES:
        raise ValueError(f"bilat publishes the tables {', '.join(TABLES)}, not {table!r}")
    path = directory / f"{TABLES[table].path}.{format}"
    if not path.is_file():
        raise DataError(f"{path.as_posix()} does not exist: {directory.as_posix()} is not a complete bilat data directory")
    import pyarrow as pa

    try:
        return pd.read_parquet(path) if format == "parquet" else pd.read_csv(path, **csv_read_options(table))
    except (OSError, ValueError, pa.ArrowException) as err:
        reason = first_line(err)
        raise DataError(f"{path.as_posix()} cannot be read ({reason}); build it again with bilat build, or download it again") from None


def load_table(table: str, format: Format = "parquet", data_dir: str | Path | None = None) -> pd.DataFrame:
    return read_table(find_data_dir(data_dir), table, format)


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


def load_panel(
    name: str = "dyad_year", directed: bool = False, format: Format = "parquet", data_dir: str | Path | None = None
) -> pd.DataFrame:
    """Counts of each event type per pair of actors and period: ``<type>_min`` the events certainly in
    it, ``<type>_max`` those that may be (see the descriptions in datapackage.json). ``name`` is
    ``dyad_year`` (published with the data), ``dyad_quarter`` or ``dyad_month`` (counted from the
    events when asked for); ``directed=True``, or a name starting ``directed_``, counts from actor1
    to actor2 by role."""
    from bilat.metadata import PanelUnit, panel_table

    kind = name.removeprefix("directed_")
    unit = kind.removeprefix("dyad_")
    if not kind.startswith("dyad_") or unit not in set(PanelUnit):
        raise ValueError(f"a panel is dyad_year, dyad_quarter or dyad_month (or directed_dyad_…), not {name!r}")
    directed = directed or name.startswith("directed_")
    table = panel_table(unit, directed)
    directory = find_data_dir(data_dir)
    if table.name in TABLES:
        return read_table(directory, table.name, format)
    from bilat.panels import panel

    return panel(read_table(directory, "events", format), unit, directed)
