"""Event IDs: eight Crockford base32 symbols and a mod-37 check symbol that catches typos."""

from __future__ import annotations

import random
import urllib.parse

import pytest

from bilat.ids import ALPHABET, CHECK_ALPHABET, check_symbol, id_problem, is_valid_id, mint_id

_rng = random.Random(20151)
SAMPLE = [mint_id(set(), _rng.getrandbits) for _ in range(60)]
# Everything a coder might type instead of the right symbol.
SUBSTITUTES = CHECK_ALPHABET + ALPHABET.lower() + "ILOilo-_ .#/"


def bits_of(data: str) -> int:
    """The random_bits value that mint_id turns into ``data``."""
    return int("".join(f"{ALPHABET.index(c):05b}" for c in data), 2)


def data_with_check(check: str) -> str:
    """Some eight data symbols whose check symbol is ``check``."""
    return next(d for d in (f"0000{n:04d}" for n in range(10_000)) if check_symbol(d) == check)


def test_minted_ids_are_valid_and_url_safe():
    assert len(set(SAMPLE)) == len(SAMPLE)
    for event_id in SAMPLE:
        assert is_valid_id(event_id) and id_problem(event_id) is None
        assert len(event_id) == 9 and event_id == event_id.upper()
        assert all(c in ALPHABET for c in event_id[:8])
        assert event_id[8] not in "*$="
        assert urllib.parse.quote(event_id, safe="") == event_id


def test_every_single_substitution_is_rejected():
    for event_id in SAMPLE:
        for position, original in enumerate(event_id):
            for typo in SUBSTITUTES:
                if typo != original:
                    mistyped = event_id[:position] + typo + event_id[position + 1 :]
                    assert not is_valid_id(mistyped), f"{mistyped!r} (from {event_id!r}) accepted"
                    assert id_problem(mistyped)


def test_adjacent_transpositions_are_mostly_rejected():
    swaps = [
        event_id[:i] + event_id[i + 1] + event_id[i] + event_id[i + 2 :]
        for event_id in SAMPLE
        for i in range(len(event_id) - 1)
        if event_id[i] != event_id[i + 1]
    ]
    rejected = sum(not is_valid_id(s) for s in swaps)
    assert len(swaps) > 400 and rejected / len(swaps) > 0.9


@pytest.mark.parametrize(
    "candidate, reason",
    [
        ("00000000", "9 symbols"),
        ("0000000000", "9 symbols"),
        (SAMPLE[0].lower(), "outside Crockford base32"),
        ("0000000O" + check_symbol("00000000"), "outside Crockford base32"),
        (data_with_check("*") + "*", "not a check symbol bilat issues"),
        (data_with_check("$") + "$", "not a check symbol bilat issues"),
        (data_with_check("=") + "=", "not a check symbol bilat issues"),
        ("00000000" + check_symbol("00000001"), "mistyped"),
    ],
)
def test_id_problem_explains(candidate, reason):
    assert not is_valid_id(candidate)
    assert reason in id_problem(candidate)


def test_url_safe_extra_check_symbols_are_valid():
    for check in "~U":
        assert is_valid_id(data_with_check(check) + check)


def test_check_symbol_is_value_mod_37():
    assert check_symbol("00000000") == "0"
    assert check_symbol("00000010") == CHECK_ALPHABET[32 % 37]
    assert check_symbol("ZZZZZZZZ") == CHECK_ALPHABET[(32**8 - 1) % 37]


def test_mint_id_skips_taken_ids():
    first, second = "9ZM3KQ7T", "CB31KRM6"
    taken_id = first + check_symbol(first)
    bits = iter([bits_of(first), bits_of(first), bits_of(second)])
    assert mint_id({"AX6SXCFQ1", taken_id}, lambda n: next(bits)) == second + check_symbol(second)
    assert next(bits, None) is None


def test_mint_id_skips_url_unsafe_check_symbols():
    unsafe, safe = data_with_check("$"), "CB31KRM6"
    bits = iter([bits_of(unsafe), bits_of(safe)])
    assert mint_id(set(), lambda n: next(bits)) == safe + check_symbol(safe)


def test_mint_id_asks_for_40_bits():
    asked = []
    mint_id(set(), lambda n: asked.append(n) or 0)
    assert asked == [40]
