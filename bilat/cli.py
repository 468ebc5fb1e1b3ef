"""The ``bilat`` command line. Each command imports what it uses, so that ``bilat check`` starts at once."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from bilat.problems import CiteError, InputError, OutputError

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bilat", description="Build the bilat dataset of bilateral defense and diplomatic events.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def seeds_option(command: argparse.ArgumentParser) -> None:
        command.add_argument("--seeds", type=Path, default=Path("seeds"), help="the seeds directory (default: seeds)")

    sub = commands.add_parser("build", help="validate the seeds and write the dataset")
    seeds_option(sub)
    sub.add_argument("--out", type=Path, default=Path("data"), help="output directory (default: data)")
    sub.add_argument("--no-plots", action="store_true", help="leave out data/plots (faster; the output is then incomplete)")
    sub = commands.add_parser("check", help="validate the seeds; write nothing but a cache of what unchanged documents gave")
    seeds_option(sub)
    sub.add_argument("--no-cache", action="store_true", help="check every document afresh; read and write no cache")
    sub = commands.add_parser("coverage", help="list date expressions that no event uses and no dismissal explains")
    seeds_option(sub)
    sub = commands.add_parser("mint", help="give an ID to every event that has none")
    seeds_option(sub)
    sub = commands.add_parser("fmt", help="rewrite the seed YAML files in canonical form")
    seeds_option(sub)
    sub.add_argument("--check", action="store_true", help="only list files that are not canonical; exit 1 if any")
    sub = commands.add_parser("schema", help="write the JSON Schemas of the seed files")
    sub.add_argument("--out", type=Path, default=Path("schema"), help="output directory (default: schema)")
    sub = commands.add_parser("release", help="record a new release: version, changes, CHANGELOG.md, CITATION.cff; rebuild data")
    seeds_option(sub)
    sub.add_argument("--out", type=Path, default=Path("data"), help="output directory (default: data)")
    sub.add_argument("--date", default=dt.date.today().isoformat(), help="release date, YYYY-MM-DD (default: today)")
    sub.add_argument("--version", help="the new version (default: worked out from the changes by SemVer)")
    sub = commands.add_parser("diff", help="list events added, changed and retired between two copies of data/")
    sub.add_argument("old", type=Path)
    sub.add_argument("new", type=Path)
    sub = commands.add_parser("verify", help="check a data directory against its SHA256SUMS")
    sub.add_argument("data", type=Path, nargs="?", default=Path("data"))
    sub = commands.add_parser("cite", help="print a citation of one event")
    sub.add_argument("id")
    sub.add_argument("--format", choices=["text", "bibtex"], default="text")
    sub.add_argument("--data", type=Path, default=Path("data"), help="data directory (default: data)")
    sub = commands.add_parser("plot", help="draw the timelines: one chart per dyad and an overview, SVG and PNG")
    sub.add_argument("--data", type=Path, default=Path("data"), help="data directory to read (default: data)")
    sub.add_argument("--dyad", help="only this dyad's chart, e.g. IRN-RUS")
    sub.add_argument("--out", type=Path, help="where to write (default: DATA/plots, with DATA/SHA256SUMS brought up to date)")
    sub = commands.add_parser("show", help="print an event and each of its quotes in context")
    sub.add_argument("id")
    sub.add_argument("--data", type=Path, default=Path("data"), help="data directory (default: data)")
    seeds_option(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except InputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        noun = "problem" if len(err.problems) == 1 else "problems"
        print(f"bilat {args.command}: {len(err.problems)} {noun}; nothing was written", file=sys.stderr)
        return EXIT_INPUT
    except OutputError as err:
        print(f"bilat {args.command}: {err}; nothing was replaced", file=sys.stderr)
        return EXIT_INPUT
    except CiteError as err:
        print(f"bilat {args.command}: {err}", file=sys.stderr)
        return EXIT_INPUT


def _run(args: argparse.Namespace) -> int:
    if args.command == "build":
        from bilat.build import build

        tables = build(args.seeds, args.out, plots=not args.no_plots)
        print(f"wrote {len(tables['events'])} events from {len(tables['documents'])} documents to {args.out.as_posix()}/")
    elif args.command == "check":
        print(f"ok: {_check(args.seeds, cached=not args.no_cache)}")
    elif args.command == "coverage":
        from bilat.build import check
        from bilat.coverage import coverage_problems

        checked = check(args.seeds)
        uncovered = coverage_problems(checked)
        for problem in uncovered:
            print(problem)
        print(f"{len(uncovered)} date expressions not covered in {len(checked.seeds.documents)} documents")
        return EXIT_INPUT if uncovered else EXIT_OK
    elif args.command == "mint":
        from bilat.mint import mint_seeds

        print(f"minted {mint_seeds(args.seeds)} IDs")
    elif args.command == "fmt":
        from bilat.mint import format_seeds

        changed = format_seeds(args.seeds, check_only=args.check)
        for path in changed:
            print(f"{path.as_posix()}: {'not canonical' if args.check else 'rewritten'}")
        return EXIT_INPUT if args.check and changed else EXIT_OK
    elif args.command == "release":
        from bilat.build import cut_release

        entry, _ = cut_release(args.seeds, args.out, args.date, args.version)
        print(f"released {entry.version} ({entry.date}): {entry.added} added, {entry.changed} changed, {entry.retired} retired")
    elif args.command == "diff":
        import pandas as pd

        from bilat.release import event_delta

        old, new = (pd.read_parquet(d / "events.parquet") for d in (args.old, args.new))
        delta = event_delta(old, new, pd.read_parquet(args.new / "retired.parquet"))
        for row in delta.itertuples():
            detail = {"changed": row.fields, "retired": row.reason}.get(row.change)
            print(f"{row.change:8} {row.event_id}" + (f"  {detail}" if isinstance(detail, str) else ""))
        print(f"{len(delta)} events differ")
    elif args.command == "verify":
        from bilat.publish import verify

        report = verify(args.data)
        for line in report:
            print(f"{args.data.as_posix()}/{line}")
        print(f"{args.data.as_posix()}: {'ok' if not report else f'{len(report)} files differ from SHA256SUMS'}")
        return EXIT_INPUT if report else EXIT_OK
    elif args.command == "cite":
        from bilat.cite import citation, find_event

        print(citation(find_event(args.id, args.data), args.format))
    elif args.command == "plot":
        from bilat.build import plot

        written = plot(args.data, args.out, args.dyad)
        print(f"wrote {len(written)} files to {written[0].parent.as_posix() if written else args.out}/")
    elif args.command == "show":
        from bilat.cite import find_event, show

        found = find_event(args.id, args.data)
        print(show(found, args.data, args.seeds))
    elif args.command == "schema":
        from bilat.build import write_schemas

        write_schemas(args.out)
        print(f"wrote JSON Schemas to {args.out.as_posix()}/")
    return EXIT_OK


def _check(seeds: Path, cached: bool) -> str:
    from bilat.release import default_release_dir

    if cached:
        from bilat.incremental import check_incremental, default_cache_dir

        summary = check_incremental(seeds, default_release_dir(seeds), default_cache_dir())
        return f"{summary.events} events in {summary.documents} documents"
    from bilat.build import check

    checked = check(seeds)
    return f"{len(checked.events)} events in {len(checked.seeds.documents)} documents"


if __name__ == "__main__":
    sys.exit(main())
