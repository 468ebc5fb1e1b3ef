"""The published files: what a user loading data/ sees, and that data/ and schema/ are current."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from bilat.build import build, json_schemas
from bilat.metadata import TABLES, csv_read_options
from tests.conftest import DATA, ROOT, SEEDS

TABLE_NAMES = list(TABLES)
TABLE_BY_PATH = {table.path: name for name, table in TABLES.items()}


def files_under(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_published_data_is_current_with_seeds(fresh_data: Path) -> None:
    committed, fresh = files_under(DATA), files_under(fresh_data)
    assert sorted(committed) == sorted(fresh), "data/ is stale: run `bilat build` and commit data/"
    for name in fresh:
        if name.startswith("plots/"):  # drawn from events, compared above; their bytes follow the matplotlib version
            continue
        if name == "SHA256SUMS":  # the hashes depend on library versions; the files they cover must not
            assert [line.split("  ")[1] for line in committed[name].decode().splitlines()] == [
                line.split("  ")[1] for line in fresh[name].decode().splitlines()
            ]
        elif name.endswith(".json"):
            assert json.loads(committed[name]) == json.loads(fresh[name]), f"{name} is stale; rebuild data/"
        elif name.endswith(".parquet"):
            old, new = pq.read_table(DATA / name), pq.read_table(fresh_data / name)
            assert old.schema.equals(new.schema, check_metadata=False), f"{name}: columns changed; rebuild data/"
            assert [f.metadata for f in old.schema] == [f.metadata for f in new.schema], f"{name}: column descriptions changed"
            assert old.equals(new), f"{name}: rows differ; rebuild data/"
            assert old.schema.metadata[b"bilat.version"] == new.schema.metadata[b"bilat.version"], f"{name}: version differs"
        elif name.endswith(".dta"):  # compared by content, as Parquet is: the bytes follow the pandas version
            (old_frame, *old_labels), (new_frame, *new_labels) = stata_contents(DATA / name), stata_contents(fresh_data / name)
            pd.testing.assert_frame_equal(old_frame, new_frame, obj=name)
            assert old_labels == new_labels, f"{name}: labels changed; rebuild data/"
        else:
            table = "events" if name.startswith("timelines/") else TABLE_BY_PATH[name.removesuffix(".csv")]
            old_frame = pd.read_csv(DATA / name, **csv_read_options(table))
            new_frame = pd.read_csv(fresh_data / name, **csv_read_options(table))
            pd.testing.assert_frame_equal(old_frame, new_frame, obj=name)


def stata_contents(path: Path) -> tuple[pd.DataFrame, str, str, dict, dict]:
    """A Stata file's rows, data label, time stamp, variable labels and value labels."""
    with pd.io.stata.StataReader(path) as reader:
        return reader.read(), reader.data_label, reader.time_stamp, reader.variable_labels(), reader.value_labels()


def test_schema_dir_is_current() -> None:
    expected = json_schemas()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "schema").glob("*.schema.json")}
    assert sorted(on_disk) == sorted(expected), "schema/ is stale: run `bilat schema`"
    for name, text in expected.items():
        assert json.loads(on_disk[name]) == json.loads(text), f"schema/{name} is stale: run `bilat schema`"


def test_rebuild_is_byte_identical_from_another_directory(fresh_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    build(Path(os.path.relpath(SEEDS, tmp_path)), Path("again"))
    assert files_under(tmp_path / "again") == files_under(fresh_data)


def test_plain_read_parquet_gives_categories_dates_and_nullable_ints(fresh_data: Path) -> None:
    events = pd.read_parquet(fresh_data / "events.parquet")
    for column in ("event_type", "status", "actor1_role", "date_precision", "date_basis", "visit_level", "item_category"):
        assert isinstance(events[column].dtype, pd.CategoricalDtype), column
    assert set(events["event_type"].cat.categories) == {"visit", "agreement", "sanction", "sale"}
    assert str(events["date_start"].dtype).startswith("datetime64") and str(events["date_end"].dtype).startswith("datetime64")
    assert str(events["ccode1"].dtype) == "Int64" and str(events["quantity"].dtype) == "Int64"
    assert pd.api.types.is_string_dtype(events["event_id"])


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_csv_recipe_reads_the_same_frame_as_parquet(fresh_data: Path, table: str) -> None:
    from_parquet = pd.read_parquet(fresh_data / f"{TABLES[table].path}.parquet")
    from_csv = pd.read_csv(fresh_data / f"{TABLES[table].path}.csv", **csv_read_options(table))
    pd.testing.assert_frame_equal(from_csv, from_parquet)


def test_events_sorted_by_start_then_id_and_dyads_are_sorted_pairs(fresh_data: Path) -> None:
    events = pd.read_parquet(fresh_data / "events.parquet")
    expected = events.sort_values(["date_start", "event_id"], na_position="first", ignore_index=True)
    pd.testing.assert_frame_equal(events, expected)
    for row in events.itertuples():
        assert row.dyad == "-".join(sorted((row.actor1, row.actor2)))


def test_timelines_hold_each_dyads_events_in_date_order(fresh_data: Path) -> None:
    events = pd.read_parquet(fresh_data / "events.parquet")
    for dyad, group in events.groupby("dyad"):
        timeline = pd.read_parquet(fresh_data / "timelines" / f"{dyad}.parquet")
        pd.testing.assert_frame_equal(timeline, group.reset_index(drop=True))
    assert len(list((fresh_data / "timelines").glob("*.parquet"))) == events["dyad"].nunique()


def test_evidence_offsets_slice_the_documents(fresh_data: Path) -> None:
    evidence = pd.read_parquet(fresh_data / "evidence.parquet")
    events = pd.read_parquet(fresh_data / "events.parquet")
    assert set(evidence["event_id"]) == set(events["event_id"])
    for row in evidence.itertuples():
        text = (SEEDS / row.doc_id / "document.txt").read_text(encoding="utf-8")
        assert text[row.char_start : row.char_end] == row.quote


def test_every_published_column_is_described(fresh_data: Path) -> None:
    for table in TABLE_NAMES:
        schema = pq.read_schema(fresh_data / f"{TABLES[table].path}.parquet")
        undescribed = [f.name for f in schema if not (f.metadata or {}).get(b"description")]
        assert undescribed == [], f"{table}: {undescribed}"


def test_the_iran_russia_document_reads_as_coded(fresh_data: Path) -> None:
    events = pd.read_parquet(fresh_data / "events.parquet").set_index("event_id")
    shoigu = events.loc["CB31KRM6G"]
    assert (shoigu.event_type, shoigu.status, shoigu.actor1, shoigu.actor2) == ("visit", "occurred", "RUS", "IRN")
    assert (shoigu.date, shoigu.date_precision, shoigu.date_basis) == ("2015-01-20", "day", "year_inferred")
    s300 = events.loc["93CATQVMK"]
    assert (s300.date, s300.date_precision, s300.quantity, s300.value, s300.currency) == ("2007", "year", 5, 800_000_000.0, "USD")
    assert (s300.date_start, s300.date_end) == (pd.Timestamp("2007-01-01"), pd.Timestamp("2007-12-31"))
    assert events.loc["KM71SBP7N", "follows"] == "93CATQVMK"


def test_the_new_document_template_is_a_valid_events_file() -> None:
    from bilat.models import EventsFile
    from bilat.seeds import read_yaml_model

    coded, _ = read_yaml_model(SEEDS / "TEMPLATE.yaml", "seeds/TEMPLATE.yaml", EventsFile)
    assert {event.type for event in coded.events} == {"visit", "agreement", "sanction", "sale"}
    assert coded.reports and coded.dismissed, "the template shows a report and a dismissal too"


def test_plain_csv_recipe_without_bilat_gives_the_same_values(fresh_data: Path) -> None:
    columns = TABLES["events"].columns
    dates = [c.name for c in columns if c.type.kind == "date"]
    integers = {c.name: "Int64" for c in columns if c.type.kind == "integer"}
    recipe = f'pd.read_csv("data/events.csv", parse_dates={json.dumps(dates)}, dtype={json.dumps(integers)})'
    assert recipe in (ROOT / "README.md").read_text(encoding="utf-8"), "the README's CSV recipe is stale"
    plain = pd.read_csv(fresh_data / "events.csv", parse_dates=dates, dtype=integers)
    from_parquet = pd.read_parquet(fresh_data / "events.parquet")
    as_text = {c: from_parquet[c].astype("str") for c in from_parquet if isinstance(from_parquet[c].dtype, pd.CategoricalDtype)}
    pd.testing.assert_frame_equal(plain, from_parquet.assign(**as_text), check_dtype=False)
