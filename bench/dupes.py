"""The benchmark of ``bilat dupes``: ``python -m bench.dupes --events N [--seed 0] [--min 0.5] [--seeds DIR]``.

It generates the bench corpus of N events (``bench.corpus``) in a temporary directory, or takes
the tree ``--seeds`` names (one ``python -m bench`` left in its work directory, say), loads and
codes it as ``bilat dupes`` does (``bilat.build.check``, untimed), and then measures:

- ``candidates_s``: the wall time of one ``bilat.dupes.candidates`` at the threshold ``--min``;
- ``overlapping``: the pairs of one type, pair of actors and status whose dates overlap, all of
  which ``candidates`` scored before it filtered them by their words;
- ``compared``: the pairs it scores now (``bilat.dupes.compared``), and ``listed``: those it lists;
- ``rss_loaded_mb``, ``peak_rss_mb``: the process's peak resident set once the tree is loaded,
  and at the end (after ``candidates``, whose list of pairs is still held).

A readable table is printed, and last one JSON line with the keys in ``KEYS``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not __package__ and str(ROOT) not in sys.path:  # run as ``python bench/dupes.py``
    sys.path.insert(0, str(ROOT))

KEYS = ("events", "threshold", "candidates_s", "overlapping", "compared", "listed", "rss_loaded_mb", "peak_rss_mb")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measure(seeds: Path, listed_from: float) -> dict[str, float | int]:
    """The figures of ``KEYS`` for one seeds tree."""
    from bilat.build import check
    from bilat.dupes import candidates, compared

    events = check(seeds).events
    loaded_mb = _peak_rss_mb()
    started = time.perf_counter()
    listed = candidates(events, listed_from)
    seconds = time.perf_counter() - started
    peak_mb = _peak_rss_mb()
    return {
        "events": len(events),
        "threshold": listed_from,
        "candidates_s": round(seconds, 3),
        "overlapping": sum(1 for _ in compared(events, 0.0)),  # with nothing to reach, every overlapping pair is scored
        "compared": sum(1 for _ in compared(events, listed_from)),
        "listed": len(listed),
        "rss_loaded_mb": round(loaded_mb, 1),
        "peak_rss_mb": round(peak_mb, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dupes", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10000, help="events in the generated corpus")
    parser.add_argument("--seed", type=int, default=0, help="the corpus generator's seed")
    parser.add_argument("--min", type=float, default=None, help="the threshold (default: bilat's LISTED_FROM)")
    parser.add_argument("--seeds", type=Path, default=None, help="a seeds tree to use instead of generating one")
    args = parser.parse_args(argv)
    from bilat.dupes import LISTED_FROM

    listed_from = LISTED_FROM if args.min is None else args.min
    if args.seeds is not None:
        figures = measure(args.seeds, listed_from)
    else:
        from bench.corpus import generate

        with tempfile.TemporaryDirectory(prefix="bench-dupes-") as work:
            started = time.perf_counter()
            seeds = generate(Path(work) / "seeds", args.events, args.seed)
            print(f"corpus: {args.events} events (seed {args.seed}), generated in {time.perf_counter() - started:.1f} s")
            figures = measure(seeds, listed_from)
    print("".join(f"{key:>15}" for key in KEYS))
    print("".join(f"{figures[key]:>15,}" for key in KEYS))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
