"""The benchmark: ``python -m bench --events N [--repeat 3] [--seed 0] [--workdir DIR]``.

It generates a synthetic seeds tree once (``bench.corpus``), then measures, each the median of
``--repeat`` runs in fresh processes:

- ``build_s``: ``python -m bilat.cli build`` from scratch: an empty output directory, a fresh
  ``XDG_CACHE_HOME``, and nothing in the corpus directory but the generated files.
- ``floor_s``: in the same run, a process that reads the same YAML files with libyaml
  (``yaml.CSafeLoader``) and writes the same tables (the ones the build published: every top-level
  Parquet table, each timeline, and a CSV wherever the build wrote one) with pyarrow (zstd) and
  pandas ``to_csv``. It reads the published Parquet frames to have something to write; that read
  is timed inside the process and taken off. Interpreter start-up and imports count on both sides.
- ``ratio`` = build_s / floor_s.
- ``check_one_doc_s``: ``bilat check`` once to warm whatever cache it keeps, then, each run, one
  summary of one document's events.yaml is edited (still valid and canonical) and ``bilat check``
  is timed. The file is restored afterwards.
- ``peak_rss_mb``: the build's peak resident set, read by a small wrapper process as its
  ``RUSAGE_CHILDREN`` ``ru_maxrss`` once the build has exited.
- ``read_parquet_s``: ``pd.read_parquet`` of events.parquet in a fresh process (pandas and pyarrow
  imported first, so this is the read alone).
- ``parquet_bytes``, ``csv_bytes``: every .parquet and .csv file the build wrote, timelines included.

A readable table is printed, and last one JSON line with the keys in ``KEYS``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not __package__ and str(ROOT) not in sys.path:  # run as ``python bench/run.py``
    sys.path.insert(0, str(ROOT))

KEYS = (
    "events",
    "documents",
    "build_s",
    "floor_s",
    "ratio",
    "check_one_doc_s",
    "peak_rss_mb",
    "peak_tree_mb",
    "read_parquet_s",
    "parquet_bytes",
    "csv_bytes",
    "plots_s",
)

WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
child = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": child.returncode, "seconds": seconds, "peak_kb": peak_kb, "stdout": child.stdout[-20000:],
                  "stderr": child.stderr[-20000:]}))
"""
"""Runs its arguments as a child process; reports the child's wall time and peak RSS (kB on Linux)."""

TREE_WRAPPER = """
import json, os, subprocess, sys, tempfile, time

def descendants(pid):
    found = [pid]
    for parent in found:  # grows while it is walked: breadth first
        try:
            for task in os.listdir(f"/proc/{parent}/task"):
                with open(f"/proc/{parent}/task/{task}/children") as listing:
                    found += [int(child) for child in listing.read().split()]
        except OSError:
            pass
    return found

def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
    except OSError:
        return 0

with tempfile.TemporaryFile() as out:
    child = subprocess.Popen(sys.argv[1:], stdout=out, stderr=out)
    peak, most = 0, 1
    while child.poll() is None:
        pids = descendants(child.pid)
        peak, most = max(peak, sum(map(pss_kb, pids))), max(most, len(pids))
        time.sleep(0.1)
print(json.dumps({"rc": child.returncode, "peak_kb": peak, "processes": most}))
"""
"""Runs its arguments as a child process, sampling ten times a second the proportional set size
(PSS: shared pages split between the processes sharing them) summed over the child and every
process it starts; reports the largest sum. Linux only; elsewhere it reports 0."""

READ_PARQUET = """
import sys, time
import pandas as pd
import pyarrow.parquet
start = time.perf_counter()
frame = pd.read_parquet(sys.argv[1])
print(time.perf_counter() - start, len(frame))
"""


class BenchError(Exception):
    pass


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    stdout: str


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["XDG_CACHE_HOME"] = str(cache)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def _measure(command: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Run ``command`` under the wrapper: its wall time, its peak RSS, its output."""
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        raise BenchError(f"the measuring wrapper failed:\n{done.stderr[-4000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["rc"] != 0:
        shown = " ".join(command[2:] if command[:2] == [sys.executable, "-m"] else command)
        raise BenchError(f"{shown} exited with {report['rc']}:\n{report['stderr'][-4000:]}")
    return Run(report["seconds"], report["peak_kb"] / 1024, report["stdout"])


def _tree_peak(command: list[str], env: dict[str, str], cwd: Path) -> dict:
    """One more run of ``command``, untimed, for the memory of it and its workers together."""
    if not Path("/proc/self/smaps_rollup").exists():
        return {"peak_kb": 0, "processes": 0}
    done = subprocess.run([sys.executable, "-c", TREE_WRAPPER, *command], cwd=cwd, env=env, capture_output=True, text=True)
    report = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 and done.stdout.strip() else None
    if report is None or report["rc"] != 0:
        raise BenchError(f"the sampled build failed:\n{done.stderr[-4000:]}")
    _remove(cwd / "data-tree")
    return report


def _bilat(*args: str) -> list[str]:
    return [sys.executable, "-m", "bilat.cli", *args]


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _manifest(corpus: Path) -> dict[Path, frozenset[str]]:
    """Each directory of the corpus with the names the generator put in it."""
    return {folder: frozenset(p.name for p in folder.iterdir()) for folder in [corpus, *(p for p in corpus.rglob("*") if p.is_dir())]}


def _restore(manifest: dict[Path, frozenset[str]]) -> None:
    """Remove whatever a previous run added to the corpus (a cache beside or inside the seeds)."""
    for folder, names in manifest.items():
        for entry in folder.iterdir():
            if entry.name not in names:
                _remove(entry)


def _sizes(out: Path) -> tuple[int, int]:
    files = [p for p in out.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files if p.suffix == ".parquet"), sum(p.stat().st_size for p in files if p.suffix == ".csv")


def _edit_summary(events_yaml: Path, n: int) -> None:
    """Change the first event's summary, keeping the file valid and canonical."""
    import yaml

    from bilat.models import EventsFile
    from bilat.yamlio import canonical_yaml

    coded = EventsFile.model_validate(yaml.load(events_yaml.read_bytes(), Loader=yaml.CSafeLoader))
    first = coded.events[0]
    summary = f"{first.summary.rstrip('.')} (benchmark edit {n})."
    events = [first.model_copy(update={"summary": summary}), *coded.events[1:]]
    events_yaml.write_text(canonical_yaml(coded.model_copy(update={"events": events})), encoding="utf-8")


def floor_main(argv: list[str] | None = None) -> None:
    """The floor process: ``floor_main([seeds, published, out])``. Prints a JSON report whose
    ``read_s`` (reading the published frames back) the benchmark takes off the wall time."""
    start = time.perf_counter()
    import csv

    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    import yaml

    seeds, published, out = (Path(a) for a in (argv or sys.argv[1:]))
    imported = time.perf_counter()
    files = [seeds / "actors.yaml", seeds / "retired.yaml", *sorted(seeds.glob("*/events.yaml"))]
    loaded = [yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader) for path in files]
    events = sum(len(data.get("events") or []) for data in loaded[2:])
    parsed = time.perf_counter()
    frames = {path.stem: pd.read_parquet(path) for path in sorted(published.glob("*.parquet"))}
    read = time.perf_counter()

    def write(frame: pd.DataFrame, stem: Path, with_csv: bool) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(
            table, stem.with_suffix(".parquet"), compression="zstd", use_dictionary=True, write_statistics=True, store_schema=True
        )
        if with_csv:
            frame.to_csv(stem.with_suffix(".csv"), index=False, date_format="%Y-%m-%d", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)

    out.mkdir(parents=True)
    for name, frame in frames.items():
        write(frame, out / name, (published / f"{name}.csv").exists())
    (out / "timelines").mkdir()
    timeline_csv = any((published / "timelines").glob("*.csv"))
    for dyad, frame in frames["events"].groupby("dyad", sort=True, observed=True):
        write(frame.reset_index(drop=True), out / "timelines" / str(dyad), timeline_csv)
    done = time.perf_counter()
    report = {
        "imports_s": imported - start,
        "yaml_s": parsed - imported,
        "read_s": read - parsed,
        "write_s": done - read,
        "yaml_files": len(files),
        "events": events,
    }
    print(json.dumps(report))


def run(events: int, repeat: int = 3, seed: int = 0, workdir: Path | None = None, log=print) -> dict[str, float | int]:
    """Generate the corpus, measure, print the table; return the figures (the JSON line's)."""
    import pyarrow.parquet as pq

    from bench.corpus import generate

    workdir = (workdir or ROOT / "bench" / "out").absolute()
    work = workdir / f"n{events}-s{seed}"
    if work.exists():
        shutil.rmtree(work)
    corpus = work / "corpus"
    seeds = corpus / "seeds"
    started = time.perf_counter()
    generate(seeds, events, seed)
    generated_s = time.perf_counter() - started
    documents = sum(1 for p in seeds.iterdir() if p.is_dir())
    manifest = _manifest(corpus)
    corpus_bytes = sum(p.stat().st_size for p in seeds.rglob("*") if p.is_file())
    log(f"bilat benchmark: {events} events in {documents} documents (seed {seed}), {repeat} run(s) of each measurement, median reported")
    log(f"corpus: {seeds} ({corpus_bytes / 1e6:.1f} MB), generated in {generated_s:.1f} s")

    out = work / "data"
    builds: list[Run] = []
    for i in range(repeat):
        for leftover in (out, out.with_name("data.staging"), out.with_name("data.retiring")):
            _remove(leftover)
        _restore(manifest)
        # The tables only: the floor writes tables, so the charts are timed apart (plots_s).
        command = _bilat("build", "--seeds", str(seeds), "--out", str(out), "--no-plots")
        builds.append(_measure(command, _env(work / f"cache-build-{i}"), work))
        log(f"  build {i + 1}/{repeat}: {builds[-1].seconds:.2f} s, peak {builds[-1].peak_mb:.0f} MB")
    sampled = _bilat("build", "--seeds", str(seeds), "--out", str(work / "data-tree"), "--no-plots")
    tree = _tree_peak(sampled, _env(work / "cache-tree"), work)
    log(f"  build with its worker processes, sampled: peak {tree['peak_kb'] / 1024:.0f} MB summed PSS over {tree['processes']} processes")
    built = pq.read_metadata(out / "events.parquet").num_rows
    if built != events:
        raise BenchError(f"the build published {built} events, not {events}")

    floors: list[tuple[float, dict]] = []
    for i in range(repeat):
        target = work / "floor"
        _remove(target)
        command = [sys.executable, "-c", "from bench.run import floor_main; floor_main()", str(seeds), str(out), str(target)]
        measured = _measure(command, _env(work / "cache-floor"), work)
        report = json.loads(measured.stdout.strip().splitlines()[-1])
        if report["events"] != events:
            raise BenchError(f"the floor read {report['events']} events, not {events}")
        floors.append((measured.seconds - report["read_s"], report))
        log(f"  floor {i + 1}/{repeat}: {floors[-1][0]:.2f} s")

    _restore(manifest)
    check_env = _env(work / "cache-check")
    first_check = _measure(_bilat("check", "--seeds", str(seeds)), check_env, work)
    log(f"  check (first, warms any cache): {first_check.seconds:.2f} s")
    folders = sorted(p for p in seeds.iterdir() if p.is_dir())
    edited = folders[len(folders) // 2] / "events.yaml"
    original = edited.read_bytes()
    checks: list[Run] = []
    try:
        for i in range(repeat):
            _edit_summary(edited, i + 1)
            checks.append(_measure(_bilat("check", "--seeds", str(seeds)), check_env, work))
            log(f"  check after editing {edited.parent.name}/events.yaml {i + 1}/{repeat}: {checks[-1].seconds:.2f} s")
    finally:
        edited.write_bytes(original)

    reads = []
    for i in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", READ_PARQUET, str(out / "events.parquet")],
            cwd=work,
            env=_env(work / "cache-read"),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BenchError(f"reading events.parquet failed:\n{done.stderr[-4000:]}")
        reads.append(float(done.stdout.split()[0]))
        log(f"  read_parquet {i + 1}/{repeat}: {reads[-1]:.3f} s")

    plots = []
    for i in range(repeat):
        plots.append(_measure(_bilat("plot", "--data", str(out), "--out", str(work / "plots")), _env(work / "cache-plot"), work))
        log(f"  plot {i + 1}/{repeat}: {plots[-1].seconds:.2f} s")

    parquet_bytes, csv_bytes = _sizes(out)
    build_s = statistics.median(r.seconds for r in builds)
    floor_s = statistics.median(f for f, _ in floors)
    figures: dict[str, float | int] = {
        "events": events,
        "documents": documents,
        "build_s": round(build_s, 3),
        "floor_s": round(floor_s, 3),
        "ratio": round(build_s / floor_s, 2),
        "check_one_doc_s": round(statistics.median(r.seconds for r in checks), 3),
        "peak_rss_mb": round(statistics.median(r.peak_mb for r in builds), 1),
        "peak_tree_mb": round(tree["peak_kb"] / 1024, 1),
        "read_parquet_s": round(statistics.median(reads), 4),
        "parquet_bytes": parquet_bytes,
        "csv_bytes": csv_bytes,
        "plots_s": round(statistics.median(r.seconds for r in plots), 3),
    }
    floor_parts = {k: statistics.median(r[k] for _, r in floors) for k in ("imports_s", "yaml_s", "write_s")}
    rows = [
        ("build_s", f"{figures['build_s']:.3f}", " ".join(f"{r.seconds:.2f}" for r in builds), "`bilat build --no-plots`, cold"),
        (
            "floor_s",
            f"{figures['floor_s']:.3f}",
            " ".join(f"{f:.2f}" for f, _ in floors),
            "imports {imports_s:.2f} + libyaml {yaml_s:.2f} + write {write_s:.2f} s".format(**floor_parts),
        ),
        ("ratio", f"{figures['ratio']:.2f}", "", "target <= 1.5"),
        ("check_one_doc_s", f"{figures['check_one_doc_s']:.3f}", " ".join(f"{r.seconds:.2f}" for r in checks), "target < 1 s"),
        ("  first check", f"{first_check.seconds:.3f}", "", "before any edit (not in the JSON)"),
        ("peak_rss_mb", f"{figures['peak_rss_mb']:.1f}", " ".join(f"{r.peak_mb:.0f}" for r in builds), "target < 1024"),
        ("peak_tree_mb", f"{figures['peak_tree_mb']:.1f}", "", "one more build: PSS summed over it and its date workers"),
        ("read_parquet_s", f"{figures['read_parquet_s']:.4f}", " ".join(f"{r:.3f}" for r in reads), "target < 0.3 s"),
        ("parquet_bytes", f"{parquet_bytes:,}", "", "all .parquet under the output, timelines included"),
        ("csv_bytes", f"{csv_bytes:,}", "", "all .csv under the output, timelines included"),
        ("plots_s", f"{figures['plots_s']:.3f}", " ".join(f"{r.seconds:.2f}" for r in plots), "`bilat plot`: the charts a full build adds"),
    ]
    log("")
    log(f"{'metric':<16} {'median':>14}  {'runs':<24} note")
    for name, value, runs, note in rows:
        log(f"{name:<16} {value:>14}  {runs:<24} {note}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Benchmark bilat on a synthetic corpus.")
    parser.add_argument("--events", type=int, required=True, help="number of events in the synthetic corpus")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is reported (default: 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the corpus generator (default: 0)")
    parser.add_argument("--workdir", type=Path, help="where the corpus and outputs go (default: bench/out)")
    args = parser.parse_args(argv)
    if args.events < 1 or args.repeat < 1:
        parser.error("--events and --repeat must be at least 1")
    try:
        figures = run(args.events, args.repeat, args.seed, args.workdir)
    except BenchError as err:
        print(f"bench: {err}", file=sys.stderr)
        return 1
    print(json.dumps({key: figures[key] for key in KEYS}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
