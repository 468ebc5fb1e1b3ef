"""Date expressions as documents write them, turned into EDTF, precision, bounds and basis."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.dates import DateBasis, DateError, DateNormalizer, from_bounds, publication_conflict
from bilat.edtf import Precision, parse_edtf

D = dt.date
PAST, PLANNED = False, True
SEED = "2015-01-20/2015-04-13"  # publication bounds of seeds/639ef802b4573800
NORMALIZER = DateNormalizer()


def normalize(text: str, published: str, forward: bool = PAST):
    return NORMALIZER.from_text(text, parse_edtf(published), forward)


@pytest.mark.parametrize(
    "text, published, forward, edtf, precision, start, end, basis",
    [
        ("January 20", SEED, PAST, "2015-01-20", "day", D(2015, 1, 20), D(2015, 1, 20), "year_inferred"),
        ("January 20", "2015-06-01", PAST, "2015-01-20", "day", D(2015, 1, 20), D(2015, 1, 20), "year_inferred"),
        ("January 20 to 22", SEED, PAST, "2015-01-20/2015-01-22", "range", D(2015, 1, 20), D(2015, 1, 22), "year_inferred"),
        ("June 2010", SEED, PAST, "2010-06", "month", D(2010, 6, 1), D(2010, 6, 30), "stated"),
        ("2007", SEED, PAST, "2007", "year", D(2007, 1, 1), D(2007, 12, 31), "stated"),
        ("October 2011", SEED, PAST, "2011-10", "month", D(2011, 10, 1), D(2011, 10, 31), "stated"),
        ("1980-88", SEED, PAST, "1980/1988", "range", D(1980, 1, 1), D(1988, 12, 31), "stated"),
        ("1999-00", SEED, PAST, "1999/2000", "range", D(1999, 1, 1), D(2000, 12, 31), "stated"),
        ("between 2001 and 2003", SEED, PAST, "2001/2003", "range", D(2001, 1, 1), D(2003, 12, 31), "stated"),
        ("the year 2000", SEED, PAST, "2000", "year", D(2000, 1, 1), D(2000, 12, 31), "stated"),
        ("1980s", SEED, PAST, "1980/1989", "range", D(1980, 1, 1), D(1989, 12, 31), "stated"),
        ("the 1980s", SEED, PAST, "1980/1989", "range", D(1980, 1, 1), D(1989, 12, 31), "stated"),
        ("June to August 2010", SEED, PAST, "2010-06/2010-08", "range", D(2010, 6, 1), D(2010, 8, 31), "stated"),
        ("06 December 2025", "2025-12-06", PAST, "2025-12-06", "day", D(2025, 12, 6), D(2025, 12, 6), "stated"),
        ("20 January 2015", "2015", PAST, "2015-01-20", "day", D(2015, 1, 20), D(2015, 1, 20), "stated"),
        ("December", "2025-12-06", PLANNED, "2025-12", "month", D(2025, 12, 1), D(2025, 12, 31), "year_inferred"),
        ("December", "2025-12-06", PAST, "2025-12", "month", D(2025, 12, 1), D(2025, 12, 31), "year_inferred"),
        ("December", "2025-11-30", PAST, "2024-12", "month", D(2024, 12, 1), D(2024, 12, 31), "year_inferred"),
        ("December", "2025-11-30", PLANNED, "2025-12", "month", D(2025, 12, 1), D(2025, 12, 31), "year_inferred"),
        ("January 1", "2015-12-31", PLANNED, "2016-01-01", "day", D(2016, 1, 1), D(2016, 1, 1), "year_inferred"),
        ("February 29", "2021-06-01", PAST, "2020-02-29", "day", D(2020, 2, 29), D(2020, 2, 29), "year_inferred"),
        ("November to February", "2015-06-01", PAST, "2014-11/2015-02", "range", D(2014, 11, 1), D(2015, 2, 28), "year_inferred"),
    ],
)
def test_from_text(text, published, forward, edtf, precision, start, end, basis):
    got = normalize(text, published, forward)
    assert (got.edtf, got.precision, got.start, got.end, got.basis) == (edtf, precision, start, end, basis)
    # An inferred year says where it came from; a stated date needs no note.
    assert (got.note is not None and published in got.note) if basis == "year_inferred" else got.note is None


@pytest.mark.parametrize(
    "text, published, forward, message",
    [
        ("January 20", "2015", PAST, "2014 or 2015"),  # a whole-year publication allows either year
        ("January 20", "2019/..", PAST, "open-ended"),
        ("yesterday", "2015", PAST, "give date_bounds"),  # relative dates: see tests/test_relative_dates.py
        ("Tuesday", "2015", PAST, "relative"),
        ("today", "2025", PAST, "give date_bounds"),
        ("next week", "2025", PLANNED, "give date_bounds"),
        ("last year", "2015/..", PAST, "give date_bounds"),
        ("June 31", "2015-07-01", PAST, "give date_bounds"),
        ("August 1980 to June 1980", SEED, PAST, "ends before it starts"),
        ("the signing", SEED, PAST, "give date_bounds"),
    ],
)
def test_from_text_refuses(text, published, forward, message):
    with pytest.raises(DateError, match=message):
        normalize(text, published, forward)


@pytest.mark.parametrize("published", ["2015", "2010/.."])
def test_range_with_year_on_last_end_does_not_need_publication(published):
    # The year is written in the text, so it must not depend on how precisely publication is known.
    got = normalize("June to August 2010", published)
    assert (got.edtf, got.start, got.end, got.basis) == ("2010-06/2010-08", D(2010, 6, 1), D(2010, 8, 31), "stated")


@pytest.mark.parametrize(
    "text, published, start, end",
    [
        ("June 10-12", "2015-06-30", D(2015, 6, 10), D(2015, 6, 12)),
        ("June 10–12", "2015-06-30", D(2015, 6, 10), D(2015, 6, 12)),
        ("3-5 March 2019", "2019-06-01", D(2019, 3, 3), D(2019, 3, 5)),
        ("10-12 June 2015", "2015-06-30", D(2015, 6, 10), D(2015, 6, 12)),
    ],
)
def test_day_ranges_are_read_as_ranges_or_refused(text, published, start, end):
    try:
        got = normalize(text, published)
    except DateError:
        return  # refusing, so the coder gives date_bounds, is acceptable
    assert (got.start, got.end) == (start, end), f"{text!r} misread as {got.edtf}"


@pytest.mark.parametrize(
    "edtf, precision, start, end",
    [
        ("../2025-12-06", "unknown", None, D(2025, 12, 6)),
        ("2025-12-06/..", "unknown", D(2025, 12, 6), None),
        ("2025-11/2025-12-06", "range", D(2025, 11, 1), D(2025, 12, 6)),
        ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),
        ("../..", "unknown", None, None),  # wholly unknown, e.g. a publication date nothing in the text bounds
    ],
)
def test_from_bounds(edtf, precision, start, end):
    got = from_bounds(edtf, "the coder's reason")
    assert (got.edtf, got.precision, got.start, got.end, got.basis) == (edtf, precision, start, end, DateBasis.coder)
    assert got.note == "the coder's reason"


@pytest.mark.parametrize(
    "date, published, forward, message",
    [
        (from_bounds("2015-05", "r"), SEED, PAST, "starts after its document was published (2015-04-13)"),
        (from_bounds("2024-12", "r"), "2025-12-06", PLANNED, "ends before its document was published (2025-12-06)"),
        (normalize("January 20", SEED), SEED, PAST, None),
        (normalize("2015", SEED), SEED, PAST, None),  # overlaps publication: may have been earlier
        (normalize("December", "2025-12-06", PLANNED), "2025-12-06", PLANNED, None),
        (from_bounds("../2025-12-06", "r"), "2025-11-30", PAST, "must end no later than publication (2025-11-30)"),
        (from_bounds("../2025-11-30", "r"), "2025-11-30", PAST, None),
        (from_bounds("2010-06/2016-04-13", "r"), SEED, PAST, "must end no later than publication (2015-04-13)"),
        (from_bounds("2010/..", "r"), SEED, PAST, "must end no later than publication (2015-04-13)"),
        (from_bounds("2025-12-01/..", "r"), "2025-12-06", PLANNED, "must start no earlier than publication (2025-12-06)"),
        (from_bounds("2025-12-06/..", "r"), "2025-12-06", PLANNED, None),
        (from_bounds("2030", "r"), "2019/..", PAST, None),  # open-ended publication: nothing to contradict
    ],
)
def test_publication_conflict(date, published, forward, message):
    got = publication_conflict(date, parse_edtf(published), forward)
    assert got is None if message is None else message in got


@pytest.mark.parametrize("text", ["2015-13", "2015-02-29", "2015/2014", "15-01-01", "2015/2016/2017", "", "Jan 2015"])
def test_parse_edtf_rejects(text):
    with pytest.raises(ValueError):
        parse_edtf(text)


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=D(1904, 1, 1), max_value=D(2096, 12, 31)),
    published=st.dates(min_value=D(1904, 1, 1), max_value=D(2096, 12, 31)),
    with_day=st.booleans(),
    forward=st.booleans(),
)
def test_year_inference_property(day, published, with_day, forward):
    month = calendar.month_name[day.month]
    text = f"{month} {day.day}" if with_day else month
    got = normalize(text, published.isoformat(), forward)
    assert got.start <= got.end
    assert got.precision == (Precision.day if with_day else Precision.month)
    assert (got.start.month, got.start.day if with_day else 1) == (day.month, day.day if with_day else 1)
    assert got.basis == DateBasis.year_inferred
    if forward:
        assert got.end >= published
    else:
        assert got.start <= published
    assert publication_conflict(got, parse_edtf(published.isoformat()), forward) is None


@pytest.mark.parametrize(
    "text, published, forward",
    [
        ("June 10-31", "2015-04-13", PLANNED),  # no such day: refused, never looped over
        ("June 31", "2015-04-13", PAST),
        ("June 10-12", "2015", PAST),  # the year is ambiguous; never 10 June 2012
        ("June 10-30", "2015", PLANNED),  # never 10 June 2030
        ("12", "2015-01-20/2015-04-13", PAST),  # a bare number is not a month
    ],
)
def test_dates_never_invented(text, published, forward):
    with pytest.raises(DateError):
        normalize(text, published, forward)


@pytest.mark.parametrize(("text", "edtf"), [("2007-08", "2007/2008"), ("2010-13", "2010/2013"), ("1999-2001", "1999/2001")])
def test_year_year_in_prose_is_a_range(text, edtf):
    assert normalize(text, SEED).edtf == edtf
