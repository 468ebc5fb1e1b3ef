"""Panels: counts per pair of actors and period that respect how well each date is known."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bilat
from bilat.metadata import TABLES, PanelUnit, csv_read_options, has_direction, panel_table
from bilat.models import EVENT_TYPES
from bilat.panels import gw_codes, panel, year_panels
from bilat.publish import stata_label, write_stata
from tests.conftest import DATA, ROOT

CCODES = {"IRN": 630, "RUS": 365, "TUR": 640, "UNSC": None, "SDF": None}


def events_frame(rows: list[tuple[str, str, str, str | None, str | None]]) -> pd.DataFrame:
    """Events as the events table has them, from (type, actor1, actor2, date_start, date_end); None is an open side."""
    frame = pd.DataFrame(rows, columns=["event_type", "actor1", "actor2", "date_start", "date_end"])
    return frame.assign(
        dyad=["-".join(sorted(pair)) for pair in zip(frame["actor1"], frame["actor2"], strict=True)],
        ccode1=pd.array([CCODES.get(a) for a in frame["actor1"]], dtype="Int64"),
        ccode2=pd.array([CCODES.get(a) for a in frame["actor2"]], dtype="Int64"),
        date_start=pd.to_datetime(frame["date_start"]),
        date_end=pd.to_datetime(frame["date_end"]),
    )


HAND_WORKED = events_frame(
    [
        ("sale", "RUS", "IRN", "2011-10-01", "2011-10-31"),  # known to the month
        ("sale", "RUS", "IRN", "2010-06-01", "2012-03-31"),  # a range across three years
        ("visit", "IRN", "RUS", "2013-05-01", None),  # open-ended: reaches to the end of the pair's span
        ("agreement", "RUS", "IRN", "2014-02-03", "2014-02-03"),  # known to the day; no direction
        ("visit", "RUS", "IRN", "2012-01-01", "2012-12-31"),  # known to the year
        ("sanction", "UNSC", "IRN", None, "2011-06-30"),  # open start, the pair's only event
    ]
)
COUNTS = [f"{t}_{side}" for t in EVENT_TYPES for side in ("min", "max")]


def counts(frame: pd.DataFrame, key: list[str]) -> dict[tuple, dict[str, int]]:
    """The nonzero counts of each row, by its key."""
    return {tuple(row[k] for k in key): {c: int(row[c]) for c in COUNTS if row[c]} for row in frame.to_dict("records")}


def test_the_hand_worked_panel() -> None:
    dyad_year = panel(HAND_WORKED)
    assert counts(dyad_year, ["dyad", "year"]) == {
        ("IRN-RUS", 2010): {"sale_max": 1},
        ("IRN-RUS", 2011): {"sale_min": 1, "sale_max": 2},
        ("IRN-RUS", 2012): {"sale_max": 1, "visit_min": 1, "visit_max": 1},
        ("IRN-RUS", 2013): {"visit_max": 1},
        ("IRN-RUS", 2014): {"visit_max": 1, "agreement_min": 1, "agreement_max": 1},
        ("IRN-UNSC", 2011): {"sanction_max": 1},
    }
    first = dyad_year.iloc[0]
    assert (first.actor_a, first.actor_b, first.ccode_a, first.ccode_b, first.gwcode_a, first.gwcode_b) == (
        "IRN",
        "RUS",
        630,
        365,
        630,
        365,
    )
    assert dyad_year.loc[dyad_year.dyad == "IRN-UNSC", "ccode_b"].isna().all()


def test_the_hand_worked_directed_panel() -> None:
    directed = panel(HAND_WORKED, directed=True)
    assert counts(directed, ["actor1", "actor2", "year"]) == {
        ("IRN", "RUS", 2010): {},
        ("IRN", "RUS", 2011): {},
        ("IRN", "RUS", 2012): {},
        ("IRN", "RUS", 2013): {"visit_max": 1},
        ("IRN", "RUS", 2014): {"visit_max": 1, "agreement_min": 1, "agreement_max": 1},
        ("IRN", "UNSC", 2011): {},
        ("RUS", "IRN", 2010): {"sale_max": 1},
        ("RUS", "IRN", 2011): {"sale_min": 1, "sale_max": 2},
        ("RUS", "IRN", 2012): {"sale_max": 1, "visit_min": 1, "visit_max": 1},
        ("RUS", "IRN", 2013): {},
        ("RUS", "IRN", 2014): {"agreement_min": 1, "agreement_max": 1},
        ("UNSC", "IRN", 2011): {"sanction_max": 1},
    }
    rus_irn = directed[(directed.actor1 == "RUS") & (directed.actor2 == "IRN")].iloc[0]
    assert (rus_irn.dyad, rus_irn.ccode1, rus_irn.ccode2, rus_irn.gwcode1, rus_irn.gwcode2) == ("IRN-RUS", 365, 630, 365, 630)


def test_the_hand_worked_quarters_and_months() -> None:
    quarters = panel(HAND_WORKED, PanelUnit.quarter).set_index(["dyad", "year", "quarter"])
    pair = quarters.loc["IRN-RUS"]
    assert (pair.index.min(), pair.index.max(), len(pair)) == ((2010, 2), (2014, 1), 16)
    assert pair.loc[(2011, 4), ["sale_min", "sale_max"]].tolist() == [1, 2]
    assert pair.loc[(2010, 2), ["sale_min", "sale_max"]].tolist() == [0, 1]
    # Known to the year: possibly in each of its quarters, certainly in none.
    assert pair.loc[2012, "visit_max"].tolist() == [1, 1, 1, 1] and pair.loc[2012, "visit_min"].tolist() == [0, 0, 0, 0]
    # Open-ended from May 2013: as far as the pair's last quarter.
    assert pair["visit_max"].loc[(2013, 1) :].tolist() == [0, 1, 1, 1, 1]
    months = panel(HAND_WORKED, "month", types=["sale"]).set_index(["dyad", "year", "month"])
    assert list(months.columns[-2:]) == ["sale_min", "sale_max"] and "visit_min" not in months
    assert months.loc[("IRN-RUS", 2011, 10), ["sale_min", "sale_max"]].tolist() == [1, 2]
    assert (months.index.get_level_values("dyad") == "IRN-RUS").all(), "a pair with none of the types counted has no rows"


def test_the_s300_cancellation_counts_as_possible_in_2010_to_2015_and_certain_in_none() -> None:
    events = pd.read_parquet(DATA / "events.parquet")
    cancellation = panel(events[events.event_id == "KM71SBP7N"])
    assert cancellation["year"].tolist() == list(range(2010, 2016))
    assert cancellation["sale_max"].tolist() == [1] * 6 and cancellation["sale_min"].sum() == 0


def test_gleditsch_ward_codes_follow_the_documented_differences() -> None:
    ccodes = pd.Series([255, 255, 345, 345, 345, 345, 679, 946, 947, 955, 970, 2, None], dtype="Int64")
    ends = np.array(
        [
            "1944-12-31",
            "1990-12-31",
            "1915-12-31",
            "1950-12-31",
            "2006-05-31",
            "2006-06-30",
            "2000-12-31",
            "2000-12-31",
            "2000-12-31",
            "2000-12-31",
            "2000-12-31",
            "2000-12-31",
            "2000-12-31",
        ],
        dtype="datetime64[D]",
    )
    expected = [255, 260, 340, 345, 345, 340, 678, 970, 973, 972, 971, 2, pd.NA]
    assert gw_codes(ccodes, ends).tolist() == expected


def test_gleditsch_ward_code_of_a_month_is_the_one_in_force_at_its_end() -> None:
    serbia = events_frame([("visit", "RUS", "SRB", "2006-05-01", "2006-06-30")]).assign(ccode2=pd.array([345], dtype="Int64"))
    months = panel(serbia, "month")
    assert months[["month", "gwcode_b", "ccode_b"]].values.tolist() == [[5, 345, 345], [6, 340, 345]]
    assert panel(serbia)["gwcode_b"].tolist() == [340]


def test_the_count_columns_come_from_the_event_types() -> None:
    for unit in PanelUnit:
        for directed in (False, True):
            names = [c.name for c in panel_table(unit, directed).columns]
            assert [n for n in names if n.endswith(("_min", "_max"))] == COUNTS
    assert [c.name for c in panel_table("year", types=["sale", "visit"]).columns][-4:] == ["visit_min", "visit_max", "sale_min", "sale_max"]
    with pytest.raises(ValueError, match="not parade"):
        panel_table("year", types=["parade"])


def test_no_events_give_an_empty_panel_with_its_columns() -> None:
    empty = panel(HAND_WORKED.iloc[:0], directed=True)
    assert empty.empty and list(empty.columns) == [c.name for c in panel_table("year", True).columns]


# --- properties over generated events ---------------------------------------------------------

ACTORS = ["IRN", "RUS", "TUR", "UNSC", "SDF"]
DAY_ZERO = dt.date(2000, 1, 1)


@st.composite
def events(draw: st.DrawFn, within_a_year: bool = False) -> pd.DataFrame:
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        actor1, actor2 = draw(st.lists(st.sampled_from(ACTORS), min_size=2, max_size=2, unique=True))
        start = DAY_ZERO + dt.timedelta(days=draw(st.integers(0, 4000)))
        if within_a_year:
            end = draw(st.dates(start, dt.date(start.year, 12, 31)))
            bounds = (start.isoformat(), end.isoformat())
        else:
            end = start + dt.timedelta(days=draw(st.integers(0, 1500)))
            bounds = draw(
                st.sampled_from([(start.isoformat(), end.isoformat()), (None, end.isoformat()), (start.isoformat(), None), (None, None)])
            )
        rows.append((draw(st.sampled_from(list(EVENT_TYPES))), actor1, actor2, *bounds))
    return events_frame(rows)


@settings(max_examples=60, deadline=None)
@given(events(), st.sampled_from(list(PanelUnit)))
def test_min_sum_at_most_the_events_at_most_max_sum(generated: pd.DataFrame, unit: PanelUnit) -> None:
    counted = panel(generated, unit)
    totals = counted.groupby("dyad")[COUNTS].sum()
    for (dyad, event_type), n in generated.groupby(["dyad", "event_type"]).size().items():
        if dyad not in totals.index:
            assert generated[generated.dyad == dyad][["date_start", "date_end"]].isna().all(axis=None), "only events with no bound"
            continue
        assert totals.loc[dyad, f"{event_type}_min"] <= n <= totals.loc[dyad, f"{event_type}_max"]
    assert (counted[[f"{t}_min" for t in EVENT_TYPES]].to_numpy() <= counted[[f"{t}_max" for t in EVENT_TYPES]].to_numpy()).all()
    key = ["year", "quarter"] if unit == PanelUnit.quarter else ["year", "month"] if unit == PanelUnit.month else ["year"]
    per_year = {PanelUnit.year: 1, PanelUnit.quarter: 4, PanelUnit.month: 12}[unit]
    for _, rows in counted.groupby("dyad"):
        index = rows["year"] * per_year + (rows[key[-1]] - 1 if len(key) == 2 else 0)
        assert index.tolist() == list(range(index.min(), index.max() + 1)), "every period of the span, once, in order"


@settings(max_examples=60, deadline=None)
@given(events(within_a_year=True))
def test_min_equals_max_when_every_event_is_known_within_one_year(generated: pd.DataFrame) -> None:
    counted = panel(generated)
    for event_type in EVENT_TYPES:
        assert counted[f"{event_type}_min"].tolist() == counted[f"{event_type}_max"].tolist()
        assert counted[f"{event_type}_min"].sum() == (generated.event_type == event_type).sum()


@settings(max_examples=60, deadline=None)
@given(events(), st.sampled_from(list(PanelUnit)))
def test_the_directed_panel_adds_up_to_the_undirected_one(generated: pd.DataFrame, unit: PanelUnit) -> None:
    undirected = panel(generated, unit)
    directed = panel(generated, unit, directed=True)
    key = [c for c in ("dyad", "year", "quarter", "month") if c in undirected]
    both = directed.groupby(key)[COUNTS].sum().reindex(pd.MultiIndex.from_frame(undirected[key]))
    assert len(directed) == 2 * len(undirected)
    for event_type in EVENT_TYPES:
        for side in ("min", "max"):
            column = f"{event_type}_{side}"
            expected = undirected[column].to_numpy() * (1 if has_direction(event_type) else 2)
            assert both[column].tolist() == expected.tolist(), column


# --- the published panels ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dyad_year", "directed_dyad_year"])
def test_the_published_panels_are_the_panels_of_the_published_events(name: str) -> None:
    table = TABLES[name]
    expected = year_panels(pd.read_parquet(DATA / "events.parquet"))[name]
    published = pd.read_parquet(DATA / f"{table.path}.parquet")
    pd.testing.assert_frame_equal(published, expected)
    pd.testing.assert_frame_equal(pd.read_csv(DATA / f"{table.path}.csv", **csv_read_options(name)), expected)
    from_stata = pd.read_stata(DATA / f"{table.path}.dta")
    assert list(from_stata.columns) == list(expected.columns)
    for column in expected:
        assert from_stata[column].fillna(-1).tolist() == expected[column].fillna(-1).tolist(), column


def test_the_published_panels_are_described_in_the_datapackage() -> None:
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    for name in ("dyad_year", "directed_dyad_year"):
        table = TABLES[name]
        for resource, path in ((name, f"{table.path}.csv"), (f"{name}-parquet", f"{table.path}.parquet")):
            described = resources[resource]
            assert described["path"] == path and described["schema"]["primaryKey"] == list(table.primary_key)
            assert [f["name"] for f in described["schema"]["fields"]] == [c.name for c in table.columns]
            assert "`<type>_min`" in described["description"] and "open side" in described["description"]
            sale_max = next(f for f in described["schema"]["fields"] if f["name"] == "sale_max")
            assert sale_max["type"] == "integer" and "overlap" in sale_max["description"]
        assert resources[f"{name}-stata"]["path"] == f"{table.path}.dta"
    assert resources["events-stata"]["path"] == "events.dta"
    assert "both directions" in resources["directed_dyad_year"]["description"]
    checksummed = {line.split("  ")[1] for line in (DATA / "SHA256SUMS").read_text().splitlines()}
    assert {"events.dta", "panels/dyad_year.parquet", "panels/dyad_year.dta", "panels/directed_dyad_year.csv"} <= checksummed


def test_load_panel_reads_the_published_panels_and_counts_others() -> None:
    events = bilat.load_events(data_dir=DATA)
    assert bilat.load_panel(data_dir=DATA).equals(pd.read_parquet(DATA / "panels" / "dyad_year.parquet"))
    directed = pd.read_parquet(DATA / "panels" / "directed_dyad_year.parquet")
    pd.testing.assert_frame_equal(bilat.load_panel("dyad_year", directed=True, data_dir=DATA), directed)
    pd.testing.assert_frame_equal(bilat.load_panel("directed_dyad_year", format="csv", data_dir=DATA), directed)
    pd.testing.assert_frame_equal(bilat.load_panel("dyad_month", data_dir=DATA), panel(events, "month"))
    with pytest.raises(ValueError, match="dyad_year, dyad_quarter or dyad_month"):
        bilat.load_panel("dyad_decade", data_dir=DATA)


# --- Stata files ------------------------------------------------------------------------------


def test_the_events_stata_file_reads_back_with_labels(fresh_data: Path) -> None:
    events = pd.read_parquet(fresh_data / "events.parquet")
    with pd.io.stata.StataReader(fresh_data / "events.dta") as reader:
        back = reader.read()
        labels, value_labels = reader.variable_labels(), reader.value_labels()
        package = json.loads((fresh_data / "datapackage.json").read_text(encoding="utf-8"))
        assert reader.data_label == f"bilat events, version {package['version']}"
        released = dt.date.fromisoformat(package["created"][:10]) if "created" in package else dt.date(1960, 1, 1)
        assert reader.time_stamp == released.strftime("%d %b %Y 00:00")
    assert list(back.columns) == list(events.columns)
    for column in TABLES["events"].columns:
        assert labels[column.name] == stata_label(column.description) and len(labels[column.name]) <= 80
        original, read = events[column.name], back[column.name]
        if column.type.kind == "category":
            assert list(value_labels[column.name].values()) == list(column.type.categories), column.name
            assert read.astype(object).where(read.notna(), None).tolist() == original.astype(object).where(original.notna(), None).tolist()
        elif column.type.kind == "string":
            assert read.tolist() == original.fillna("").tolist(), column.name
        else:
            assert read.isna().tolist() == original.isna().tolist(), column.name
            assert read.dropna().tolist() == original.dropna().tolist(), column.name


def test_a_stata_file_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    frame = year_panels(HAND_WORKED)["directed_dyad_year"]
    stamp = dt.datetime(2026, 11, 21)
    for name in ("one.dta", "two.dta"):
        write_stata(frame, "directed_dyad_year", tmp_path / name, "bilat directed_dyad_year", stamp)
    assert (tmp_path / "one.dta").read_bytes() == (tmp_path / "two.dta").read_bytes()


def test_long_text_goes_to_strl_and_long_descriptions_are_shortened(tmp_path: Path) -> None:
    events = pd.read_parquet(DATA / "events.parquet")
    long = events.assign(summary="é" * 1500 + " end")  # 3,004 bytes: past Stata's 2,045 for a fixed-width string
    write_stata(long, "events", tmp_path / "long.dta", "long", dt.datetime(2000, 1, 1))
    assert pd.read_stata(tmp_path / "long.dta")["summary"].tolist() == long["summary"].tolist()
    shortened = stata_label("word " * 30)
    assert len(shortened) <= 80 and shortened.endswith("word…")


# --- the command and the README's recipes ------------------------------------------------------


def run_bilat(*arguments: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bilat.cli", *map(str, arguments)], cwd=ROOT, capture_output=True, text=True)


def test_panel_command_writes_parquet_csv_and_stata(tmp_path: Path) -> None:
    done = run_bilat("panel", "--unit", "quarter", "--directed", "--type", "sale", "sanction", "--data", DATA, "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "wrote directed_dyad_quarter" in done.stdout
    expected = panel(pd.read_parquet(DATA / "events.parquet"), "quarter", directed=True, types=["sale", "sanction"])
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out" / "directed_dyad_quarter.parquet"), expected)
    assert len(pd.read_stata(tmp_path / "out" / "directed_dyad_quarter.dta")) == len(expected)
    csv = pd.read_csv(
        tmp_path / "out" / "directed_dyad_quarter.csv", **panel_table("quarter", True, ["sale", "sanction"]).csv_read_options()
    )
    pd.testing.assert_frame_equal(csv, expected)


def test_panel_command_will_not_write_inside_the_data_directory(tmp_path: Path) -> None:
    before = (DATA / "SHA256SUMS").read_bytes()
    done = run_bilat("panel", "--data", DATA, "--out", DATA / "panels")
    assert done.returncode == 1 and "inside the data directory" in done.stderr and "Traceback" not in done.stderr
    assert (DATA / "SHA256SUMS").read_bytes() == before
    wrong = run_bilat("panel", "--type", "parade", "--out", tmp_path)
    assert wrong.returncode == 2 and "'parade' is no event type" in wrong.stderr


def readme_panel_blocks() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Panels") : readme.index("### Dates")]
    return {m["lang"]: m["code"] for m in re.finditer(r"```(?P<lang>\w+)\n(?P<code>.*?)```", section, flags=re.DOTALL)}


def test_the_readmes_pandas_recipe_joins_a_country_year_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(readme_panel_blocks()["python"], namespace)
    joined, panel_frame = namespace["joined"], namespace["panel"]
    assert len(joined) == len(panel_frame)
    iran_russia_2015 = joined[(joined.dyad == "IRN-RUS") & (joined.year == 2015)].iloc[0]
    assert (iran_russia_2015.my_variable_a, iran_russia_2015.my_variable_b) == (2.0, 1.0)  # IRN (630) is actor_a, RUS (365) actor_b


def test_the_readmes_duckdb_recipe_sums_the_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = duckdb.sql(readme_panel_blocks()["sql"]).df()
    expected = pd.read_parquet(DATA / "panels" / "dyad_year.parquet").groupby("year")[["sale_min", "sale_max"]].sum()
    assert result["year"].tolist() == expected.index.tolist()
    assert result["at_least"].tolist() == expected["sale_min"].tolist() and result["at_most"].tolist() == expected["sale_max"].tolist()
