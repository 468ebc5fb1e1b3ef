"""The ``bilat`` command line.

Each command is one handler function, whose docstring is its help (the first line) and its
description (the rest, with an example); ``COMMANDS`` at the end registers each handler with its
options. A handler imports what it uses, so that ``bilat check`` starts at once.

Error policy: a handler raises ``InputError`` (located problems in the input), ``OutputError``
(the output cannot or must not be written) or ``CiteError`` (an ID that cannot be cited); ``main``
prints them and exits 1, as it does for a data directory that cannot be read (``DataError``) and
any other file error. A usage error exits 2. Anything else is a bug in bilat: it is reported in
one line with exit 70 (``BILAT_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import inspect
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilat.problems import CiteError, DataError, InputError, OutputError, UsageError

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


@dataclass(frozen=True)
class Option:
    flags: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=dict)


def option(*flags: str, **settings: Any) -> Option:
    """An argument of a command, as ``argparse.add_argument`` takes it; ``help`` is required."""
    if not settings.get("help"):
        raise ValueError(f"{flags[0]} needs help text")
    return Option(flags, settings)


SEEDS = option("--seeds", type=Path, default=Path("seeds"), help="the seeds directory (default: seeds)")
DATA = option(
    "--data", type=Path, help="the data directory to read (default: $BILAT_DATA, else ./data, else the dataset installed with bilat)"
)
OUT_DATA = option("--out", type=Path, default=Path("data"), help="the output directory (default: data)")


@dataclass(frozen=True)
class Command:
    handler: Callable[[argparse.Namespace], int]
    options: tuple[Option, ...] = ()

    @property
    def name(self) -> str:
        return self.handler.__name__.removeprefix("command_")

    @property
    def help(self) -> str:
        return (self.handler.__doc__ or "").strip().splitlines()[0]

    @property
    def description(self) -> str:
        return inspect.cleandoc(self.handler.__doc__ or "")


def command_add(args: argparse.Namespace) -> int:
    """Add a source document to the seeds: its text byte for byte, and its document block.

    The text goes to seeds/<doc_id>/document.txt, where doc_id is the first 16 hex digits of its
    sha256, and events.yaml gets the document block with no events yet. Without --published, a
    full date printed near the top of the text is proposed (and published_reason says so);
    otherwise the date is recorded as unknown ('../..'). The doc_id is the last line printed.

    Example: bilat add article.txt --title "Turkey and Pakistan sign defence pact" --published 2026-03-04
    """
    from bilat.adding import add_document

    options = {
        "title": args.title,
        "published": args.published,
        "published_reason": args.published_reason,
        "author": args.author,
        "publisher": args.publisher,
        "url": args.url,
        "language": args.language,
    }
    document = add_document(args.file, args.seeds, options)
    meta = document.meta
    print(
        f"added {args.seeds.as_posix()}/{document.doc_id}/ ({len(document.raw)} bytes), published {meta.published} ({meta.published_basis})"
    )
    if document.date_line:
        print(f"the publication date was read from {document.date_line!r}: check it in events.yaml")
    print(document.doc_id)
    return EXIT_OK


def command_draft(args: argparse.Namespace) -> int:
    """Propose candidate events into each document's events.yaml, under drafts:, for review.

    The drafts replace the document's unreviewed ones; a draft of an event already coded in the
    document, or once rejected, is not proposed again, and events: is never touched. A draft that
    matches an event of another document (same type and pair, overlapping dates) names it as a
    possible_duplicate. --json prints the drafts, with the date columns a build would publish.

    Example: bilat draft 3f9c0a1b2c3d4e5f --json
    """
    import json

    from bilat.drafts import draft_documents, draft_records
    from bilat.seeds import DOC_ID, document_folders

    if args.all == bool(args.doc_ids):
        raise UsageError(["give one or more DOC_IDs, or --all"])
    if not args.seeds.is_dir():
        raise UsageError([f"{args.seeds.as_posix()} is not a directory; give --seeds DIR"])
    doc_ids = [f.name for f in document_folders(args.seeds) if DOC_ID.fullmatch(f.name)] if args.all else args.doc_ids
    drafted = draft_documents(args.seeds, doc_ids)
    if args.json:
        print(json.dumps([record for result in drafted for record in draft_records(result)], ensure_ascii=False, indent=2))
        return EXIT_OK
    for doc_id, result in zip(doc_ids, drafted, strict=True):
        duplicates = sum(1 for d in result.drafts if d.possible_duplicate)
        skipped = f"; {result.dropped_coded} already coded and {result.dropped_rejected} once rejected left out"
        print(f"{result.path.as_posix()}: {len(result.drafts)} drafts ({duplicates} possible duplicates){skipped}; `bilat review {doc_id}`")
    return EXIT_OK


def command_review(args: argparse.Namespace) -> int:
    """Accept, attach, edit or reject a document's drafts: at a terminal one by one, or by number with flags.

    Accepting a draft makes it an event: it gets an ID and the stamp validated {by, date}. A draft
    that would not pass as an event (an actor not in the registry, a quote that does not match)
    cannot be accepted until it is fixed, and review says why. Attaching a draft to an event that
    another document codes (its possible_duplicate, say) makes it a report of that event under
    reports:, stamped the same way: the event gains this document as a source. Rejecting keeps it
    under rejected: with the reason, so that bilat draft never proposes it again.

    Example: bilat review 3f9c0a1b2c3d4e5f --accept 1 3 --attach 4 CB31KRM6G --reject 2 --reason "a hypothetical" --by "A. Coder"
    """
    from bilat.drafts import events_file, load_tree, review, save

    path, coded = events_file(args.seeds, args.doc_id)
    tree = load_tree(args.seeds)
    document = tree.document(args.doc_id)
    by = args.by or os.environ.get("BILAT_CODER", "")
    attach = [_attachment(pair) for pair in args.attach or ()]
    if not (args.accept or args.reject or attach):
        if not sys.stdin.isatty():
            raise UsageError(["not at a terminal: give --accept N…, --attach N EVENT_ID and/or --reject N… --reason TEXT"])
        if not coded.drafts:
            print(f"{path.as_posix()}: no drafts to review; `bilat draft {args.doc_id}` proposes them")
            return EXIT_OK
        from bilat.terminal_review import review_at_terminal

        if not by:
            by = input("your name, for the validation stamp: ").strip()
            if not by:
                raise UsageError(["a review needs a name: give --by NAME or set BILAT_CODER"])
        accepted, attached, rejected, left = review_at_terminal(path, coded, document, tree, by)
    else:
        updated, verdict = review(coded, document, tree, args.accept or (), args.reject or (), args.reason, by, attach=attach)
        save(path, updated)
        for number, event_id in verdict.accepted:
            print(f"draft {number} accepted as event {event_id}")
        for number, event_id in verdict.attached:
            print(f"draft {number} attached as a report of {event_id}")
        for number in verdict.rejected:
            print(f"draft {number} rejected")
        accepted, attached, rejected, left = len(verdict.accepted), len(verdict.attached), len(verdict.rejected), len(updated.drafts)
    print(f"{path.as_posix()}: {accepted} accepted, {attached} attached, {rejected} rejected, {left} drafts left")
    return EXIT_OK


def _attachment(pair: list[str]) -> tuple[int, str]:
    number, event_id = pair
    if not number.isdigit():
        raise UsageError([f"--attach {number} {event_id}: give the draft's number first, then the event ID"])
    from bilat.ids import canonical_id

    return int(number), canonical_id(event_id)


def command_dupes(args: argparse.Namespace) -> int:
    """List pairs of coded events that may be one event coded twice, most alike first.

    Only events of the same type, pair and status with overlapping dates are compared; each
    pair's line gives its score (0 to 1) and why: the dates, how alike the quotes are, and the
    named fields they share. Exit 0 whether or not it finds any, unless --fail.

    Example: bilat dupes --min 0.7 --fail
    """
    from bilat.build import check
    from bilat.dupes import candidates

    found = candidates(check(args.seeds).events, args.min)
    for candidate in found:
        print(candidate)
    print(f"{len(found)} candidate pair{'s' if len(found) != 1 else ''} scoring {args.min} or more")
    return EXIT_INPUT if args.fail and found else EXIT_OK


def command_merge(args: argparse.Namespace) -> int:
    """Merge two coded events that are one real-world event: GONE into KEEP.

    GONE's quotes (and its date) become its document's report of KEEP, or join KEEP's evidence
    when one document codes both; GONE is retired with merged_into: KEEP, so that citations of it
    lead to KEEP; follows links, reports and tombstones that named GONE name KEEP. Two events of
    different types, pairs or statuses, an event and itself, or a retired event are refused. The
    merged tree must pass bilat check before any file is written.

    Example: bilat merge CB31KRM6G 7Q2D4K8M1 --by "A. Coder"
    """
    from bilat.merging import merge

    by = args.by or os.environ.get("BILAT_CODER", "")
    from bilat.ids import canonical_id

    merged = merge(args.seeds, canonical_id(args.keep), canonical_id(args.gone), by, args.reason)
    where = f"a report of it in {merged.report_in}" if merged.report_in else "its evidence"
    print(f"merged {merged.gone} into {merged.keep}: {merged.gone}'s quotes are now {where}, and {merged.gone} is retired")
    if merged.repointed:
        print(f"{merged.repointed} links (follows, reports, tombstones) that named {merged.gone} now name {merged.keep}")
    print(f"wrote {', '.join(path.as_posix() for path in merged.files)}; `bilat build` publishes it")
    return EXIT_OK


def command_build(args: argparse.Namespace) -> int:
    """Validate the seeds and write the dataset, with its charts, to data/.

    Every problem in the seeds is reported, each as file:line:col: field: problem, and then
    nothing is written: data/ stays as the last good build left it.

    Example: bilat build --seeds seeds --out data
    """
    from bilat.build import build_checked, check
    from bilat.metadata import PLOTS_DIR

    had_plots = (args.out / PLOTS_DIR).is_dir()
    checked = check(args.seeds)
    tables = build_checked(checked, args.seeds, args.out, plots=not args.no_plots)
    _say_pending(checked.pending_drafts, "build")
    print(f"wrote {len(tables['events'])} events from {len(tables['documents'])} documents to {args.out.as_posix()}/")
    if args.no_plots and had_plots:
        print(
            f"bilat build: --no-plots leaves {PLOTS_DIR}/ out, so the charts that were in {args.out.as_posix()}/{PLOTS_DIR}/ are gone "
            "(they would no longer match the data); `bilat plot` draws them again",
            file=sys.stderr,
        )
    return EXIT_OK


def command_check(args: argparse.Namespace) -> int:
    """Validate the seeds; write nothing but a cache of what unchanged documents gave.

    The answer is the one a full build gives; only documents edited since the last check are
    read again (see the README on the cache).

    Example: bilat check --no-cache
    """
    from bilat.release import default_release_dir

    if args.no_cache:
        from bilat.build import check

        checked = check(args.seeds)
        events, documents, pending = len(checked.events), len(checked.seeds.documents), checked.pending_drafts
    else:
        from bilat.incremental import check_incremental, default_cache_dir

        summary = check_incremental(args.seeds, default_release_dir(args.seeds), default_cache_dir())
        events, documents, pending = summary.events, summary.documents, summary.pending_drafts
    print(f"ok: {events} events in {documents} documents")
    _say_pending(pending, "check")
    return EXIT_OK


def _say_pending(pending: dict[str, int], command: str) -> None:
    """Drafts are never published: say on stderr how many wait, and where."""
    if pending:
        where = ", ".join(f"{file} ({count})" for file, count in sorted(pending.items()))
        total = sum(pending.values())
        print(
            f"bilat {command}: {total} draft{'s' if total != 1 else ''} wait for `bilat review` (not published): {where}", file=sys.stderr
        )


def command_coverage(args: argparse.Namespace) -> int:
    """List the date expressions that no event's quotes contain and no dismissal explains.

    Exits 1 when there is any, so that it can guard a commit.

    Example: bilat coverage
    """
    from bilat.build import check
    from bilat.coverage import coverage_problems

    checked = check(args.seeds)
    uncovered = coverage_problems(checked)
    for problem in uncovered:
        print(problem)
    print(f"{len(uncovered)} date expressions not covered in {len(checked.seeds.documents)} documents")
    return EXIT_INPUT if uncovered else EXIT_OK


def command_mint(args: argparse.Namespace) -> int:
    """Give an ID to every event that has none.

    Example: bilat mint
    """
    from bilat.mint import mint_seeds

    minted = mint_seeds(args.seeds)
    for each in minted:
        print(each)
    print(f"minted {len(minted)} IDs")
    return EXIT_OK


def command_fmt(args: argparse.Namespace) -> int:
    """Rewrite the seed YAML files in their one canonical form.

    Every string is double-quoted and keys follow the schema's order, so that diffs stay clean.

    Example: bilat fmt --check
    """
    from bilat.mint import format_seeds

    changed = format_seeds(args.seeds, check_only=args.check)
    for path in changed:
        print(f"{path.as_posix()}: {'not canonical' if args.check else 'rewritten'}")
    return EXIT_INPUT if args.check and changed else EXIT_OK


def command_schema(args: argparse.Namespace) -> int:
    """Write the JSON Schemas of the seed files, for editors.

    Example: bilat schema --out schema
    """
    from bilat.build import write_schemas

    write_schemas(args.out)
    print(f"wrote JSON Schemas to {args.out.as_posix()}/")
    return EXIT_OK


def command_release(args: argparse.Namespace) -> int:
    """Record a new release: version, changes, CHANGELOG.md, CITATION.cff; rebuild data/.

    The version follows SemVer from what changed since the last release (major: a column
    changed; minor: events added; patch: corrections), unless --version says otherwise.

    Example: bilat release --date 2026-12-01
    """
    from bilat.build import cut_release

    entry, _ = cut_release(args.seeds, args.out, args.date, args.version)
    counts = f"{entry.added} added, {entry.changed} changed, {entry.merged} merged, {entry.retired} retired"
    print(f"released {entry.version} ({entry.date}): {counts}")
    return EXIT_OK


def command_diff(args: argparse.Namespace) -> int:
    """List the events added, changed (with the columns), merged (into which) and retired between two copies of data/.

    Example: bilat diff old/data data
    """
    from bilat.api import find_data_dir, read_table
    from bilat.release import event_delta

    old, new = (read_table(find_data_dir(directory), "events") for directory in (args.old, args.new))
    delta = event_delta(old, new, read_table(args.new, "retired"))
    for row in delta.itertuples():
        merged = f"into {row.merged_into}: {row.reason}" if isinstance(row.merged_into, str) else None
        detail = {"changed": row.fields, "merged": merged, "retired": row.reason}.get(row.change)
        print(f"{row.change:8} {row.event_id}" + (f"  {detail}" if isinstance(detail, str) else ""))
    print(f"{len(delta)} events differ")
    return EXIT_OK


def command_verify(args: argparse.Namespace) -> int:
    """Check a data directory against its SHA256SUMS; name each changed, missing or extra file.

    Example: bilat verify data
    """
    from bilat.publish import verify

    report = verify(args.data)
    for line in report:
        print(f"{args.data.as_posix()}/{line}")
    print(f"{args.data.as_posix()}: {'ok' if not report else f'{len(report)} files differ from SHA256SUMS'}")
    return EXIT_INPUT if report else EXIT_OK


def command_cite(args: argparse.Namespace) -> int:
    """Print a citation of one event.

    Example: bilat cite CB31KRM6G --format bibtex
    """
    from bilat.cite import citation, find_event

    print(citation(find_event(args.id, args.data), args.format))
    return EXIT_OK


def command_show(args: argparse.Namespace) -> int:
    """Print an event and each of its quotes inside its sentence.

    Example: bilat show CB31KRM6G
    """
    from bilat.cite import find_event, show

    print(show(find_event(args.id, args.data), args.data, args.seeds))
    return EXIT_OK


def command_plot(args: argparse.Namespace) -> int:
    """Draw the timelines from a data directory: one chart per dyad and an overview, SVG and PNG.

    Into the data directory's own plots/ (the default), its SHA256SUMS is brought up to date.

    Example: bilat plot --dyad IRN-RUS --out charts
    """
    from bilat.build import plot

    written = plot(args.data, args.out, args.dyad)
    print(f"wrote {len(written)} files to {written[0].parent.as_posix() if written else args.out}/")
    return EXIT_OK


def event_type(text: str) -> str:
    """An event type given on the command line (the models are imported only when one is given)."""
    from bilat.models import EVENT_TYPES

    if text not in EVENT_TYPES:
        raise argparse.ArgumentTypeError(f"{text!r} is no event type; the types are {', '.join(EVENT_TYPES)}")
    return text


def command_panel(args: argparse.Namespace) -> int:
    """Count the events per pair of actors and year, quarter or month, from a data directory.

    For each event type, <type>_min counts the events whose date bounds lie wholly inside the
    period (they certainly fall in it) and <type>_max those whose bounds overlap it (they may).
    A pair has a row for every period from the first to the last that its events' known bounds
    touch; an open side of a date reaches only as far as that. --directed counts from actor1 to
    actor2 by role, an agreement in both directions. The files are <panel>.parquet, .csv and .dta
    in the output directory; data/panels/ already holds the two year panels.

    Example: bilat panel --unit quarter --directed --type sale sanction --out panels
    """
    from bilat.build import panel

    name, frame, written = panel(args.data, args.out, args.unit, args.directed, args.type)
    pairs = frame["dyad"].nunique()
    print(f"wrote {name} ({len(frame)} rows, {pairs} pairs of actors) to {', '.join(path.as_posix() for path in written)}")
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        Command(
            command_add,
            (
                option("file", type=Path, metavar="FILE", help="the document's text, UTF-8"),
                option("--title", required=True, help="the headline, as printed"),
                option("--published", help="the publication date, EDTF: 2015-08-20, 2015-08, 2015-01-20/2015-04-13 (default: see above)"),
                option("--published-reason", help="how the publication date was worked out, when the text does not print it"),
                option("--author", help="the author, as the document names them"),
                option("--publisher", help="the outlet, as the document names it"),
                option("--url", help="where it was published"),
                option("--language", default="en", help="ISO 639-1 code of the text (default: en)"),
                SEEDS,
            ),
        ),
        Command(
            command_draft,
            (
                option("doc_ids", nargs="*", metavar="DOC_ID", help="the documents to draft (as `bilat add` printed their doc_id)"),
                option("--all", action="store_true", help="draft every document of the seeds"),
                option("--json", action="store_true", help="print the drafts as one JSON array, for scripts"),
                SEEDS,
            ),
        ),
        Command(
            command_review,
            (
                option("doc_id", metavar="DOC_ID", help="the document whose drafts to review"),
                option("--accept", nargs="+", type=int, metavar="N", help="accept these drafts, by number (as `bilat draft --json` gives)"),
                option(
                    "--attach",
                    nargs=2,
                    action="append",
                    metavar=("N", "EVENT_ID"),
                    help="attach draft N to EVENT_ID, an event another document codes, as this document's report of it (repeatable)",
                ),
                option("--reject", nargs="+", type=int, metavar="N", help="reject these drafts; needs --reason"),
                option("--reason", help="why the rejected drafts are not events"),
                option("--by", help="who validates, for the stamp (default: $BILAT_CODER)"),
                SEEDS,
            ),
        ),
        Command(
            command_dupes,
            (
                SEEDS,
                option("--min", type=float, default=0.5, metavar="SCORE", help="list pairs scoring at least this, 0 to 1 (default: 0.5)"),
                option("--fail", action="store_true", help="exit 1 when any pair is listed, for CI-style use"),
            ),
        ),
        Command(
            command_merge,
            (
                option("keep", metavar="KEEP", help="the event that stands for both"),
                option("gone", metavar="GONE", help="the event merged into KEEP and retired"),
                option("--reason", help='why they are one event, for the tombstone (default: "one event coded twice")'),
                option("--by", help="who validates the merged report, for its stamp (default: $BILAT_CODER)"),
                SEEDS,
            ),
        ),
        Command(
            command_build,
            (
                SEEDS,
                OUT_DATA,
                option(
                    "--no-plots", action="store_true", help="leave out plots/, removing the charts there (faster; `bilat plot` draws them)"
                ),
            ),
        ),
        Command(
            command_check, (SEEDS, option("--no-cache", action="store_true", help="check every document afresh; read and write no cache"))
        ),
        Command(command_coverage, (SEEDS,)),
        Command(command_mint, (SEEDS,)),
        Command(command_fmt, (SEEDS, option("--check", action="store_true", help="only list files that are not canonical; exit 1 if any"))),
        Command(command_schema, (option("--out", type=Path, default=Path("schema"), help="the output directory (default: schema)"),)),
        Command(
            command_release,
            (
                SEEDS,
                OUT_DATA,
                option("--date", default=dt.date.today().isoformat(), help="the release date, YYYY-MM-DD (default: today)"),
                option("--version", help="the new version, X.Y.Z (default: worked out from the changes by SemVer)"),
            ),
        ),
        Command(
            command_diff,
            (
                option("old", help="the older data directory", type=Path, metavar="OLD_DIR"),
                option("new", help="the newer data directory", type=Path, metavar="NEW_DIR"),
            ),
        ),
        Command(
            command_verify,
            (option("data", help="the data directory (default: data)", type=Path, nargs="?", default=Path("data"), metavar="DIR"),),
        ),
        Command(
            command_cite,
            (
                option("id", help="the event ID, e.g. CB31KRM6G (case, spaces and hyphens do not matter)", metavar="ID"),
                option("--format", choices=["text", "bibtex"], default="text", help="text (default) or bibtex"),
                DATA,
            ),
        ),
        Command(command_show, (option("id", help="the event ID, e.g. CB31KRM6G", metavar="ID"), DATA, SEEDS)),
        Command(
            command_plot,
            (
                DATA,
                option("--dyad", help="only this dyad's chart, e.g. IRN-RUS"),
                option("--out", type=Path, help="where to write (default: DATA/plots, with DATA/SHA256SUMS brought up to date)"),
            ),
        ),
        Command(
            command_panel,
            (
                option("--unit", choices=["year", "quarter", "month"], default="year", help="the period of a row (default: year)"),
                option("--directed", action="store_true", help="from actor1 to actor2 by role, an agreement in both directions"),
                option(
                    "--type",
                    nargs="+",
                    type=event_type,
                    metavar="TYPE",
                    help="count only these event types, e.g. sale sanction (default: all)",
                ),
                DATA,
                option("--out", type=Path, default=Path("panels"), help="the output directory, outside DATA (default: panels)"),
            ),
        ),
    )
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="bilat", description="Build the bilat dataset of bilateral defense and diplomatic events.")
    top.add_argument(
        "--version", action="version", version=f"bilat {importlib.metadata.version('bilat')}", help="print the version and exit"
    )
    subcommands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        sub = subcommands.add_parser(
            name, help=command.help, description=command.description, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        for argument in command.options:
            sub.add_argument(*argument.flags, **argument.settings)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command].handler(args)
    except InputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        noun = "problem" if len(err.problems) == 1 else "problems"
        print(f"bilat {args.command}: {len(err.problems)} {noun}; nothing was written", file=sys.stderr)
        return EXIT_INPUT
    except OutputError as err:
        print(f"bilat {args.command}: {err}; nothing was replaced", file=sys.stderr)
        return EXIT_INPUT
    except UsageError as err:
        for message in err.messages:
            print(f"bilat {args.command}: {message}", file=sys.stderr)
        return EXIT_USAGE
    except (CiteError, DataError) as err:
        print(f"bilat {args.command}: {err}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        print(f"bilat {args.command}: {where}{err.strerror or err}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as err:  # noqa: BLE001 - a user gets a message, never a traceback
        if os.environ.get("BILAT_DEBUG"):
            raise
        print(f"bilat {args.command}: internal error ({type(err).__name__}: {err}); set BILAT_DEBUG=1 to see where", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
