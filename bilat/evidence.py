"""Find a coder's quote in its document, forgiving typography but returning the exact slice.

Coders type plain quotes, apostrophes, hyphens and single spaces; documents hold curly quotes,
em dashes, non-breaking spaces and runs of whitespace. Both sides are folded to the plain form,
the quote is found in the folded document, and the match is mapped back to offsets into the
original text, so that ``text[char_start:char_end]`` is what the document really says.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

_DASHES = "-‐‑‒–—―−"
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_SAME_LENGTH = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys(_DASHES, "-"),
        **dict.fromkeys(_SPACES, " "),
    }
)
# Where folding changes the length: runs of spaces or dashes become one, and "…" becomes "...".
_RESIZED = re.compile(rf"\s{{2,}}|[{_DASHES}]{{2,}}|…")


@dataclass(frozen=True)
class FoldedText:
    """A document folded to plain typography. Outside the few resized stretches, a folded
    character sits at the same offset as its original, shifted by the stretches before it."""

    folded: str
    segments: tuple[tuple[int, int, int, int], ...]
    """(folded start, folded end, original start, original end) of each resized stretch."""
    segment_starts: tuple[int, ...]


def fold_document(text: str) -> FoldedText:
    pieces: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    position = folded_position = 0
    for stretch in _RESIZED.finditer(text):
        same = text[position : stretch.start()].translate(_SAME_LENGTH)
        token = stretch.group()
        plain = "..." if token == "…" else " " if token[0].isspace() else "-"
        folded_position += len(same)
        segments.append((folded_position, folded_position + len(plain), stretch.start(), stretch.end()))
        pieces += [same, plain]
        folded_position += len(plain)
        position = stretch.end()
    pieces.append(text[position:].translate(_SAME_LENGTH))
    return FoldedText("".join(pieces), tuple(segments), tuple(s[0] for s in segments))


def fold(text: str) -> str:
    return fold_document(text).folded.strip()


def _original(document: FoldedText, folded_index: int) -> tuple[int, int]:
    """(start, end) in the original text of the folded character at ``folded_index``."""
    i = bisect_right(document.segment_starts, folded_index) - 1
    if i >= 0:
        _, folded_end, start, end = document.segments[i]
        if folded_index < folded_end:
            return start, end
        shifted = folded_index - folded_end + end
        return shifted, shifted + 1
    return folded_index, folded_index + 1


@dataclass(frozen=True)
class Match:
    char_start: int
    char_end: int


class QuoteError(ValueError):
    pass


def _matches(quote: str, document: FoldedText) -> list[Match]:
    """Every whole-character occurrence of ``quote`` in the folded document, in order."""
    needle = fold(quote)
    if not needle:
        raise QuoteError("the quote is empty")
    matches = []
    at = document.folded.find(needle)
    while at != -1:
        if _on_boundaries(document, at, at + len(needle)):
            matches.append(Match(_original(document, at)[0], _original(document, at + len(needle) - 1)[1]))
        at = document.folded.find(needle, at + 1)
    return matches


def locate(quote: str, document: FoldedText, occurrence: int | None = None) -> Match:
    """Where ``quote`` is in the document; QuoteError when it is missing or ambiguous."""
    if occurrence is not None and occurrence < 1:
        raise QuoteError(f"occurrence counts from 1, not {occurrence}")
    found = _matches(quote, document)
    if not found:
        raise QuoteError(not_found_message(quote, document))
    if occurrence is None and len(found) > 1:
        raise QuoteError(f"found {len(found)} times in the document; add occurrence: 1 to {len(found)} to choose")
    if occurrence is not None and occurrence > len(found):
        raise QuoteError(f"occurrence {occurrence} asked for, but the quote is found {len(found)} time(s)")
    return found[(occurrence or 1) - 1]


def locate_all(passage: str, document: FoldedText) -> list[Match]:
    """Every occurrence of ``passage``; QuoteError when there is none."""
    found = _matches(passage, document)
    if not found:
        raise QuoteError(not_found_message(passage, document))
    return found


def _on_boundaries(document: FoldedText, start: int, end: int) -> bool:
    """Whether folded[start:end] begins and ends with whole original characters (not inside "…")."""
    for edge, side in ((start, 0), (end - 1, 1)):
        i = bisect_right(document.segment_starts, edge) - 1
        if i >= 0 and edge < document.segments[i][1] and edge != document.segments[i][side] - side:
            return False
    return True


def contains(quote: str, fragment: str) -> bool:
    return fold(fragment) in fold(quote)


def not_found_message(quote: str, document: FoldedText, context: int = 30) -> str:
    """Where a quote departs from the document, as a diff would show it: the longest start or end
    of the quote that the document holds, and the words on each side where they part."""
    needle, haystack = fold(quote), document.folded
    head = _longest(len(needle), lambda k: needle[:k] in haystack)
    tail = _longest(len(needle), lambda k: needle[len(needle) - k :] in haystack)
    if max(head, tail) == 0:
        return f"not found in the document, nor any start or end of it: {_preview(needle)}"
    if head >= tail:
        at = haystack.find(needle[:head])
        return (
            f"not found in the document: its first {head} of {len(needle)} characters match at character "
            f"{_original(document, at)[0]}, then the quote has {_preview(needle[head:], context)} where the document has "
            f"{_preview(haystack[at + head : at + head + context], context)}"
        )
    at = haystack.find(needle[len(needle) - tail :])
    before_quote, before_text = needle[: len(needle) - tail][-context:], haystack[max(0, at - context) : at]
    return (
        f"not found in the document: its last {tail} of {len(needle)} characters match at character "
        f"{_original(document, at)[0]}, but before them the quote has {'…' + before_quote!r} where the document has "
        f"{'…' + before_text!r}"
    )


def _longest(limit: int, found: Callable[[int], bool]) -> int:
    """The largest k <= limit with found(k), for a ``found`` that holds for every k below one that does."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if found(middle) else (low, middle - 1)
    return low


def _preview(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def in_its_sentence(text: str, start: int, end: int) -> str:
    """The sentence (or line) around ``text[start:end]``, the passage marked [[like this]]."""
    first = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    ends = [i for i in (text.find(". ", end - 1), text.find("\n", end)) if i != -1]
    last = min(ends) + 1 if ends else len(text)
    return f"{text[first:start]}[[{text[start:end]}]]{text[end:last]}".rstrip()
