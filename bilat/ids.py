"""Event IDs: opaque Crockford base32 with a mod-37 check symbol.

An ID is eight data symbols (40 random bits) and one check symbol, for example ``CB31KRM6G``.
The check symbol is the value of the data, read as a base-32 number, modulo 37, written in
Crockford's check alphabet. Any single mistyped symbol changes the value by d·32^k with
0 < |d| < 32, never a multiple of the prime 37, so it is always caught. Minting skips the
three check symbols that are not URL-safe (``* $ =``), so every ID is safe in a URL.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"
URL_UNSAFE_CHECKS = frozenset("*$=")
DATA_LENGTH = 8
ID_LENGTH = DATA_LENGTH + 1
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def check_symbol(data: str) -> str:
    value = 0
    for char in data:
        value = value * 32 + _VALUE[char]
    return CHECK_ALPHABET[value % 37]


def id_problem(candidate: str) -> str | None:
    """Why ``candidate`` is not a valid event ID, or None when it is one."""
    if len(candidate) != ID_LENGTH:
        return f"an event ID has {ID_LENGTH} symbols, {candidate!r} has {len(candidate)}"
    data, check = candidate[:DATA_LENGTH], candidate[DATA_LENGTH]
    if bad := sorted({c for c in data if c not in _VALUE}):
        return f"{candidate!r} has symbols outside Crockford base32 (upper case, no I L O U): {''.join(bad)}"
    if check not in CHECK_ALPHABET or check in URL_UNSAFE_CHECKS:
        return f"{candidate!r} ends in {check!r}, which is not a check symbol bilat issues"
    if check_symbol(data) != check:
        return f"{candidate!r} fails its check symbol: a symbol is mistyped"
    return None


def is_valid_id(candidate: str) -> bool:
    return id_problem(candidate) is None


def mint_id(taken: set[str] | frozenset[str], random_bits: Callable[[int], int] = secrets.randbits) -> str:
    """A new valid ID that is not in ``taken`` (which should include retired IDs)."""
    while True:
        value = random_bits(5 * DATA_LENGTH)
        data = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(DATA_LENGTH)))
        candidate = data + check_symbol(data)
        if candidate[-1] not in URL_UNSAFE_CHECKS and candidate not in taken:
            return candidate


_CROCKFORD_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def canonical_id(typed: str) -> str:
    """An ID as a reader types it, made canonical: upper case, without spaces or hyphens, with Crockford's look-alikes (I, L → 1; O → 0)."""
    return re.sub(r"[\s-]", "", typed).upper().translate(_CROCKFORD_ALIASES)
