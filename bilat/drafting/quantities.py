"""Money and counts as texts write them: "$800 million", "€5.2bn", "2.5 billion dollars",
"five S-300 systems", "24 jets". Number words are read by text2num."""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import text2num

from bilat.drafting.lexicon import Lexicon, alternation

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
    "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred"
)
_WORDS = rf"(?:{_NUMBER_WORDS})(?:[- ](?:and[- ])?(?:{_NUMBER_WORDS}))*"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Money:
    value: float
    currency: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Count:
    quantity: int
    unit: str
    item: str
    start: int
    end: int


def read_number(text: str) -> float | None:
    """A number written in digits ("1,200", "2.5") or English words ("twenty-four"); None otherwise."""
    text = text.strip()
    if re.fullmatch(_DIGITS, text):
        return float(text.replace(",", ""))
    try:
        return float(text2num(text.lower(), "en"))
    except ValueError:
        return None


def money_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    symbols = [p for patterns in lexicon.currencies.values() for p in patterns if not p[:1].isalpha()]
    names = [p for patterns in lexicon.currencies.values() for p in patterns if p[:1].isalpha()]
    scale = alternation(sorted(lexicon.scales, key=len, reverse=True))
    number = rf"(?P<number>{_DIGITS}|{_WORDS})"
    return re.compile(
        rf"(?:(?P<before>{alternation(symbols)}|\b(?:us\$|usd|eur|gbp|rs\.?)\s?)\s?{number}(?:\s?(?P<scale>{scale})\b)?"
        rf"|\b{number.replace('number', 'number2')}\s?(?:(?P<scale2>{scale})\s+)?(?P<after>{alternation(names)})\b)",
        re.IGNORECASE,
    )


def find_money(text: str, start: int, end: int, lexicon: Lexicon, pattern: re.Pattern[str]) -> list[Money]:
    found = []
    for match in pattern.finditer(text, start, end):
        written = match["number"] or match["number2"]
        number = read_number(written)
        sign = (match["before"] or match["after"] or "").strip().lower()
        currency = next(
            (code for code, forms in lexicon.currencies.items() if any(re.fullmatch(f, sign, re.IGNORECASE) for f in forms)), None
        )
        if number is None or currency is None or number <= 0:
            continue
        scale = (match["scale"] or match["scale2"] or "").lower()
        value = number * lexicon.scales.get(scale, 1)
        found.append(Money(value, currency, match.start(), match.end(), match.group()))
    return found


def count_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    arms = alternation(lexicon.words["arms"])
    return re.compile(
        rf"(?<![$€£¥\w.,-])(?P<number>{_DIGITS}|{_WORDS})(?!\s*(?:per ?cent|percent|%))\s+(?:of\s+the\s+)?"
        rf"(?P<item>(?:(?!(?:to|from|for|and|of|in|with|by)\b)[\w/().-]+\s+){{0,4}}(?P<unit>{arms}))\b",
        re.IGNORECASE,
    )


def find_counts(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[Count]:
    found = []
    for match in pattern.finditer(text, start, end):
        number = read_number(match["number"])
        if number is None or number < 1 or number != int(number) or 1800 <= number <= 2100:
            continue
        item = " ".join(match["item"].split())
        found.append(Count(int(number), match["unit"], item, match.start(), match.end()))
    return found
