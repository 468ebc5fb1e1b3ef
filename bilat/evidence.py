"""Find a coder's quote in its document, forgiving typography but returning the exact slice.

Coders type plain quotes, apostrophes, hyphens and single spaces; documents hold curly quotes,
em dashes, non-breaking spaces and runs of whitespace. Both sides are folded to the plain form,
the quote is found in the folded document, and the match is mapped back to offsets into the
original text, so that ``text[char_start:char_end]`` is what the document really says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "…": "...",
    }
)
_DASHES = "-‐‑‒–—―−"
_TOKEN = re.compile(rf"\s+|[{_DASHES}]+|.", re.DOTALL)


@dataclass(frozen=True)
class FoldedText:
    """A document folded to plain typography, with each folded character's span in the original."""

    folded: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]


def fold_document(text: str) -> FoldedText:
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for token in _TOKEN.finditer(text):
        first = token.group()[0]
        plain = " " if first.isspace() else "-" if first in _DASHES else first.translate(_FOLD)
        pieces.append(plain)
        starts.extend([token.start()] * len(plain))
        ends.extend([token.end()] * len(plain))
    return FoldedText("".join(pieces), tuple(starts), tuple(ends))


def fold(text: str) -> str:
    return fold_document(text).folded.strip()


@dataclass(frozen=True)
class Match:
    char_start: int
    char_end: int


class QuoteError(ValueError):
    pass


def locate(quote: str, document: FoldedText, occurrence: int | None = None) -> Match:
    """Where ``quote`` is in the document; QuoteError when it is missing or ambiguous."""
    if occurrence is not None and occurrence < 1:
        raise QuoteError(f"occurrence counts from 1, not {occurrence}")
    needle = fold(quote)
    if not needle:
        raise QuoteError("the quote is empty")
    found: list[int] = []
    at = document.folded.find(needle)
    while at != -1:
        if _on_boundaries(document, at, at + len(needle)):
            found.append(at)
        at = document.folded.find(needle, at + 1)
    if not found:
        raise QuoteError(f"not found in the document: {_preview(quote)}")
    if occurrence is None and len(found) > 1:
        raise QuoteError(f"found {len(found)} times in the document; add occurrence: 1 to {len(found)} to choose")
    if occurrence is not None and occurrence > len(found):
        raise QuoteError(f"occurrence {occurrence} asked for, but the quote is found {len(found)} time(s)")
    first = found[(occurrence or 1) - 1]
    last = first + len(needle) - 1
    return Match(document.starts[first], document.ends[last])


def locate_all(passage: str, document: FoldedText) -> list[Match]:
    """Every occurrence of ``passage``; QuoteError when there is none."""
    matches = []
    while True:
        try:
            matches.append(locate(passage, document, len(matches) + 1))
        except QuoteError:
            if not matches:
                raise
            return matches


def _on_boundaries(document: FoldedText, start: int, end: int) -> bool:
    """Whether folded[start:end] begins and ends with whole original characters (not inside "…")."""
    starts_clean = start == 0 or document.starts[start - 1] != document.starts[start]
    ends_clean = end == len(document.folded) or document.starts[end] != document.starts[end - 1]
    return starts_clean and ends_clean


def contains(quote: str, fragment: str) -> bool:
    return fold(fragment) in fold(quote)


def _preview(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
