"""Panels: the events counted per pair of actors and period (year, quarter or month), as far as
their dates allow.

An event's date is a pair of inclusive bounds, either of which may be open. For each pair of
actors, period and event type, ``<type>_min`` counts the events whose bounds lie wholly inside the
period (they certainly fall in it) and ``<type>_max`` those whose bounds overlap it (they may). A
pair's rows run over every period from the first to the last that its events' known bounds touch,
zeros included; an open side reaches as far as that span and no further, and an event with no
known bound counts in every period of it. The directed panel counts an event from actor1 to
actor2 by role, an event of a type whose parties have no direction (an agreement) in both
directions, and gives both directions of a pair the pair's span, so that they add up to the
undirected panel.

``panel`` takes the events table and returns a panel, whose columns are those of
``bilat.metadata.panel_table``; nothing here reads or writes a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from bilat.metadata import PERIODS_PER_YEAR, PanelUnit, has_direction, panel_table, panel_types


@dataclass(frozen=True)
class GwDifference:
    """A COW state code that Gleditsch and Ward number otherwise, in the periods that end between
    ``first_day`` and ``last_day`` (inclusive; None is open)."""

    ccode: int
    gwcode: int
    first_day: dt.date | None
    last_day: dt.date | None
    case: str


COW_TO_GW = (
    GwDifference(255, 260, dt.date(1945, 5, 8), None, "Germany: G&W continue the German Federal Republic (260) after unification"),
    GwDifference(345, 340, None, dt.date(1918, 11, 30), "Serbia before Yugoslavia: G&W 340, COW 345"),
    GwDifference(345, 340, dt.date(2006, 6, 5), None, "Serbia after Montenegro's independence: G&W 340, COW continue 345"),
    GwDifference(679, 678, None, None, "Yemen: G&W continue the Yemen Arab Republic (678) after unification"),
    GwDifference(946, 970, None, None, "Kiribati"),
    GwDifference(947, 973, None, None, "Tuvalu"),
    GwDifference(955, 972, None, None, "Tonga"),
    GwDifference(970, 971, None, None, "Nauru"),
)
"""Where the Gleditsch–Ward code of a state differs from its COW code; everywhere else they are the same."""


def year_panels(events: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The two panels every build publishes: undirected and directed dyad-years of every event type."""
    return {panel_table(PanelUnit.year, directed).name: panel(events, PanelUnit.year, directed) for directed in (False, True)}


def panel(
    events: pd.DataFrame, unit: PanelUnit | str = PanelUnit.year, directed: bool = False, types: Iterable[str] | None = None
) -> pd.DataFrame:
    """The panel of ``events`` (the events table) per ``unit``, undirected or ``directed``, counting
    ``types`` (every event type by default), in its published row order."""
    unit, chosen = PanelUnit(unit), panel_types(types)
    table = panel_table(unit, directed, chosen)
    events = events[events["event_type"].isin(chosen)]
    dyads = _dyads(events)
    spans, bounds = _spans_and_bounds(events, dyads, chosen, PERIODS_PER_YEAR[unit])
    contributions = _by_direction(bounds, spans, dyads, chosen) if directed else bounds
    rows = _Rows.of(spans, directed)
    minimum, maximum = _counts(rows, contributions, len(chosen))
    columns = _pair_columns(dyads, spans.dyad[rows.span], rows.reverse, directed) | _period_columns(rows.period, unit)
    columns |= _gw_columns(columns, rows.period, unit, directed)
    for index, event_type in enumerate(chosen):
        columns[f"{event_type}_min"], columns[f"{event_type}_max"] = minimum[:, index], maximum[:, index]
    frame = pd.DataFrame({name: columns[name] for name in table.pandas_dtypes()}).astype(table.pandas_dtypes())
    return table.sorted(frame)


@dataclass(frozen=True)
class _Dyads:
    """Each event's dyad (``codes`` into ``names``, which are sorted), and the dyads' actors and COW codes."""

    codes: np.ndarray
    names: np.ndarray
    a_is_actor1: np.ndarray
    """Per event: whether its actor1 is the dyad's actor_a (the first code in sort order)."""
    actor_a: np.ndarray
    actor_b: np.ndarray
    ccode_a: pd.Series
    ccode_b: pd.Series


def _dyads(events: pd.DataFrame) -> _Dyads:
    actor1, actor2 = events["actor1"].to_numpy(dtype=object), events["actor2"].to_numpy(dtype=object)
    a_is_actor1 = actor1 < actor2
    codes, names = pd.factorize(events["dyad"].to_numpy(dtype=object), sort=True)
    firsts = np.unique(codes, return_index=True)[1]
    ccode1, ccode2 = (events[column].astype("Int64").reset_index(drop=True) for column in ("ccode1", "ccode2"))
    choose = pd.Series(a_is_actor1)
    return _Dyads(
        codes=codes,
        names=np.asarray(names, dtype=object),
        a_is_actor1=a_is_actor1,
        actor_a=np.where(a_is_actor1, actor1, actor2)[firsts],
        actor_b=np.where(a_is_actor1, actor2, actor1)[firsts],
        ccode_a=ccode1.where(choose, ccode2).iloc[firsts].reset_index(drop=True),
        ccode_b=ccode2.where(choose, ccode1).iloc[firsts].reset_index(drop=True),
    )


@dataclass(frozen=True)
class _Spans:
    """The dyads that have a span (``dyad``, an index into ``_Dyads.names``) and its first and last period."""

    dyad: np.ndarray
    first: np.ndarray
    last: np.ndarray


@dataclass(frozen=True)
class _Contributions:
    """What each event adds to a pair (``pair``: a span's index, or one direction of it): one to the
    ``_max`` of its ``event_type`` in each period from ``lo`` to ``hi``, and to the ``_min`` of ``lo``
    when it is ``certain``."""

    pair: np.ndarray
    event_type: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    certain: np.ndarray

    def take(self, which: np.ndarray, pair: np.ndarray) -> _Contributions:
        return _Contributions(pair, self.event_type[which], self.lo[which], self.hi[which], self.certain[which])


@dataclass(frozen=True)
class _Rows:
    """The panel's rows, pair by pair and period by period: each row's span, period and, in a directed
    panel, whether it runs from actor_b to actor_a; ``offset`` is where each pair's rows begin."""

    span: np.ndarray
    period: np.ndarray
    reverse: np.ndarray
    offset: np.ndarray
    first: np.ndarray
    """Per pair: its first period."""

    @classmethod
    def of(cls, spans: _Spans, directed: bool) -> _Rows:
        # In a directed panel pair 2s runs from actor_a to actor_b of span s, and 2s + 1 the other way.
        span_of_pair = np.repeat(np.arange(len(spans.first)), 2) if directed else np.arange(len(spans.first))
        lengths = (spans.last - spans.first + 1)[span_of_pair]
        offset = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        pair_of_row = np.repeat(np.arange(len(span_of_pair)), lengths)
        first = spans.first[span_of_pair]
        period = first[pair_of_row] + np.arange(int(lengths.sum())) - offset[pair_of_row]
        reverse = (pair_of_row % 2 == 1) if directed else np.zeros(len(period), dtype=bool)
        return cls(span_of_pair[pair_of_row], period, reverse, offset, first)


def _spans_and_bounds(events: pd.DataFrame, dyads: _Dyads, chosen: tuple[str, ...], per_year: int) -> tuple[_Spans, _Contributions]:
    """Each dyad's span, and each event's periods within it: an open side reaches to the span's end."""
    lo, hi = (_period_index(events[column], per_year) for column in ("date_start", "date_end"))
    first = pd.Series(np.where(np.isnan(lo), hi, lo)).groupby(dyads.codes).min().reindex(range(len(dyads.names))).to_numpy()
    last = pd.Series(np.where(np.isnan(hi), lo, hi)).groupby(dyads.codes).max().reindex(range(len(dyads.names))).to_numpy()
    # A dyad whose events have no known bound at all has no span, and so no rows.
    spanned = ~np.isnan(first)
    span_of_dyad = np.cumsum(spanned) - 1
    kept = spanned[dyads.codes]
    span = span_of_dyad[dyads.codes[kept]]
    spans = _Spans(np.flatnonzero(spanned), first[spanned].astype(np.int64), last[spanned].astype(np.int64))
    lo, hi = lo[kept], hi[kept]
    certain = ~np.isnan(lo) & ~np.isnan(hi) & (lo == hi)
    event_type = pd.Categorical(events["event_type"].to_numpy(dtype=object)[kept], categories=chosen).codes.astype(np.int64)
    lo = np.where(np.isnan(lo), spans.first[span], lo).astype(np.int64)
    hi = np.where(np.isnan(hi), spans.last[span], hi).astype(np.int64)
    return spans, _Contributions(span, event_type, lo, hi, certain)


def _by_direction(bounds: _Contributions, spans: _Spans, dyads: _Dyads, chosen: tuple[str, ...]) -> _Contributions:
    """Each event to its direction (pair 2s from actor_a to actor_b, 2s + 1 back); a type without direction to both."""
    way = np.where(dyads.a_is_actor1[np.isin(dyads.codes, spans.dyad)], 0, 1)
    forward = bounds.take(np.arange(len(bounds.pair)), 2 * bounds.pair + way)
    both_ways = np.flatnonzero(~np.array([has_direction(t) for t in chosen])[bounds.event_type])
    back = bounds.take(both_ways, 2 * bounds.pair[both_ways] + 1 - way[both_ways])
    return _Contributions(*(np.concatenate([getattr(forward, f.name), getattr(back, f.name)]) for f in fields(_Contributions)))


def _period_index(dates: pd.Series, per_year: int) -> np.ndarray:
    """The period each date falls in, counted from year 0 (``year * per_year + the period within it``); NaN when open."""
    dates = pd.to_datetime(dates)
    year = dates.dt.year.to_numpy(dtype="float64", na_value=np.nan)
    month = dates.dt.month.to_numpy(dtype="float64", na_value=np.nan)
    return year * per_year + (month - 1) // (12 // per_year)


def _counts(rows: _Rows, contributions: _Contributions, types: int) -> tuple[np.ndarray, np.ndarray]:
    """(minimum, maximum) counts, rows × types."""
    origin = rows.offset[contributions.pair] - rows.first[contributions.pair]
    first_row, last_row = origin + contributions.lo, origin + contributions.hi
    cells, kind = (len(rows.period) + 1) * types, contributions.event_type
    # One where a range starts and minus one just past its end: the running sum down a column counts the ranges open there.
    steps = np.bincount(first_row * types + kind, minlength=cells) - np.bincount((last_row + 1) * types + kind, minlength=cells)
    maximum = np.cumsum(steps.reshape(-1, types), axis=0)[:-1]
    certain = contributions.certain
    minimum = np.bincount(first_row[certain] * types + kind[certain], minlength=cells - types).reshape(-1, types)
    return minimum, maximum


def _pair_columns(dyads: _Dyads, dyad_of_row: np.ndarray, reverse: np.ndarray, directed: bool) -> dict[str, object]:
    actor_a, actor_b = dyads.actor_a[dyad_of_row], dyads.actor_b[dyad_of_row]
    ccode_a = dyads.ccode_a.iloc[dyad_of_row].reset_index(drop=True)
    ccode_b = dyads.ccode_b.iloc[dyad_of_row].reset_index(drop=True)
    columns: dict[str, object] = {"dyad": dyads.names[dyad_of_row]}
    if not directed:
        return columns | {"actor_a": actor_a, "actor_b": actor_b, "ccode_a": ccode_a, "ccode_b": ccode_b}
    forward = pd.Series(~reverse)
    return columns | {
        "actor1": np.where(reverse, actor_b, actor_a),
        "actor2": np.where(reverse, actor_a, actor_b),
        "ccode1": ccode_a.where(forward, ccode_b),
        "ccode2": ccode_b.where(forward, ccode_a),
    }


def _period_columns(period: np.ndarray, unit: PanelUnit) -> dict[str, np.ndarray]:
    per_year = PERIODS_PER_YEAR[unit]
    columns = {"year": period // per_year}
    if unit != PanelUnit.year:
        columns[str(unit)] = period % per_year + 1
    return columns


def _gw_columns(columns: dict[str, object], period: np.ndarray, unit: PanelUnit, directed: bool) -> dict[str, pd.Series]:
    ends = period_ends(period, unit)
    suffixes = ("1", "2") if directed else ("_a", "_b")
    return {f"gwcode{suffix}": gw_codes(columns[f"ccode{suffix}"], ends) for suffix in suffixes}


def period_ends(period: np.ndarray, unit: PanelUnit) -> np.ndarray:
    """The last day of each period (as counted by ``_period_index``)."""
    per_year = PERIODS_PER_YEAR[unit]
    months_since_1970 = (period // per_year - 1970) * 12 + (period % per_year + 1) * (12 // per_year)
    return months_since_1970.astype("datetime64[M]").astype("datetime64[D]") - np.timedelta64(1, "D")


def gw_codes(ccodes: pd.Series, ends: np.ndarray) -> pd.Series:
    """The Gleditsch–Ward code of each COW code in the period ending on the day beside it (``COW_TO_GW``)."""
    ccodes = pd.Series(ccodes, dtype="Int64").reset_index(drop=True)
    gwcodes = ccodes.copy()
    for difference in COW_TO_GW:
        # Matched against the COW codes, never the codes already changed: Kiribati's 970 is not Nauru's.
        applies = ccodes.eq(difference.ccode).fillna(False).to_numpy(dtype=bool)
        if difference.first_day is not None:
            applies &= ends >= np.datetime64(difference.first_day)
        if difference.last_day is not None:
            applies &= ends <= np.datetime64(difference.last_day)
        gwcodes.loc[applies] = difference.gwcode
    return gwcodes
