"""Relative dates ("last month", "on Thursday", "in June last year") resolved against the
publication date, with basis ``relative``; refused when the publication date cannot honestly
anchor them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bilat.dates import DateBasis, DateError, DateNormalizer, publication_conflict
from bilat.edtf import parse_edtf

D = dt.date
PAST, PLANNED = False, True
NORMALIZER = DateNormalizer()


def normalize(text: str, published: str, forward: bool = PAST):
    return NORMALIZER.from_text(text, parse_edtf(published), forward)


@pytest.mark.parametrize(
    "text, published, forward, edtf, precision",
    [
        ("last month", "2019-06-14", PAST, "2019-05", "month"),
        ("last month", "2019-01-10", PAST, "2018-12", "month"),
        ("this month", "2019-06-14", PAST, "2019-06", "month"),
        ("next month", "2019-12-14", PLANNED, "2020-01", "month"),
        ("earlier this month", "2019-06-14", PAST, "2019-06-01/2019-06-14", "range"),
        ("later this month", "2019-06-14", PLANNED, "2019-06-14/2019-06-30", "range"),
        ("last year", "2019-06-14", PAST, "2018", "year"),
        ("early last year", "2019-06-14", PAST, "2018", "year"),  # "early" sharpens nothing
        ("earlier this year", "2019-06-14", PAST, "2019-01-01/2019-06-14", "range"),
        ("later this year", "2019-06-14", PLANNED, "2019-06-14/2019-12-31", "range"),
        ("next year", "2019-06-14", PLANNED, "2020", "year"),
        ("in June last year", "2019-06-14", PAST, "2018-06", "month"),
        ("March this year", "2019-06-14", PAST, "2019-03", "month"),
        ("last June", "2019-06-14", PAST, "2018-06", "month"),
        ("last June", "2019-07-02", PAST, "2019-06", "month"),
        ("next March", "2019-06-14", PLANNED, "2020-03", "month"),
        # 2019-06-14 is a Friday.
        ("on Thursday", "2019-06-14", PAST, "2019-06-13", "day"),
        ("Friday", "2019-06-14", PAST, "2019-06-14", "day"),
        ("on Monday", "2019-06-14", PLANNED, "2019-06-17", "day"),
        ("last Friday", "2019-06-14", PAST, "2019-06-07", "day"),
        ("next Friday", "2019-06-14", PLANNED, "2019-06-21", "day"),
        ("yesterday", "2019-06-14", PAST, "2019-06-13", "day"),
        ("today", "2019-06-14", PAST, "2019-06-14", "day"),
        ("tomorrow", "2019-06-14", PLANNED, "2019-06-15", "day"),
        ("two days ago", "2019-06-14", PAST, "2019-06-12", "day"),
        ("3 months ago", "2019-06-14", PAST, "2019-03", "month"),
        ("last week", "2019-06-14", PAST, "2019-06-03/2019-06-09", "range"),
        ("next week", "2019-06-14", PLANNED, "2019-06-17/2019-06-23", "range"),
    ],
)
def test_relative_dates_resolve_against_the_publication_day(text, published, forward, edtf, precision):
    got = normalize(text, published, forward)
    assert (got.edtf, got.precision, got.basis) == (edtf, precision, DateBasis.relative)
    assert got.note == f"relative date resolved against the publication date {published}"
    assert publication_conflict(got, parse_edtf(published), forward) is None


def test_last_month_in_an_article_of_2019_06_14_is_may_2019():
    got = normalize("last month", "2019-06-14")
    assert (got.edtf, got.start, got.end, got.basis) == ("2019-05", D(2019, 5, 1), D(2019, 5, 31), DateBasis.relative)


@pytest.mark.parametrize(
    "text, published, edtf, start, end",
    [
        # Both publication days give the same reading: no precision is lost.
        ("last month", "2019-06-13/2019-06-14", "2019-05", D(2019, 5, 1), D(2019, 5, 31)),
        # Across a month end the readings differ: the bounds cover both.
        ("last month", "2019-06-30/2019-07-02", "2019-05/2019-06", D(2019, 5, 1), D(2019, 6, 30)),
        ("on Tuesday", "2019-06-10/2019-06-14", "2019-06-04/2019-06-11", D(2019, 6, 4), D(2019, 6, 11)),
        ("earlier this year", "2017-08-15/2017-12-31", "2017-01-01/2017-12-31", D(2017, 1, 1), D(2017, 12, 31)),
        ("last year", "2018-12-31/2019-01-01", "2017/2018", D(2017, 1, 1), D(2018, 12, 31)),
    ],
)
def test_a_publication_span_gives_bounds_covering_every_reading(text, published, edtf, start, end):
    got = normalize(text, published)
    assert (got.edtf, got.start, got.end, got.basis) == (edtf, start, end, DateBasis.relative)
    assert published in got.note


@pytest.mark.parametrize(
    "text, published, message",
    [
        ("last month", "2019/..", "open-ended"),
        ("yesterday", "../2019-06-14", "open-ended"),
        ("last month", "2015-01-20/2015-04-13", "too long"),  # a dozen Mays and Marches share nothing
        ("on Thursday", "2019-06", "too long"),
        ("yesterday", "2019-06-13/2019-06-14", "too long"),
        ("last year", "2017/2018", "too long"),
    ],
)
def test_relative_dates_are_refused_when_publication_cannot_anchor_them(text, published, message):
    with pytest.raises(DateError, match=message) as refused:
        normalize(text, published)
    assert "give date_bounds" in str(refused.value)


@pytest.mark.parametrize("text", ["the day before", "recently", "earlier last year", "the previous week", "Thursdays"])
def test_texts_it_does_not_resolve_are_still_refused(text):
    with pytest.raises(DateError):
        normalize(text, "2019-06-14")


def test_only_english_is_read_as_relative():
    with pytest.raises(DateError):
        DateNormalizer("de").from_text("last month", parse_edtf("2019-06-14"), False)


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)), st.integers(0, 6), st.booleans())
def test_a_weekday_lies_within_a_week_of_publication_on_the_right_side(published, weekday, forward):
    name = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[weekday]
    got = NORMALIZER.from_text(f"on {name}", parse_edtf(published.isoformat()), forward)
    assert got.start == got.end and got.start.weekday() == weekday
    gap = (got.start - published).days
    assert (0 <= gap < 7) if forward else (-7 < gap <= 0)


@given(st.dates(min_value=D(1900, 2, 1), max_value=D(2100, 12, 31)), st.integers(0, 30))
def test_span_readings_cover_every_day_of_publication(first, length):
    last = first + dt.timedelta(days=length)
    published = parse_edtf(f"{first.isoformat()}/{last.isoformat()}")
    got = NORMALIZER.from_text("last month", published, False)
    for offset in range(length + 1):
        day = NORMALIZER.from_text("last month", parse_edtf((first + dt.timedelta(days=offset)).isoformat()), False)
        assert got.start <= day.start and day.end <= got.end
