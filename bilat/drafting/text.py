"""Sentences, clauses and words, with their offsets into the document."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sentencex

_DATELINE = re.compile(
    r"(?P<dateline>[A-Z][A-Z'.-]+(?:[ ][A-Z][A-Z'.-]+)*(?:,[ ]*[A-Z][a-z]{2,8}\.?[ ]\d{1,2})?(?:[ ]*\([^)\n]{1,30}\))?[ ]*(?:--|-|—|–)[ ]*)"
)
"""A wire report's dateline: "ANKARA, March 3 (Reuters) - ", "WASHINGTON (AP) — ", "HANOI — "."""
_BYLINE = re.compile(r"(?:Published|Updated|Posted|By)\b|[\w ,.]*\d{4}\s*$")
_WORD = re.compile(r"[\w'’-]+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    index: int
    body_start: int
    """Where the sentence proper starts: after a dateline, if it opens with one."""


def sentences(text: str) -> list[Sentence]:
    """The document's sentences in order; a line break always ends one (headlines, list items)."""
    found: list[Sentence] = []
    for boundary in sentencex.get_sentence_boundaries("en", text):
        if boundary["is_paragraph_break"]:
            continue
        segment_start = boundary["start_index"]
        segment = text[segment_start : boundary["end_index"]]
        for line in re.finditer(r"[^\n]+", segment):
            start = segment_start + line.start() + len(line.group()) - len(line.group().lstrip(" \t.,;:)]}"))
            end = segment_start + line.end() - (len(line.group()) - len(line.group().rstrip()))
            if end <= start:
                continue
            dateline = _DATELINE.match(text, start, end)
            body = dateline.end() if dateline and dateline.end() < end else start
            found.append(Sentence(start, end, text[start:end], len(found), body))
    return found


def is_byline(sentence: Sentence) -> bool:
    """A line that only says who wrote it or when it was published."""
    return bool(_BYLINE.fullmatch(sentence.text) or re.match(r"(?:Published|Updated|Posted)\b", sentence.text))


def words_between(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(_WORD.finditer(text, max(start, 0), max(end, 0)))


def one_line(text: str) -> str:
    """Whitespace made single spaces, as evidence quotes are typed (``bilat.evidence`` folds it back)."""
    return " ".join(text.split())
