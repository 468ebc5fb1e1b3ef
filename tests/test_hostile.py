"""Hostile input: each case is a small named patch to a copy of the real seeds tree. For every one,
`bilat build` and `bilat check` must refuse it with located problems, no traceback, and leave the
last good output byte for byte as it was. Then: nothing is lost when a build fails or is killed
part-way, and the same seeds always give the same bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import bilat.publish
from bilat.build import build
from bilat.dates import DateNormalizer
from bilat.edtf import parse_edtf
from bilat.ids import URL_UNSAFE_CHECKS, check_symbol
from bilat.problems import InputError
from bilat.publish import OutputError
from bilat.seeds import MAX_DOCUMENT_BYTES
from bilat.yamlio import MAX_DEPTH, MAX_PROBLEMS, MAX_YAML_BYTES, parse_yaml

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
RELEASE = SEEDS.parent / "release"
PROBLEM_LINE = re.compile(r"^(?P<file>\S+):(?P<line>\d+):(?P<col>\d+): (?P<field>\S+): (?P<message>.+)$")
LEFTOVER_SUFFIXES = (".staging", ".retiring")
HANG = 60

# Document folders of the shipped seeds.
BAQERI = "2d0c8f3c56d2733f"  # a visit IRN-TUR, then two sales; published 2017-08-15/2017-12-31
FIDAN = "5e6cc9653182ec76"  # three visits between TUR and IRN; published 2025-12-06
SHOIGU = "639ef802b4573800"  # six events, RUS-IRN, one `follows` link; published 2015-01-20/2015-04-13
MOU = "ca07c16d152b956b"  # one agreement, PAK-TUR; published 2019/..

UNUSED_ID = "11111111" + check_symbol("11111111")

Patch = Callable[[Path], None]


# --- patches: each takes the seeds directory and breaks it --------------------------------


def _bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def events(doc: str) -> str:
    return f"{doc}/events.yaml"


def document(doc: str) -> str:
    return f"{doc}/document.txt"


def replace(file: str, old: str | bytes, new: str | bytes) -> Patch:
    """Replace the one occurrence of ``old`` in ``seeds/file``."""

    def patch(seeds: Path) -> None:
        path = seeds / file
        data = path.read_bytes()
        assert data.count(_bytes(old)) == 1, f"{old!r} should occur once in {file}"
        path.write_bytes(data.replace(_bytes(old), _bytes(new)))

    return patch


def insert_after(file: str, anchor: str, text: str) -> Patch:
    return replace(file, anchor, anchor + text)


def rewrite(file: str, change: Callable[[bytes], bytes]) -> Patch:
    def patch(seeds: Path) -> None:
        path = seeds / file
        path.write_bytes(change(path.read_bytes()))

    return patch


def delete(file: str) -> Patch:
    return lambda seeds: (seeds / file).unlink()


def together(*patches: Patch) -> Patch:
    def patch(seeds: Path) -> None:
        for each in patches:
            each(seeds)

    return patch


def symlinked_folder(name: str, source: str) -> Patch:
    """A document folder that is a symlink to a copy of ``source`` outside the seeds tree."""

    def patch(seeds: Path) -> None:
        outside = seeds.parent / "outside" / name
        shutil.copytree(seeds / source, outside)
        (seeds / name).symlink_to(outside, target_is_directory=True)

    return patch


def symlinked_document(doc: str) -> Patch:
    """document.txt replaced by a symlink to a file outside the seeds tree (here, the same bytes)."""

    def patch(seeds: Path) -> None:
        outside = seeds.parent / "outside.txt"
        shutil.copyfile(seeds / document(doc), outside)
        (seeds / document(doc)).unlink()
        (seeds / document(doc)).symlink_to(outside)

    return patch


def copied_folder(name: str, source: str) -> Patch:
    def patch(seeds: Path) -> None:
        shutil.copytree(seeds / source, seeds / name)

    return patch


def tabs_for_indentation(data: bytes) -> bytes:
    return re.sub(rb"(?m)^((?:  )+)", lambda m: b"\t" * (len(m.group(1)) // 2), data)


def alias_bomb(levels: int = 9) -> bytes:
    """A "billion laughs" document: each level refers nine times to the one below."""
    lines = [b'lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = b", ".join([f"*lol{level - 1}".encode()] * 9)
        lines.append(f"lol{level}: &lol{level} [".encode() + refs + b"]")
    return b"\n".join(lines) + b"\n"


def oversize(data: bytes) -> bytes:
    line = b"# padding: a YAML comment line, repeated to go over the size limit\n"
    return data + line * (MAX_YAML_BYTES // len(line) + 1)


def fifo(file: str) -> Patch:
    """``seeds/file`` replaced by a FIFO that no one writes to: reading it would wait for ever."""

    def patch(seeds: Path) -> None:
        (seeds / file).unlink()
        os.mkfifo(seeds / file)

    return patch


def symlink(file: str, target: str) -> Patch:
    """``seeds/file`` replaced by a symlink to ``target``, or to a copy of the file outside the seeds when it is empty."""

    def patch(seeds: Path) -> None:
        outside = Path(target) if target else seeds.parent / f"outside-{Path(file).name}"
        if not target:
            shutil.copyfile(seeds / file, outside)
        (seeds / file).unlink()
        (seeds / file).symlink_to(outside)

    return patch


def directory(file: str) -> Patch:
    def patch(seeds: Path) -> None:
        (seeds / file).unlink()
        (seeds / file).mkdir()

    return patch


def sparse(file: str, size: int) -> Patch:
    """``seeds/file`` grown to ``size`` bytes without writing them."""
    return lambda seeds: os.truncate(seeds / file, size)


def released(seeds: Path) -> None:
    """The release record beside the seeds: its events' IDs may only disappear with a tombstone."""
    shutil.copytree(RELEASE, seeds.parent / "release")


def keep_until(file: str, marker: bytes, tail: bytes) -> Patch:
    """Everything of ``seeds/file`` before ``marker``, then ``tail``."""
    return rewrite(file, lambda data: data[: data.index(marker)] + tail)


def unclosed_title(data: bytes) -> bytes:
    """The document block's title without its closing quote."""
    return re.sub(rb'(?m)^(  title: ".*)"$', rb"\1", data, count=1)


# The tests' own documents, written whole: a document.txt, and an events.yaml whose events are
# between two actors the patch adds to the registry.
OWN = ["00000000000000a1", "00000000000000a2", "00000000000000a3", "00000000000000a4"]
OWN_ACTORS = b'  - code: "XAA"\n    name: "Actor A"\n    kind: "igo"\n  - code: "XBB"\n    name: "Actor B"\n    kind: "igo"\n'
OWN_IDS = [d + check_symbol(d) for d in (f"22{n:06d}" for n in range(40)) if check_symbol(d) not in URL_UNSAFE_CHECKS]


def q(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: JSON's string syntax is YAML's."""
    return json.dumps(text)


def own_event(n: int, quote: str, **fields: str) -> str:
    """Event ``n`` of an own document, as an item of its events list: a visit of XAA to XBB
    quoting ``quote``. ``fields`` are YAML texts that add to its keys or replace them."""
    keys = {"id": q(OWN_IDS[n]), "type": q("visit"), "status": q("occurred"), "actor1": q("XAA"), "actor2": q("XBB")}
    if "date_text" not in fields:
        keys |= {"date_bounds": q("../2020-03-01"), "date_reason": q("The text gives no date.")}
    keys |= {"summary": q("The minister of A visited B."), "evidence": "\n      - quote: " + q(quote)}
    keys |= {"validated": "\n      by: " + q("The test") + "\n      date: " + q("2020-03-02"), **fields}
    return "".join(f"{'  - ' if i == 0 else '    '}{key}: {value}\n" for i, (key, value) in enumerate(keys.items()))


def sale(n: int, quote: str, **fields: str) -> str:
    return own_event(n, quote, type=q("sale"), status=q("agreed"), **fields)


def accord(n: int, quote: str, **fields: str) -> str:
    return own_event(n, quote, type=q("agreement"), status=q("signed"), **fields)


def own_document(doc: str, text: str, *items: str, **block: str) -> Patch:
    """The folder ``doc`` with ``text`` as its document and ``items`` as its events; ``block``: YAML
    texts that add to the document block or replace its keys."""

    def patch(seeds: Path) -> None:
        registry = seeds / "actors.yaml"
        if b'"XAA"' not in registry.read_bytes():
            registry.write_bytes(registry.read_bytes() + OWN_ACTORS)
        (seeds / doc).mkdir()
        (seeds / doc / "document.txt").write_bytes(text.encode("utf-8"))
        keys = {"title": q("A document written by the test"), "published": q("2020-03-01"), "published_basis": q("printed")}
        keys |= {"language": q("en"), "sha256": q(hashlib.sha256(text.encode("utf-8")).hexdigest()), **block}
        head = "document:\n" + "".join(f"  {key}: {value}\n" for key, value in keys.items())
        (seeds / doc / "events.yaml").write_text(head + "events:\n" + "".join(items), encoding="utf-8")

    return patch


def nested_block_mappings(levels: int) -> bytes:
    """A mapping ``nest`` that holds ``levels`` mappings, one in another, by indentation: the one
    ``k<n>`` opens is the document's ``n + 2``th level."""
    lines = [b"  " * (level + 1) + f"k{level}:".encode() for level in range(levels)]
    return b"nest:\n" + b"\n".join(lines) + b"\n" + b"  " * (levels + 1) + b"v: 1\n"


# --- the corpus ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """A problem that must be reported: in the file whose path ends with ``file`` (relative to
    the seeds), with ``field: message`` matching ``message``, and, when ``needle`` is given, at the
    line of the patched file that holds it."""

    file: str
    message: str
    needle: str | bytes | None = None


class Case:
    """A named patch and the problems it must produce."""

    def __init__(self, name: str, patch: Patch, *expects: Expect):
        self.name, self.patch, self.expects = name, patch, expects


def formula(first: str) -> str:
    return re.escape(f"starts with {first!r}, which a spreadsheet would run as a formula")


CONTROL = r"control character"
PASSAGE = r"\.evidence\[0\]\.quote: in the document, the quoted passage "

CASES = [
    # Broken YAML and structure
    Case(
        "yaml_unclosed_flow_sequence",
        replace(events(MOU), '  domains:\n      - "military"\n', '  domains: ["military"\n'),
        Expect(events(MOU), r"^\(yaml\): .*(expected|flow sequence)"),
    ),
    Case(
        "yaml_tab_indented",
        rewrite(events(BAQERI), tabs_for_indentation),
        Expect(events(BAQERI), r"^\(yaml\): .*('\\t'|tab|cannot start any token)", "\ttitle:"),
    ),
    Case(
        "impossible_unquoted_timestamp",
        replace(events(MOU), 'published: "2019/.."', "published: 2019-13-45"),
        Expect(events(MOU), r"^document\.published: cannot read this value: month must be in 1\.\.12$", "published: 2019-13-45"),
    ),
    Case(
        "unknown_key_in_document_block",
        insert_after(events(MOU), '  language: "en"\n', '  editor: "Staff"\n'),
        Expect(events(MOU), r"^document\.editor: unknown key$", 'editor: "Staff"'),
    ),
    Case(
        "unknown_key_with_a_space",
        insert_after(events(FIDAN), '    location: "Istanbul"\n', '    date note: "approximate"\n'),
        Expect(events(FIDAN), r"unknown key", "date note:"),
    ),
    Case(
        "missing_required_summary",
        replace(events(SHOIGU), '    summary: "Russia sold Iran a radar-jamming station, its last public arms sale to Iran."\n', ""),
        Expect(events(SHOIGU), r"^events\[5\]\.summary: Field required$", 'id: "MQHZEVV5E"'),
    ),
    Case(
        "wrong_types_quantity_and_value",
        together(
            replace(events(SHOIGU), "    quantity: 5\n", '    quantity: "5"\n'),
            replace(events(SHOIGU), "    value: 800000000.0\n", '    value: "800 million"\n'),
        ),
        Expect(events(SHOIGU), r"^events\[2\]\.quantity: .*integer", 'quantity: "5"'),
        Expect(events(SHOIGU), r"^events\[2\]\.value: .*number", 'value: "800 million"'),
    ),
    Case(
        "unknown_event_type",
        replace(events(MOU), 'type: "agreement"', 'type: "treaty"'),
        Expect(events(MOU), r"^events\[0\](\.type)?: .*'treaty'"),
    ),
    Case(
        "unknown_status",
        replace(events(BAQERI), 'status: "delivered"', 'status: "shipped"'),
        Expect(events(BAQERI), r"^events\[2\]\.status: .*'agreed', 'delivered' or 'cancelled'", 'status: "shipped"'),
    ),
    # Bad references
    Case(
        "unknown_actor_code",
        replace(events(MOU), 'actor1: "PAK"', 'actor1: "PAQ"'),
        Expect(events(MOU), r"^events\[0\]\.actor1: PAQ is not in seeds/actors\.yaml$", 'actor1: "PAQ"'),
    ),
    Case(
        "unquoted_NO_as_actor2",
        replace(events(MOU), 'actor2: "TUR"', "actor2: NO"),
        Expect(events(MOU), r"^events\[0\]\.actor2: .*False.*quote it", "actor2: NO"),
    ),
    Case(
        "unquoted_NO_in_actor_registry",
        rewrite("actors.yaml", lambda data: data + b'  - code: NO\n    name: "Norway"\n    kind: "state"\n    ccode: 385\n'),
        Expect("actors.yaml", r"^actors\[\d+\]\.code: .*False.*quote it", "code: NO"),
    ),
    Case(
        "follows_a_missing_id",
        insert_after(events(FIDAN), '    location: "Istanbul"\n', f'    follows: "{UNUSED_ID}"\n'),
        Expect(events(FIDAN), rf"^events\[2\]\.follows: {UNUSED_ID} is not an event ID", f'follows: "{UNUSED_ID}"'),
    ),
    Case(
        "follows_itself",
        insert_after(events(MOU), '    date_text: "2019"\n', '    follows: "THSVAH4CJ"\n'),
        Expect(events(MOU), r"^events\[0\]\.follows: an event cannot follow itself$", 'follows: "THSVAH4CJ"'),
    ),
    Case(
        "follows_cycle_of_three",
        together(
            insert_after(events(FIDAN), '    visit_level: "minister"\n', '    follows: "GAW4Q2305"\n'),
            insert_after(events(FIDAN), '    visit_level: "head_of_state"\n', '    follows: "SMS0CYDY3"\n'),
            insert_after(events(FIDAN), '    location: "Istanbul"\n', '    follows: "0FVG9M0T5"\n'),
        ),
        Expect(events(FIDAN), r"^events\[0\]\.follows: .*cycle", 'follows: "GAW4Q2305"'),
        Expect(events(FIDAN), r"^events\[1\]\.follows: .*cycle", 'follows: "SMS0CYDY3"'),
        Expect(events(FIDAN), r"^events\[2\]\.follows: .*cycle", 'follows: "0FVG9M0T5"'),
    ),
    # Bad evidence
    Case(
        "quote_not_in_document",
        replace(events(MOU), "marked a significant milestone", "marked a major milestone"),
        Expect(events(MOU), r"^events\[0\]\.evidence\[0\]\.quote: not found in the document", "major milestone"),
    ),
    Case(
        "quote_found_twice_without_occurrence",
        insert_after(
            events(MOU), 'Military Cooperation\\" marked a significant milestone."\n', '      - quote: "Pakistan and Turkey have"\n'
        ),
        Expect(events(MOU), r"^events\[0\]\.evidence\[1\]\.quote: found 2 times .*occurrence", '"Pakistan and Turkey have"'),
    ),
    Case(
        "date_text_not_in_any_quote",
        replace(events(MOU), 'date_text: "2019"', 'date_text: "2016"'),
        Expect(events(MOU), r"^events\[0\]\.date_text: '2016' is not inside any of the event's quotes", 'date_text: "2016"'),
    ),
    # Bad dates
    Case(
        "date_dateparser_cannot_read",
        replace(events(MOU), 'date_text: "2019"', 'date_text: "significant milestone"'),
        Expect(events(MOU), r"^events\[0\]\.date_text: dateparser cannot read 'significant milestone'", 'date_text: "significant'),
    ),
    Case(
        "date_bounds_end_before_start",
        replace(events(SHOIGU), 'date_bounds: "2010-06/2015-04-13"', 'date_bounds: "2015-04-13/2010-06"'),
        Expect(events(SHOIGU), r"^events\[4\]\.date_bounds: .*ends before it starts", 'date_bounds: "2015-04-13/2010-06"'),
    ),
    Case(
        "past_event_after_publication",
        replace(
            events(FIDAN),
            'date_bounds: "../2025-12-06"\n    date_reason: "The text does not date the trip;',
            'date_bounds: "2026-01/2026-02"\n    date_reason: "The text does not date the trip;',
        ),
        Expect(
            events(FIDAN), r"^events\[0\]\.date_bounds: .*after its document was published \(2025-12-06\)", 'date_bounds: "2026-01/2026-02"'
        ),
    ),
    Case(
        "year_inferred_before_year_1",
        replace(events(SHOIGU), 'published: "2015-01-20/2015-04-13"', 'published: "0001-01-01/0001-03-01"'),
        Expect(events(SHOIGU), r"^events\[0\]\.date_text: "),
    ),
    Case(
        "planned_event_before_publication",
        replace(events(FIDAN), 'date_bounds: "2025-12-06/.."', 'date_bounds: "2025-01/2025-11"'),
        Expect(
            events(FIDAN),
            r"^events\[1\]\.date_bounds: a planned event .*before its document was published",
            'date_bounds: "2025-01/2025-11"',
        ),
    ),
    # Bad IDs
    Case(
        "duplicate_id_in_one_file",
        together(released, replace(events(FIDAN), 'id: "GAW4Q2305"', 'id: "SMS0CYDY3"')),
        Expect(events(FIDAN), r"^events\[0\]\.id: SMS0CYDY3 is used by 2 events$"),
        Expect(events(FIDAN), r"^events\[2\]\.id: SMS0CYDY3 is used by 2 events$"),
        Expect("retired.yaml", r"^retired: GAW4Q2305 of release [0-9.]+ is gone; add a tombstone"),
    ),
    Case(
        "malformed_id_lower_case",
        replace(events(MOU), 'id: "THSVAH4CJ"', 'id: "thsvah4cj"'),
        Expect(events(MOU), r"^events\[0\]\.id: .*outside Crockford base32", 'id: "thsvah4cj"'),
    ),
    Case(
        "wrong_check_symbol",
        replace(events(SHOIGU), 'id: "MQHZEVV5E"', 'id: "MQHZEVV5F"'),
        Expect(events(SHOIGU), r"^events\[5\]\.id: 'MQHZEVV5F' fails its check symbol", 'id: "MQHZEVV5F"'),
    ),
    Case(
        "retired_id_reused",
        replace("retired.yaml", "retired: []\n", 'retired:\n  - id: "THSVAH4CJ"\n    reason: "Withdrawn: coded twice."\n'),
        Expect(events(MOU), r"^events\[0\]\.id: THSVAH4CJ is retired and cannot be reused$", 'id: "THSVAH4CJ"'),
    ),
    # Bad documents
    Case(
        "document_edited_after_coding",
        replace(document(MOU), "Cooperation: Exploring Policy Options", "Cooperation: Examining Policy Options"),
        Expect(events(MOU), r"^document\.sha256: document\.txt has sha256 [0-9a-f]{64}", "  sha256:"),
    ),
    Case(
        "document_missing",
        delete(document(FIDAN)),
        Expect(events(FIDAN), r"^document: cannot read document\.txt", "document:"),
    ),
    Case(
        "no_document_block",
        rewrite(events(BAQERI), lambda data: data[data.index(b"events:\n") :]),
        Expect(events(BAQERI), r"^document: Field required$"),
    ),
    Case(
        "events_yaml_not_utf8",
        replace(events(SHOIGU), 'visitor: "Sergei Shoigu"', b'visitor: "Sergei Sho\xefgu"'),
        Expect(events(SHOIGU), r"^\(file\): not UTF-8: byte 0xef$", b"Sho\xefgu"),
    ),
    Case(
        "document_txt_not_utf8",
        rewrite(document(MOU), lambda data: data.replace("’".encode(), b"\x92")),
        Expect(document(MOU), r"^\(file\): not UTF-8: byte 0x92$"),
    ),
    Case(
        "events_yaml_with_bom",
        rewrite(events(MOU), lambda data: b"\xef\xbb\xbf" + data),
        Expect(events(MOU), r"^\(file\): .*byte order mark"),
    ),
    # Malicious input
    Case(
        "yaml_alias_bomb",
        rewrite(events(FIDAN), lambda data: alias_bomb() + data),
        Expect(events(FIDAN), r"anchors and aliases are not allowed", b"lol1: &lol1"),
    ),
    Case(
        "yaml_over_size_limit",
        rewrite(events(MOU), oversize),
        Expect(events(MOU), rf"^\(file\): \d+ bytes is over the {MAX_YAML_BYTES}-byte limit$"),
    ),
    Case(
        "document_folder_symlinked_outside",
        symlinked_folder("0123456789abcdef", MOU),
        Expect("0123456789abcdef", r"^doc_id: .*inside the seeds directory"),
    ),
    Case(
        "document_folder_not_a_doc_id",
        copied_folder("..ca07c16d152b956b", MOU),
        Expect("..ca07c16d152b956b", r"^doc_id: .*16-hex-digit doc_id"),
    ),
    Case(
        "document_txt_symlinked_outside",
        symlinked_document(FIDAN),
        Expect(f"{FIDAN}/document.txt", r"(?i)outside|inside the seeds|symlink"),
    ),
    Case(
        "formula_equals_in_summary",
        replace(
            events(MOU), 'summary: "Pakistan and Turkey signed', 'summary: "=HYPERLINK(\\"http://example.com\\") Pakistan and Turkey signed'
        ),
        Expect(events(MOU), r"^events\[0\]\.summary: " + formula("="), "summary:"),
    ),
    Case(
        "formula_plus_in_location",
        replace(events(FIDAN), 'location: "Istanbul"', 'location: "+Istanbul"'),
        Expect(events(FIDAN), r"^events\[2\]\.location: " + formula("+"), 'location: "+Istanbul"'),
    ),
    Case(
        "formula_minus_in_coder_note",
        replace(events(SHOIGU), 'coder_note: "The text says the sale', 'coder_note: "-The text says the sale'),
        Expect(events(SHOIGU), r"^events\[5\]\.coder_note: " + formula("-"), 'coder_note: "-The text'),
    ),
    Case(
        "formula_at_in_visitor",
        replace(events(BAQERI), 'visitor: "Mohammad Baqeri"', 'visitor: "@Mohammad Baqeri"'),
        Expect(events(BAQERI), r"^events\[0\]\.visitor: " + formula("@"), 'visitor: "@Mohammad'),
    ),
    Case(
        "formula_tab_in_title",
        replace(events(MOU), 'title: "Pakistan-Turkey', 'title: "\\tPakistan-Turkey'),
        Expect(events(MOU), r"^document\.title: " + formula("\t"), "  title:"),
    ),
    Case(
        "formula_cr_in_dismissal_reason",
        replace(events(MOU), 'reason: "A statement of support', 'reason: "\\rA statement of support'),
        Expect(events(MOU), r"^dismissed\[0\]\.reason: " + formula("\r"), "\\rA statement"),
    ),
    Case(
        "control_escape_in_summary",
        replace(events(FIDAN), 'summary: "Turkey hosted nuclear talks', 'summary: "Turkey hosted \\e[2Jnuclear talks'),
        Expect(events(FIDAN), r"^events\[2\]\.summary: .*" + CONTROL + r" '\\x1b'", 'summary: "Turkey hosted'),
    ),
    Case(
        "control_c1_in_item",
        replace(events(BAQERI), 'item: "defensive weapons"', 'item: "defensive\\u0085weapons"'),
        Expect(events(BAQERI), r"^events\[1\]\.item: .*" + CONTROL + r" '\\x85'", "item:"),
    ),
    Case(
        "control_nul_in_quote",
        replace(events(MOU), "marked a significant milestone", "marked a significant\\0 milestone"),
        Expect(events(MOU), r"^events\[0\]\.evidence\[0\]\.quote: .*" + CONTROL + r" '\\x00'", "significant\\0"),
    ),
    Case(
        "raw_control_byte_in_yaml",
        replace(events(SHOIGU), 'instrument: "UN Security Council', b'instrument: "UN Security Co\x1buncil'),
        Expect(events(SHOIGU), r"^\(yaml\): .*#x001b", b"Co\x1buncil"),
    ),
    Case(
        "bidi_override_in_summary",
        replace(events(MOU), 'summary: "Pakistan and Turkey signed', 'summary: "Pakistan and \\u202eTurkey signed'),
        Expect(events(MOU), r"^events\[0\]\.summary: .*" + CONTROL, "summary:"),
    ),
    # Second round: input that crashed, hung or slipped through.
    Case(
        "yaml_nested_deeper_than_any_seed_file",
        together(
            rewrite(events(MOU), lambda data: b"events: " + b"[" * 200_000 + b"\n"),  # killed libyaml's composer
            rewrite(events(FIDAN), lambda data: data + b"nest: " + b"[" * 1000 + b"]" * 1000 + b"\n"),  # a RecursionError
            rewrite(events(BAQERI), lambda data: data + b"nest: " + b"{a: " * 300 + b"1" + b"}" * 300 + b"\n"),
            rewrite(events(SHOIGU), lambda data: data + nested_block_mappings(MAX_DEPTH + 1)),
        ),
        Expect(events(MOU), rf"^\(yaml\): lists and mappings nested more than {MAX_DEPTH} levels deep", "events: [["),
        Expect(events(FIDAN), rf"^\(yaml\): .*nested more than {MAX_DEPTH} levels", "nest: [["),
        Expect(events(BAQERI), rf"^\(yaml\): .*nested more than {MAX_DEPTH} levels", "nest: {a:"),
        Expect(events(SHOIGU), rf"^\(yaml\): .*nested more than {MAX_DEPTH} levels", f" k{MAX_DEPTH - 1}:"),
    ),
    Case(
        "seed_files_not_regular_or_too_large",
        together(
            fifo(document(MOU)),  # reading it waited for ever
            fifo(events(FIDAN)),
            fifo("retired.yaml"),
            symlink("actors.yaml", "/dev/zero"),  # grew past 3 GB in seconds
            directory(events(BAQERI)),
            sparse(document(SHOIGU), MAX_DOCUMENT_BYTES + 1),
        ),
        Expect(document(MOU), r"^\(file\): a FIFO \(named pipe\), not a regular file: bilat reads only regular files"),
        Expect(events(FIDAN), r"^\(file\): a FIFO \(named pipe\), not a regular file"),
        Expect("retired.yaml", r"^\(file\): a FIFO \(named pipe\), not a regular file"),
        Expect("actors.yaml", r"^\(file\): a symlink, not a regular file"),
        Expect(events(BAQERI), r"^\(file\): a directory, not a regular file"),
        Expect(document(SHOIGU), rf"^\(file\): {MAX_DOCUMENT_BYTES + 1} bytes is over the {MAX_DOCUMENT_BYTES}-byte limit$"),
    ),
    Case(
        "unreadable_documents_keep_their_released_ids",
        together(
            released,
            rewrite(events(MOU), unclosed_title),
            replace(events(BAQERI), 'status: "delivered"', 'status: "shipped"'),
            delete(document(FIDAN)),
        ),
        Expect(events(MOU), r"^\(yaml\): "),
        Expect(events(MOU), r"^events: 1 ID of release [0-9.]+ could not be checked, as this document has problems$"),
        Expect(events(BAQERI), r"^events: 1 ID of release [0-9.]+ could not be checked"),
        Expect(events(FIDAN), r"^events: \d+ IDs of release [0-9.]+ could not be checked"),
    ),
    Case(
        "unreadable_tombstones_keep_released_ids",
        together(released, rewrite("retired.yaml", lambda data: b"retired: [\n"), lambda seeds: shutil.rmtree(seeds / SHOIGU)),
        Expect("retired.yaml", r"^\(yaml\): "),
        Expect("retired.yaml", r"^retired: \d+ IDs of release [0-9.]+ could not be checked against the tombstones"),
    ),
    Case(
        "explicit_yaml_tags",
        together(
            own_document(
                OWN[0],
                "The minister of A visited B in 2019. B sold A five radars.",
                own_event(0, "The minister of A visited B in 2019.", date_text='!!bool "maybe"', location='!!timestamp "2019"'),
                sale(1, "B sold A five radars.", quantity='!!int ""', value='!!float "1e400"'),
                own_event(2, "B sold A five radars.", summary='!<tag:yaml.org,2002:str> "Verbatim."', coder_note='! "Non-specific."'),
                published="!!str 2020-03-01",
            ),
            own_document(
                OWN[1],
                "A and B signed a defence accord in 2019.",
                accord(3, "A and B signed", domains='!!python/object/apply:os.system ["true"]'),  # was read as a plain list
                accord(4, "signed a defence accord", evidence='!!seq\n      - quote: "accord"'),
                accord(5, "defence accord", measures="!custom {a: 1}", location="!!set {x}"),
            ),
            rewrite(events(MOU), lambda data: data.replace(b"document:\n", b"document: !!map\n", 1)),
            rewrite(events(FIDAN), lambda data: b"%TAG !e! tag:x.org,2000:\n---\n" + data.replace(b"events:\n", b"events: !e!x\n", 1)),
        ),
        Expect(events(OWN[0]), r"^document\.published: explicit YAML tags are not allowed: remove !!str$", "published: !!str"),
        Expect(events(OWN[0]), r"^events\[0\]\.date_text: explicit YAML tags are not allowed: remove !!bool$", "!!bool"),
        Expect(events(OWN[0]), r"^events\[0\]\.location: explicit YAML tags are not allowed: remove !!timestamp$", "!!timestamp"),
        Expect(events(OWN[0]), r"^events\[1\]\.quantity: explicit YAML tags are not allowed: remove !!int$", "!!int"),
        Expect(events(OWN[0]), r"^events\[1\]\.value: explicit YAML tags are not allowed: remove !!float$", "!!float"),
        Expect(events(OWN[0]), r"^events\[2\]\.summary: explicit YAML tags are not allowed: remove !!str$", "!<tag:"),
        Expect(events(OWN[0]), r"^events\[2\]\.coder_note: explicit YAML tags are not allowed: remove !$", '! "Non'),
        Expect(events(OWN[1]), r"^events\[0\]\.domains: explicit YAML tags are not allowed: remove !!python/object/apply:os\.system$"),
        Expect(events(OWN[1]), r"^events\[1\]\.evidence: explicit YAML tags are not allowed: remove !!seq$", "!!seq"),
        Expect(events(OWN[1]), r"^events\[2\]\.measures: explicit YAML tags are not allowed: remove !custom$", "!custom"),
        Expect(events(OWN[1]), r"^events\[2\]\.location: explicit YAML tags are not allowed: remove !!set$", "!!set"),
        Expect(events(MOU), r"^document: explicit YAML tags are not allowed: remove !!map$", "document: !!map"),
        Expect(events(FIDAN), r"^events: explicit YAML tags are not allowed: remove tag:x\.org,2000:x$", "!e!x"),
    ),
    Case(
        "numbers_that_yaml_1_1_or_int64_would_change",
        together(
            own_document(
                OWN[0],
                "B sold A radars.",
                sale(0, "B sold A radars.", quantity="1:20", value=".inf"),
                sale(1, "B sold A radars.", quantity="0x10", value=".NaN"),
                sale(2, "B sold A radars.", quantity="1_000", value="1.0e+400"),
                sale(3, "B sold A radars.", quantity="0b101", value="1_000.5"),
            ),
            own_document(OWN[1], "B sold A radars.", sale(4, "B sold A radars.", quantity="99999999999999999999")),
            rewrite("actors.yaml", lambda data: data + b'  - code: "XCC"\n    name: "State C"\n    kind: "state"\n    ccode: 0640\n'),
        ),
        Expect(events(OWN[0]), r"^events\[0\]\.quantity: cannot read this value: YAML 1\.1 reads 1:20 as 80 \(base 60\); write", "1:20"),
        Expect(events(OWN[0]), r"^events\[0\]\.value: cannot read this value: YAML reads \.inf as infinity; write a finite number", ".inf"),
        Expect(events(OWN[0]), r"^events\[1\]\.quantity: .*YAML 1\.1 reads 0x10 as 16 \(hexadecimal\)", "0x10"),
        Expect(events(OWN[0]), r"^events\[1\]\.value: .*YAML reads \.NaN as not-a-number", "NaN"),
        Expect(events(OWN[0]), r"^events\[2\]\.quantity: .*YAML 1\.1 reads 1_000 as 1000 \(underscores ignored\)", "quantity: 1_000"),
        Expect(events(OWN[0]), r"^events\[2\]\.value: .*YAML reads 1\.0e\+400 as infinity", "e+400"),
        Expect(events(OWN[0]), r"^events\[3\]\.quantity: .*YAML 1\.1 reads 0b101 as 5 \(binary\)", "0b101"),
        Expect(events(OWN[0]), r"^events\[3\]\.value: .*YAML 1\.1 reads 1_000\.5 as 1000\.5", "value: 1_000.5"),
        Expect(events(OWN[1]), r"^events\[0\]\.quantity: Input should be less than or equal to 9223372036854775807$", "9999"),
        Expect("actors.yaml", r"^actors\[\d+\]\.ccode: .*YAML 1\.1 reads 0640 as 416 \(octal, for the leading zero\); write", "0640"),
    ),
    Case(
        "text_that_would_reach_the_csv",
        together(
            own_document(
                OWN[0],
                "They typed -2+3+cmd|' /C calc'!A0 here. Then -1+1 there.\n"
                "The minister\x0barrived. The talks\x1fended. The visit\u2028ended. The guests\x85left.\n",
                own_event(0, "\u20132+3+cmd|' /C calc'!A0 here"),  # typed with an en dash
                own_event(1, "\u22121+1 there"),  # typed with a minus sign
                own_event(2, "The minister arrived."),
                own_event(3, "The talks ended."),
                own_event(4, "The visit ended."),
                own_event(5, "The guests left."),
            ),
            own_document(
                OWN[1],
                "The minister of A visited B.",
                own_event(
                    6,
                    "The minister of A visited B.",
                    summary=q("The minister\u2028of A visited B."),
                    coder_note=q("Seen\u2029twice."),
                    location=q("Tur\u200bkey"),
                    visitor=q("\ufeffA. Minister"),
                    visitor_title=q("Minister \u2066of\u2069 defence"),
                ),
                url=q("https://example.org/\u202egnp.exe"),
            ),
            own_document(OWN[2], "Nothing.", own_event(7, "Nothing."), url=q("https://example.org/\x00")),
            own_document(OWN[3], "Nothing.", own_event(8, "Nothing."), url=q("https://example.org/\x1b[2J")),
        ),
        Expect(events(OWN[0]), r"^events\[0\]" + PASSAGE + formula("-"), "cmd|"),
        Expect(events(OWN[0]), r"^events\[1\]" + PASSAGE + formula("-"), "1+1 there"),
        Expect(events(OWN[0]), r"^events\[2\]" + PASSAGE + "holds the " + CONTROL + r" '\\x0b'", "minister arrived"),
        Expect(events(OWN[0]), r"^events\[3\]" + PASSAGE + "holds the " + CONTROL + r" '\\x1f'", "talks ended"),
        Expect(events(OWN[0]), r"^events\[4\]" + PASSAGE + "holds the " + CONTROL + r" '\\u2028'", "visit ended"),
        Expect(events(OWN[0]), r"^events\[5\]" + PASSAGE + "holds the " + CONTROL + r" '\\x85'", "guests left"),
        Expect(events(OWN[3]), r"^document\.url: .*" + CONTROL + r" '\\x1b'", "url:"),
        Expect(events(OWN[1]), r"^document\.url: .*" + CONTROL + r" '\\u202e'", "url:"),
        Expect(events(OWN[2]), r"^document\.url: .*" + CONTROL + r" '\\x00'", "url:"),
        Expect(events(OWN[1]), r"^events\[0\]\.summary: .*" + CONTROL + r" '\\u2028'", "summary:"),
        Expect(events(OWN[1]), r"^events\[0\]\.coder_note: .*" + CONTROL + r" '\\u2029'", "coder_note:"),
        Expect(events(OWN[1]), r"^events\[0\]\.location: .*" + CONTROL + r" '\\u200b'", "location:"),
        Expect(events(OWN[1]), r"^events\[0\]\.visitor: .*" + CONTROL + r" '\\ufeff'", "visitor:"),
        Expect(events(OWN[1]), r"^events\[0\]\.visitor_title: .*" + CONTROL + r" '\\u2066'", "visitor_title:"),
    ),
    Case(
        "dates_not_in_ascii_edtf_or_ambiguous",
        together(
            own_document(OWN[0], "Nothing.", own_event(0, "Nothing."), published=q("\u0662\u0660\u0662\u0660-\u0660\u0663")),
            own_document(
                OWN[1],
                "A visited B on 01/02/2020. B visited A on 05.02.2020. They met again later.",
                own_event(1, "A visited B on 01/02/2020.", date_text=q("01/02/2020")),
                own_event(2, "B visited A on 05.02.2020.", date_text=q("05.02.2020")),
                own_event(3, "They met again later.", date_bounds=q("\uff12\uff10\uff11\uff19/2020")),
                own_event(4, "They met again later.", date_bounds=q("2019-12-31T23:30:00Z")),
            ),
        ),
        Expect(events(OWN[0]), r"^document\.published: .* is not an EDTF date .*; write its digits as 0-9$", "published:"),
        Expect(
            events(OWN[1]),
            r"^events\[0\]\.date_text: '01/02/2020' reads as day-month-year and as month-day-year, .*; "
            r"give date_bounds and date_reason, or write the month as a word$",
            'date_text: "01/02',
        ),
        Expect(events(OWN[1]), r"^events\[1\]\.date_text: '05\.02\.2020' reads as day-month-year and as month-day", 'date_text: "05.02'),
        Expect(events(OWN[1]), r"^events\[2\]\.date_bounds: .*not an EDTF date .*0-9$", "\\uff12"),
        Expect(events(OWN[1]), r"^events\[3\]\.date_bounds: '2019-12-31T23:30:00Z' is not an EDTF date", "T23:30"),
    ),
    Case(
        "thousands_of_problems_in_one_file",
        together(
            keep_until(events(MOU), b"events:\n", b"events:\n" + b"- {}\n" * 5000),
            rewrite(events(FIDAN), lambda data: data + b"x: &a 1\ny:\n" + b"  - *a\n" * 5000),
        ),
        Expect(events(MOU), rf"^events\[{MAX_PROBLEMS}\]: … and {5000 - MAX_PROBLEMS:,} more problems in this file$"),
        Expect(events(FIDAN), rf"^y\[\d+\]: … and {5000 - MAX_PROBLEMS:,} more problems in this file$"),
    ),
    Case(
        "empty_seed_files",
        together(
            rewrite(events(MOU), lambda data: b""),
            rewrite(events(FIDAN), lambda data: b"# only a comment\n"),
            rewrite("retired.yaml", lambda data: b""),
        ),
        Expect(events(MOU), r"^\(file\): the file is empty; start from seeds/TEMPLATE\.yaml$"),
        Expect(events(FIDAN), r"^\(file\): the file is empty; start from seeds/TEMPLATE\.yaml$"),
        Expect("retired.yaml", r'^\(file\): the file is empty; write "retired: \[\]" when no ID is retired$'),
    ),
]
BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES), "case names must be unique"


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def good_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output built from a pristine copy of the shipped seeds."""
    root = tmp_path_factory.mktemp("good")
    shutil.copytree(SEEDS, root / "seeds")
    build(root / "seeds", root / "data")
    return root / "data"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    copy = tmp_path / "seeds"
    shutil.copytree(SEEDS, copy)
    return copy


@pytest.fixture
def out(tmp_path: Path, good_data: Path) -> Path:
    """``data/`` beside the seeds, holding the last good build."""
    shutil.copytree(good_data, tmp_path / "data")
    return tmp_path / "data"


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every directory under ``root``, by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(root.rglob("*"))}


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(LEFTOVER_SUFFIXES))


def run_bilat(*args: object, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bilat.cli", *map(str, args)], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    """Wait for a command; one that hangs (every command here takes seconds) is killed and fails the test."""
    try:
        stdout, stderr = process.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"{' '.join(map(str, process.args[3:]))} still running after {HANG}s: it hangs")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def build_and_check(seeds: Path, out: Path) -> dict[str, subprocess.CompletedProcess]:
    """`bilat build` and `bilat check` on the same seeds, run side by side."""
    return finish_all(
        {
            "build": run_bilat("build", "--seeds", seeds, "--out", out, cwd=out.parent),
            "check": run_bilat("check", "--seeds", seeds, cwd=out.parent),
        }
    )


def finish_all(started: dict[str, subprocess.Popen]) -> dict[str, subprocess.CompletedProcess]:
    """Wait for commands run side by side; if one hangs, none is left running."""
    try:
        return {name: finish(process) for name, process in started.items()}
    finally:
        for process in started.values():
            if process.poll() is None:
                process.kill()
                process.communicate()


def problem_lines(command: str, result: subprocess.CompletedProcess) -> list[re.Match]:
    """The problems a refused command printed; fails unless it exited non-zero without a
    traceback, and every line but a closing summary has the file:line:col: field: problem form."""
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"bilat {command} accepted the input:\n{output}"
    assert result.returncode == 1, f"bilat {command} ended with {result.returncode}:\n{output}"
    assert "Traceback" not in output, output
    *lines, summary = output.splitlines() or [""]
    assert lines, f"bilat {command} reported no problem:\n{output}"
    assert not PROBLEM_LINE.match(summary), f"expected a closing summary line, got {summary!r}"
    bad = [line for line in lines if not PROBLEM_LINE.match(line)]
    assert not bad, f"bilat {command}: lines not of the form file:line:col: field: problem: {bad}\n{output}"
    counted = re.search(r"(\d+) problems?\b", summary)
    assert counted and int(counted[1]) == len(lines), f"summary {summary!r} after {len(lines)} problem lines"
    return [PROBLEM_LINE.match(line) for line in lines]


def line_of(path: Path, needle: str | bytes) -> int:
    lines = [n for n, line in enumerate(path.read_bytes().splitlines(), 1) if _bytes(needle) in line]
    assert len(lines) == 1, f"{needle!r} should be on exactly one line of {path}, is on {lines}"
    return lines[0]


def assert_reported(command: str, problems: list[re.Match], expects: tuple[Expect, ...], seeds: Path, output: str) -> None:
    for want in expects:
        found = [
            p
            for p in problems
            if p["file"].endswith("/" + want.file) and re.search(want.message, f"{p['field']}: {p['message']}") and int(p["col"]) >= 1
        ]
        assert found, f"bilat {command}: no problem in {want.file} matching /{want.message}/; got:\n{output}"
        if want.needle is not None:
            line = line_of(seeds / want.file, want.needle)
            assert line in [int(p["line"]) for p in found], f"bilat {command}: /{want.message}/ not reported at line {line}:\n{output}"


# --- every case, refused with located problems; the output untouched -----------------------


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input_is_refused_and_leaves_the_output_untouched(case: Case, seeds: Path, out: Path) -> None:
    case.patch(seeds)
    before = snapshot(out)
    assert "events.parquet" in before

    results = build_and_check(seeds, out)

    for command, result in results.items():
        output = result.stdout + result.stderr
        problems = problem_lines(command, result)
        assert_reported(command, problems, case.expects, seeds, output)
        # An ID that cannot be read is not gone: only a case that removes one calls for a tombstone.
        if not any("tombstone" in want.message for want in case.expects):
            assert not [p for p in problems if "add a tombstone" in p["message"]], output
    assert snapshot(out) == before
    assert leftovers(out.parent) == []
    # The first check filled its cache; answered from it, a check says what a fresh one says.
    again = finish_all(
        {
            "cached": run_bilat("check", "--seeds", seeds, cwd=out.parent),
            "fresh": run_bilat("check", "--no-cache", "--seeds", seeds, cwd=out.parent),
        }
    )
    assert again["cached"].stderr == again["fresh"].stderr == results["check"].stderr


COMBINED = ["events_yaml_not_utf8", "follows_itself", "unknown_status", "follows_cycle_of_three", "unquoted_NO_in_actor_registry"]


def test_five_hostile_cases_in_one_tree_are_all_reported_in_one_run(seeds: Path, out: Path) -> None:
    # One case per file: SHOIGU, MOU, BAQERI, FIDAN and actors.yaml.
    cases = [BY_NAME[name] for name in COMBINED]
    for case in cases:
        case.patch(seeds)
    before = snapshot(out)

    results = build_and_check(seeds, out)

    expects = tuple(e for case in cases for e in case.expects)
    for command, result in results.items():
        assert_reported(command, problem_lines(command, result), expects, seeds, result.stdout + result.stderr)
    assert snapshot(out) == before


# --- nothing lost --------------------------------------------------------------------------

# A valid edit, so that a new build differs from the last good one.
CORRECTION = replace(events(MOU), 'agreement_kind: "mou"', 'agreement_kind: "protocol"')


def test_a_failure_at_any_write_step_keeps_the_last_good_output(seeds: Path, out: Path, tmp_path: Path, monkeypatch) -> None:
    CORRECTION(seeds)
    original = bilat.publish.write_table
    calls = 0

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(bilat.publish, "write_table", counting)
    build(seeds, tmp_path / "reference")
    new = snapshot(tmp_path / "reference")
    shutil.rmtree(tmp_path / "reference")
    steps = calls
    old = snapshot(out)
    assert steps >= 4 and new != old

    for failing in range(1, steps + 1):
        calls = 0

        def failing_write(*args, failing=failing, **kwargs):
            nonlocal calls
            calls += 1
            if calls == failing:
                raise OSError(28, "No space left on device")
            return original(*args, **kwargs)

        monkeypatch.setattr(bilat.publish, "write_table", failing_write)
        with pytest.raises(OutputError):
            build(seeds, out)
        assert snapshot(out) == old, f"write step {failing} of {steps} failed and data/ changed"
        assert leftovers(tmp_path) == [], f"write step {failing} of {steps}"

    monkeypatch.setattr(bilat.publish, "write_table", original)
    build(seeds, out)
    assert snapshot(out) == new
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("which", ["aside", "final"])
def test_a_failed_rename_keeps_the_last_good_output(seeds: Path, out: Path, tmp_path: Path, monkeypatch, which: str) -> None:
    """``aside``: moving the old output out of the way fails; ``final``: moving the new one in fails."""
    CORRECTION(seeds)
    build(seeds, tmp_path / "reference")
    new = snapshot(tmp_path / "reference")
    shutil.rmtree(tmp_path / "reference")
    old = snapshot(out)
    rename = Path.rename

    def failing_rename(self: Path, target):
        moving_aside = self.name == out.name and Path(target).name.endswith(".retiring")
        moving_in = self.name.endswith(".staging")
        if (moving_aside and which == "aside") or (moving_in and which == "final"):
            raise OSError(13, "Permission denied")
        return rename(self, target)

    with monkeypatch.context() as patched:
        patched.setattr(Path, "rename", failing_rename)
        with pytest.raises(OutputError):
            build(seeds, out)
    assert out.is_dir() and snapshot(out) == old, f"after a failed {which} rename, data/ is not the last good output"

    build(seeds, out)
    assert snapshot(out) == new
    assert leftovers(tmp_path) == []


def large_seeds(seeds: Path, pairs: int = 66) -> None:
    """Add copies of SHOIGU's document, each between another pair of actors, without IDs; mint them."""
    template = (seeds / events(SHOIGU)).read_text(encoding="utf-8")
    template = re.sub(r'(?m)^  - id: "\w+"\n    type:', "  - type:", template)
    template = re.sub(r'(?m)^    follows: "\w+"\n', "", template)
    codes = ["USA", "RUS", "AZE", "IRN", "TUR", "IRQ", "SYR", "ISR", "SAU", "QAT", "ARE", "CHN", "IND", "PAK", "PKK", "PJAK", "SDF"]
    for n, (actor1, actor2) in enumerate(itertools.islice(itertools.combinations(codes, 2), pairs)):
        folder = seeds / f"b{n:015x}"
        folder.mkdir()
        shutil.copyfile(seeds / document(SHOIGU), folder / "document.txt")
        text = template.replace('actor1: "RUS"', f'actor1: "{actor1}"').replace('actor2: "IRN"', f'actor2: "{actor2}"')
        (folder / "events.yaml").write_text(text, encoding="utf-8")
    minted = finish(run_bilat("mint", "--seeds", seeds, cwd=seeds.parent))
    assert minted.returncode == 0, minted.stderr


# (what the delay counts from, seconds): from the start, the kill mostly lands while reading;
# from the moment data.staging appears, while the tables are written.
KILLS = [("start", 0.5), ("start", 1.0), ("staging", 0.0), ("staging", 0.1), ("staging", 0.4), ("staging", 0.8)]


def test_a_killed_build_leaves_the_old_or_the_complete_new_output(seeds: Path, out: Path, tmp_path: Path, good_data: Path) -> None:
    large_seeds(seeds)
    build(seeds, tmp_path / "reference")
    new = snapshot(tmp_path / "reference")
    shutil.rmtree(tmp_path / "reference")
    old = snapshot(out)
    staging = out.with_name(out.name + ".staging")

    for since, delay in KILLS:
        process = run_bilat("build", "--seeds", seeds, "--out", out, cwd=tmp_path)
        if since == "staging":
            while process.poll() is None and not staging.exists():
                time.sleep(0.001)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        finish(process)  # its workers die with it: nothing is left holding its output
        assert out.is_dir(), f"killed {delay}s after {since}: data/ is gone; beside it: {leftovers(tmp_path)}"
        now = snapshot(out)
        assert now in (old, new), f"killed {delay}s after {since}: data/ is neither the old output nor the complete new one"
        if now == new:  # the build got to the end: put the old output back for the next kill
            shutil.rmtree(out)
            shutil.copytree(good_data, out)

    after = finish(run_bilat("build", "--seeds", seeds, "--out", out, cwd=tmp_path))
    assert after.returncode == 0, after.stderr
    assert snapshot(out) == new
    assert leftovers(tmp_path) == []


# --- reproducible --------------------------------------------------------------------------


def test_builds_give_identical_bytes_from_any_directory_and_listing_order(seeds: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    # The same files again, created in the opposite order.
    reordered = tmp_path / "reordered"
    for path in sorted(seeds.rglob("*"), reverse=True):
        target = reordered / path.relative_to(seeds)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file():
            shutil.copyfile(path, target)

    runs = {
        "relative": run_bilat("build", "--seeds", "seeds", "--out", "relative", cwd=tmp_path),
        "absolute": run_bilat("build", "--seeds", seeds.absolute(), "--out", (tmp_path / "absolute").absolute(), cwd=elsewhere),
        "reordered": run_bilat("build", "--seeds", os.path.relpath(reordered, elsewhere), "--out", "reordered-out", cwd=elsewhere),
    }
    for name, run in finish_all(runs).items():
        assert run.returncode == 0, f"{name}: {run.stderr}"

    relative = snapshot(tmp_path / "relative")
    assert any(name.endswith(".parquet") for name in relative) and any(name.endswith(".csv") for name in relative)
    assert snapshot(tmp_path / "absolute") == relative
    assert snapshot(elsewhere / "reordered-out") == relative


# --- limits, exactly where they are --------------------------------------------------------


def nested(style: str, levels: int) -> str:
    """A YAML text of ``levels`` lists and mappings, one in another, written in ``style``."""
    if style == "flow":
        return "[" * levels + "x" + "]" * levels + "\n"
    if style == "flow_mappings":
        return "{k: " * levels + "x" + "}" * levels + "\n"
    if style == "compact_lists":  # "- - - x": each list starts two columns on, on the same line
        return "- " * levels + "x\n"
    if style == "indentless_lists":  # a list as a mapping's value may sit at the mapping's own column
        lines, indent = [], 0
        for level in range(levels):
            if level % 2 == 0:
                lines.append(" " * indent + "k:")
            else:
                lines.append(" " * indent + "-")
                indent += 2
        return "\n".join(lines) + "\n" + " " * indent + "x\n"
    if style == "complex_keys":
        return "".join(" " * (2 * level) + "? " + ("\n" if level < levels - 1 else "x\n") for level in range(levels))
    raise ValueError(style)


STYLES = ["flow", "flow_mappings", "compact_lists", "indentless_lists", "complex_keys"]


def depth_problems(text: str) -> list[str]:
    try:
        parse_yaml(text.encode(), "deep.yaml")
    except InputError as err:  # a complex key is refused for itself
        return [p.message for p in err.problems if "nested" in p.message]
    return []


@pytest.mark.parametrize("style", STYLES)
def test_nesting_is_read_to_the_limit_and_refused_one_level_past_it(style: str) -> None:
    assert depth_problems(nested(style, MAX_DEPTH)) == []
    assert depth_problems(nested(style, MAX_DEPTH + 1)) == [
        f"lists and mappings nested more than {MAX_DEPTH} levels deep: look for stray brackets"
    ]


def test_a_document_language_that_settles_the_order_reads_a_numeric_date_and_a_timestamp_is_its_day() -> None:
    published = parse_edtf("2020-03-01")
    assert DateNormalizer("de").from_text("01/02/2020", published, forward=False).edtf == "2020-02-01"
    assert DateNormalizer("en").from_text("13/02/2020", published, forward=False).edtf == "2020-02-13"  # only one reading
    assert DateNormalizer("en").from_text("05/05/2020", published, forward=False).edtf == "2020-05-05"  # the same either way
    day = DateNormalizer("en").from_text("2019-12-31T23:30:00Z", published, forward=False)
    assert (day.edtf, day.precision, day.start, day.end) == ("2019-12-31", "day", dt.date(2019, 12, 31), dt.date(2019, 12, 31))


def test_a_build_never_writes_over_or_into_the_seeds_or_the_release_record(tmp_path: Path) -> None:
    for name in ("seeds", "release"):
        shutil.copytree(SEEDS.parent / name, tmp_path / name)
    record = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "release").rglob("*") if p.is_file()}
    for out, expected in (("release", "bilat never replaces the seeds or the release record"), ("seeds/data", "is inside")):
        done = finish(run_bilat("build", "--seeds", tmp_path / "seeds", "--out", tmp_path / out, "--no-plots", cwd=tmp_path))
        assert done.returncode == 1 and expected in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "release").rglob("*") if p.is_file()} == record
    assert not (tmp_path / "seeds" / "data").exists()


def test_a_symlinked_output_is_built_where_it_points_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    for _ in range(2):
        done = finish(run_bilat("build", "--seeds", SEEDS, "--out", tmp_path / "linked", "--no-plots", cwd=tmp_path))
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "linked").is_symlink() and (tmp_path / "real" / "events.parquet").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linked", "real"]


def test_a_file_in_the_way_of_the_staging_directory_is_named(tmp_path: Path) -> None:
    (tmp_path / "data.staging").write_text("not a build's", encoding="utf-8")
    done = finish(run_bilat("build", "--seeds", SEEDS, "--out", tmp_path / "data", "--no-plots", cwd=tmp_path))
    assert done.returncode == 1 and "data.staging is in the way of the build" in done.stderr
