"""The drafter's benchmark: ``python -m bench.drafting [--seeds DIR] [--fixtures DIR] [--repeat 5] [--json]``.

Each document is drafted from its raw text as if it were new, and the drafts are compared with
the answer key: a seeds tree's coded events, or a fixture's expected events
(``tests/fixtures/drafting/<name>.yaml`` beside ``<name>.txt``). A coded event is matched by a
draft of the same type, the same two actors in either order, and a date that overlaps; each draft
matches at most one event (a draft with the coder's exact date and precision is preferred). Then:

- ``recall``: matched coded events / coded events;
- ``precision``: drafts that match a coded event / all drafts;
- ``date_exact``: matched drafts whose date (EDTF) and precision are the coder's / matched drafts;
- ``docs_per_s``: documents drafted a second on one core, warm (imports, the lexicon, the country
  libraries and dateparser loaded by a first pass), each pass with a fresh date memo, the median of
  ``--repeat`` passes; ``docs500_per_s`` counts 500 words of text as one document.

A readable table is printed, and with ``--json`` one JSON line with the figures last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not __package__ and str(ROOT) not in sys.path:  # run as ``python bench/drafting.py``
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bilat.dates import DateError, DateNormalizer, from_bounds  # noqa: E402
from bilat.drafting import draft_document  # noqa: E402
from bilat.edtf import parse_edtf  # noqa: E402
from bilat.models import FORWARD_STATUSES, Actor, ActorRegistry, DocumentMeta, DraftBase  # noqa: E402

KEYS = ("documents", "words", "coded", "drafts", "matched", "recall", "precision", "date_exact", "docs_per_s", "docs500_per_s")


@dataclass(frozen=True)
class Expected:
    type: str
    status: str
    actor1: str
    actor2: str
    edtf: str
    precision: str
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    meta: DocumentMeta
    expected: tuple[Expected, ...]


def _expected(event_type: str, status: str, actor1: str, actor2: str, edtf: str, precision: str) -> Expected:
    bounds = parse_edtf(edtf)
    return Expected(event_type, status, actor1, actor2, edtf, precision, bounds.start, bounds.end)


def seed_cases(seeds: Path) -> tuple[list[Case], list[Actor]]:
    """Every document of a seeds tree, its coded events (dated as the build dates them) the key."""
    from bilat.build import check

    checked = check(seeds)
    loaded = checked.seeds
    by_document: dict[str, list[Expected]] = {}
    for event in checked.events:
        e = event.event
        by_document.setdefault(event.doc_id, []).append(
            Expected(
                e.type, e.status.value, e.actor1, e.actor2, event.date.edtf, event.date.precision.value, event.date.start, event.date.end
            )
        )
    cases = [Case(d.doc_id, d.text, d.meta, tuple(by_document.get(d.doc_id, ()))) for d in loaded.documents]
    return cases, [actor for _, actor in loaded.actors]


def fixture_cases(fixtures: Path) -> list[Case]:
    cases = []
    for key_file in sorted(fixtures.glob("*.yaml")):
        key = yaml.safe_load(key_file.read_text(encoding="utf-8"))
        text = key_file.with_suffix(".txt").read_text(encoding="utf-8")
        meta = DocumentMeta(
            title=key["title"],
            published=key["published"],
            published_basis="printed",
            language=key.get("language", "en"),
            sha256=hashlib.sha256(text.encode()).hexdigest(),
        )
        expected = tuple(_expected(e["type"], e["status"], e["actor1"], e["actor2"], e["date"], e["precision"]) for e in key["events"])
        cases.append(Case(key_file.stem, text, meta, expected))
    return cases


def draft_date(draft: DraftBase, meta: DocumentMeta, normalizer: DateNormalizer) -> tuple[str, str, dt.date | None, dt.date | None]:
    """The draft's date as the build would read it once accepted."""
    published = parse_edtf(meta.published)
    try:
        if draft.date_text is not None:
            date = normalizer.from_text(draft.date_text, published, draft.status.value in FORWARD_STATUSES)
        else:
            date = from_bounds(draft.date_bounds, draft.date_reason)
    except DateError:
        return "?", "?", None, None
    return date.edtf, date.precision.value, date.start, date.end


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    low, high = dt.date.min, dt.date.max
    return (a_start or low) <= (b_end or high) and (b_start or low) <= (a_end or high)


def match(expected: Sequence[Expected], drafts: Sequence[tuple[DraftBase, tuple]]) -> list[tuple[Expected, DraftBase, bool]]:
    """Pairs (coded event, draft, same date) matched one to one: all fitting pairs, best first
    (same date and precision, then same status), each event and draft taken once."""
    fitting = []
    for e, event in enumerate(expected):
        for d, (draft, (edtf, precision, start, end)) in enumerate(drafts):
            if (
                draft.type == event.type
                and {draft.actor1, draft.actor2} == {event.actor1, event.actor2}
                and _overlap(event.start, event.end, start, end)
            ):
                same = (edtf, precision) == (event.edtf, event.precision)
                fitting.append((not same, draft.status.value != event.status, e, d, same))
    pairs, events, taken = [], set(), set()
    for _, _, e, d, same in sorted(fitting):
        if e not in events and d not in taken:
            events.add(e)
            taken.add(d)
            pairs.append((expected[e], drafts[d][0], same))
    return pairs


def quality(cases: Sequence[Case], actors: Sequence[Actor]) -> dict:
    normalizer = DateNormalizer()
    coded = drafted = matched = exact = 0
    for case in cases:
        drafts = draft_document(case.text, case.meta, actors, normalizer)
        dated = [(d, draft_date(d, case.meta, normalizer)) for d in drafts]
        pairs = match(case.expected, dated)
        coded += len(case.expected)
        drafted += len(drafts)
        matched += len(pairs)
        exact += sum(same for _, _, same in pairs)
    return {
        "documents": len(cases),
        "words": sum(len(c.text.split()) for c in cases),
        "coded": coded,
        "drafts": drafted,
        "matched": matched,
        "recall": matched / coded if coded else None,
        "precision": matched / drafted if drafted else None,
        "date_exact": exact / matched if matched else None,
    }


def speed(cases: Sequence[Case], actors: Sequence[Actor], repeat: int) -> tuple[float, float]:
    """(documents a second, 500-word documents a second) on one core, warm."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    for case in cases:  # warm: imports, lexicon, country libraries, dateparser's own data
        draft_document(case.text, case.meta, actors, DateNormalizer())
    seconds = []
    for _ in range(repeat):
        normalizer = DateNormalizer()
        start = time.perf_counter()
        for case in cases:
            draft_document(case.text, case.meta, actors, normalizer)
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    words = sum(len(c.text.split()) for c in cases)
    return len(cases) / median, words / 500 / median


def run(cases: Sequence[Case], actors: Sequence[Actor], repeat: int) -> dict:
    figures = quality(cases, actors)
    figures["docs_per_s"], figures["docs500_per_s"] = speed(cases, actors, repeat) if cases else (None, None)
    return {key: figures[key] for key in KEYS}


def _registry(seeds: Path) -> list[Actor]:
    return ActorRegistry.model_validate(yaml.safe_load((seeds / "actors.yaml").read_text(encoding="utf-8"))).actors


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1%}" if value <= 1 else f"{value:,.1f}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.drafting", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="a seeds tree: its coded events are the answer key")
    parser.add_argument("--fixtures", type=Path, default=ROOT / "tests" / "fixtures" / "drafting", help="documents with answer keys")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes over each set (the median is reported)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line at the end")
    args = parser.parse_args(argv)
    seeds, actors = seed_cases(args.seeds)
    results = {"seeds": run(seeds, actors, args.repeat)}
    if args.fixtures.is_dir():
        results["fixtures"] = run(fixture_cases(args.fixtures), _registry(args.seeds), args.repeat)
    print(f"{'set':<10}" + "".join(f"{key:>14}" for key in KEYS))
    for name, figures in results.items():
        print(f"{name:<10}" + "".join(f"{_cell(figures[key]):>14}" for key in KEYS))
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
