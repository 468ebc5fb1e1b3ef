"""The ``bilat`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bilat.build import build, check, write_schemas
from bilat.coverage import coverage_problems
from bilat.mint import format_seeds, mint_seeds
from bilat.problems import InputError
from bilat.publish import OutputError

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bilat", description="Build the bilat dataset of bilateral defense and diplomatic events.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def seeds_option(command: argparse.ArgumentParser) -> None:
        command.add_argument("--seeds", type=Path, default=Path("seeds"), help="the seeds directory (default: seeds)")

    sub = commands.add_parser("build", help="validate the seeds and write the dataset")
    seeds_option(sub)
    sub.add_argument("--out", type=Path, default=Path("data"), help="output directory (default: data)")
    sub = commands.add_parser("check", help="validate the seeds; write nothing")
    seeds_option(sub)
    sub = commands.add_parser("coverage", help="list date expressions that no event uses and no dismissal explains")
    seeds_option(sub)
    sub = commands.add_parser("mint", help="give an ID to every event that has none")
    seeds_option(sub)
    sub = commands.add_parser("fmt", help="rewrite the seed YAML files in canonical form")
    seeds_option(sub)
    sub.add_argument("--check", action="store_true", help="only list files that are not canonical; exit 1 if any")
    sub = commands.add_parser("schema", help="write the JSON Schemas of the seed files")
    sub.add_argument("--out", type=Path, default=Path("schema"), help="output directory (default: schema)")
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


def _run(args: argparse.Namespace) -> int:
    if args.command == "build":
        tables = build(args.seeds, args.out)
        print(f"wrote {len(tables['events'])} events from {len(tables['documents'])} documents to {args.out.as_posix()}/")
    elif args.command == "check":
        checked = check(args.seeds)
        print(f"ok: {len(checked.events)} events in {len(checked.seeds.documents)} documents")
    elif args.command == "coverage":
        checked = check(args.seeds)
        uncovered = coverage_problems(checked)
        for problem in uncovered:
            print(problem)
        print(f"{len(uncovered)} date expressions not covered in {len(checked.seeds.documents)} documents")
        return EXIT_INPUT if uncovered else EXIT_OK
    elif args.command == "mint":
        print(f"minted {mint_seeds(args.seeds)} IDs")
    elif args.command == "fmt":
        changed = format_seeds(args.seeds, check_only=args.check)
        for path in changed:
            print(f"{path.as_posix()}: {'not canonical' if args.check else 'rewritten'}")
        return EXIT_INPUT if args.check and changed else EXIT_OK
    elif args.command == "schema":
        write_schemas(args.out)
        print(f"wrote JSON Schemas to {args.out.as_posix()}/")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
