"""Finding a coder's plainly typed quote in a typographically rich document, returning the exact slice."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bilat.evidence import QuoteError, contains, fold, fold_document, locate

TEXT = (Path(__file__).resolve().parent.parent / "seeds/639ef802b4573800/document.txt").read_text(encoding="utf-8")
DOC = fold_document(TEXT)


def found(quote: str, text: str = TEXT, occurrence: int | None = None) -> str:
    match = locate(quote, fold_document(text), occurrence)
    return text[match.char_start : match.char_end]


@pytest.mark.parametrize(
    "typed, original",
    [
        (
            'Dehghan, signed an intergovernmental agreement on "long term and multifaceted" military cooperation',
            "Dehghan,\xa0signed\xa0an intergovernmental agreement on “long term and multifaceted” military cooperation",
        ),
        (
            "imposing sanctions -- which included a ban on the sale of modern weapons -- on Iran",
            "imposing sanctions — which included a ban on the sale of modern weapons — on Iran",
        ),
        ("imposing sanctions - which included", "imposing sanctions — which included"),
        ("Iran's nuclear program. Only then can", "Iran’s nuclear program. \xa0Only then can"),
        ("Russia's stance vis-à-vis Iran", "Russia’s stance\xa0vis-à-vis\xa0Iran"),
        ('playing the "Iran card."', "playing the “Iran card.”"),
        ("agreed to sell five S-300PMU-1/SA-20", "agreed to\xa0sell five\xa0S-300PMU-1/SA-20"),
        ("  In October 2011, Russia  made\nits last ", "In October 2011, Russia made its last"),
        ("Sajad Abed Iran's relations", "Sajad Abed\n\nIran’s relations"),
    ],
)
def test_plain_quote_finds_exact_original_slice(typed, original):
    assert found(typed) == original
    assert TEXT.count(original) == 1


@pytest.mark.parametrize(
    "quote",
    [
        "Russia's stance vis-a-vis Iran",  # the document has à
        "On January 21, Russian Defense Minister",
        "the Iran card.",  # the opening quote mark is missing
        "Iran card. Other",  # the closing quote mark is missing
        "sanctions--which",  # the em dash has spaces around it in the document
    ],
)
def test_quote_not_in_text(quote):
    with pytest.raises(QuoteError, match="not found"):
        locate(quote, DOC)


def test_empty_quote():
    with pytest.raises(QuoteError, match="empty"):
        locate(" \n ", DOC)


def test_repeated_quote_needs_occurrence():
    title = "Iran's Defense Diplomacy with Russia Intensifies"
    with pytest.raises(QuoteError, match="found 2 times"):
        locate(title, DOC)
    first, second = locate(title, DOC, 1), locate(title, DOC, 2)
    assert first.char_start < first.char_end < second.char_start
    assert TEXT[second.char_start : second.char_end] == "Iran’s Defense Diplomacy with Russia Intensifies"
    assert TEXT[second.char_end : second.char_end + 12] == "\n\nSajad Abed"
    with pytest.raises(QuoteError, match="occurrence 3 asked for, but the quote is found 2 time"):
        locate(title, DOC, 3)


def test_unique_quote_with_occurrence_one():
    assert found("In 2007, Russia agreed", occurrence=1) == "In 2007, Russia agreed"
    with pytest.raises(QuoteError):
        locate("In 2007, Russia agreed", DOC, 2)


@pytest.mark.parametrize(
    "text, quote, original",
    [
        ("He said… no more.", "said... no", "said… no"),
        ("He said... no more.", "said… no", "said... no"),
        ("He said… no more.", "said…", "said…"),
        ("one  two\n\tthree\r\nfour", "one two three four", "one  two\n\tthree\r\nfour"),
        ("one\n\ntwo", "one two", "one\n\ntwo"),
        ("end of line-\nbreak", "line- break", "line-\nbreak"),
        ("2010–2012 talks", "2010-2012", "2010–2012"),
        ("a ‘b’ c", "'b'", "‘b’"),
    ],
)
def test_inline_typography(text, quote, original):
    assert found(quote, text) == original


def test_spaces_are_not_forgiven_where_the_document_has_none_or_vice_versa():
    with pytest.raises(QuoteError):
        locate("onetwo", fold_document("one two"))
    with pytest.raises(QuoteError):
        locate("said...", fold_document("said. . ."))


def test_contains():
    quote = 'on "long term and multifaceted" military cooperation in Tehran, Iran.'
    assert contains(quote, "“long term and\xa0multifaceted”")
    assert contains("On January 20, Russian Defense Minister", "January 20")
    assert not contains("On January 20, Russian Defense Minister", "January 2015")
    assert not contains("sanctions — which", "sanctions which")


@pytest.mark.parametrize(
    "text, quote",
    [
        ("Wait.… what", "Wait..."),  # returns "Wait.…", which says more than the quote
        ("Hm… ok", ".. ok"),  # returns "… ok"
    ],
)
def test_match_never_splits_an_ellipsis(text, quote):
    try:
        got = found(quote, text)
    except QuoteError:
        return
    assert fold(got) == fold(quote), f"{quote!r} located as {got!r}"


# No plain "." here: a match may split the three dots "…" folds to (see the test above).
TYPOGRAPHY = "ab '\"-\n\t\xa0‘’“”–—…"


@given(st.text(alphabet=TYPOGRAPHY, min_size=1, max_size=40), st.data())
def test_located_slice_folds_to_the_typed_quote(text, data):
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    original = text[i:j]
    typed = fold(original).replace("-", "--")  # as a coder types it: plain marks, single spaces, -- for a dash
    assume(typed)
    document = fold_document(text)
    match = locate(typed, document, occurrence=1)
    got = text[match.char_start : match.char_end]
    assert fold(got) == fold(original)
    try:
        unique = locate(typed, document)
    except QuoteError:  # found several times
        return
    assert unique == match and original.strip() in got  # the one place it can be: where it was cut from


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        (
            "the two ministers signed a contract whereby Russia supplies jets",
            "then the quote has 'whereby Russia supplies jets' where the document has 'under which Russia supplies j",
        ),
        (
            "the three ministers signed a contract under which Russia supplies jets",
            "before them the quote has '…the three' where the document has '…On March 11, the two'",
        ),
    ],
)
def test_a_missing_quote_is_shown_where_it_parts_from_the_text(quote: str, expected: str) -> None:
    document = fold_document("On March 11, the two ministers signed a contract under which Russia supplies jets.")
    with pytest.raises(QuoteError) as error:
        locate(quote, document)
    assert expected in str(error.value)
