"""``bilat coverage``: every date expression in every document is either inside a quote of a
coded event or of a report of one, or dismissed, with a reason, in the document's events.yaml.

Candidates come from two finders, because each misses what the other catches: patterns for
years, months, days, decades and year ranges, and dateparser's ``search_dates`` for anything
else that reads as a date (it also invents dates from words such as "may" or "we", so what
it finds is kept only when it names a month, a weekday or a relative period).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from dateparser.search import search_dates

from bilat.normalize import Checked, DocumentCoding
from bilat.problems import Problem, line_col
from bilat.progress import Progress
from bilat.seeds import SourceDocument

_MONTH = "|".join(
    sorted({*calendar.month_name[1:], *(f"{m}\\.?" for m in calendar.month_abbr[1:]), "Sept\\.?"} - {""}, key=len, reverse=True)
)
_YEAR = r"(?<![\d$£€.,])(?:1[6-9]\d\d|20\d\d)(?!\d|[,.]\d)"
_PATTERNS = re.compile(
    "|".join(
        [
            # 20 January 2015, January 20, 2015, June 2010
            rf"\b(?:\d{{1,2}}\s+)?(?:{_MONTH})(?![a-z])(?:\s+\d{{1,2}}(?!\d))?(?:,?\s+{_YEAR})?",
            rf"{_YEAR}\s*[-–—/]\s*(?:\d{{4}}|\d{{2}})(?!\d)",  # 1980-88, 2010–2012
            r"\b(?:1[6-9]|20)\d0s\b",  # the 1980s
            rf"{_YEAR}",
            r"(?i:\b(?:past|last|previous|next|coming)\s+(?:decade|year|month|week)\b)",
        ]
    )
)
_SEARCH_KEEP = re.compile(
    rf"\b(?:{_MONTH})(?![a-z])|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|(?i:\b(?:yesterday|today|tomorrow|tonight|ago)\b|\b(?:last|next|this)\s+(?:week|month|year)\b)"
)


@dataclass(frozen=True)
class DateMention:
    text: str
    start: int
    end: int


def find_date_mentions(text: str, language: str = "en") -> list[DateMention]:
    """Candidate date expressions, each with its offsets; overlapping finds are merged."""
    spans = [(m.start(), m.end()) for m in _PATTERNS.finditer(text)]
    for found, _ in search_dates(text, languages=[language]) or []:
        if _SEARCH_KEEP.search(found) and not _PATTERNS.search(found):
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(found), text)]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    mentions = [DateMention(text[start:end], start, end) for start, end in merged]
    # "May" alone is far more often the verb than the month.
    return [m for m in mentions if m.text.rstrip(".") != "May"]


def uncovered_mentions(coding: DocumentCoding, document: SourceDocument) -> list[DateMention]:
    """Date mentions of one checked document outside every quote and every dismissed passage."""
    covered = [(q.char_start, q.char_end) for record in (*coding.coded, *coding.reports) for q in record.evidence]
    covered += [(m.char_start, m.char_end) for m in coding.dismissed]
    return [
        mention
        for mention in find_date_mentions(document.text, document.meta.language)
        if not any(start <= mention.start and mention.end <= end for start, end in covered)
    ]


def coverage_problems(checked: Checked) -> list[Problem]:
    """One problem per uncovered date mention, located in the document text."""
    problems = []
    with Progress("finding date mentions", len(checked.codings)) as progress:
        for document, coding in zip(checked.seeds.documents, checked.codings, strict=True):
            progress.step()
            problems += _uncovered_problems(document, coding)
    return problems


def _uncovered_problems(document: SourceDocument, coding: DocumentCoding) -> list[Problem]:
    display = f"{document.located.file.removesuffix('events.yaml')}document.txt"
    return [
        Problem(
            display,
            *line_col(document.text, mention.start),
            "date",
            f"{mention.text!r} is in no event's quotes and not dismissed in events.yaml",
        )
        for mention in uncovered_mentions(coding, document)
    ]
