"""``bilat review`` at a terminal: each draft with its sentence in context and its cues, and one
key to accept, edit (in ``$EDITOR``), reject with a reason, skip or quit. Every verdict is saved
as it is given, so quitting keeps what was done."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, TextIO

import yaml
from pydantic import TypeAdapter, ValidationError

from bilat.dates import DateError, DateNormalizer
from bilat.drafts import Tree, draft_date, review, save
from bilat.evidence import fold_document, in_its_sentence, locate
from bilat.ids import canonical_id
from bilat.models import Draft, DraftBase, EventsFile, pair_text
from bilat.problems import UsageError
from bilat.seeds import SourceDocument
from bilat.yamlio import dump_canonical


class Tally(NamedTuple):
    accepted: int
    attached: int
    rejected: int
    left: int
    """Drafts still waiting."""


KEYS = "[a]ccept  a[t]tach to an event  [e]dit  [r]eject  [s]kip  [q]uit"


def describe(draft: DraftBase, number: int, total: int, document: SourceDocument, normalizer: DateNormalizer) -> str:
    """What the coder reads before deciding: the draft, each quote in its sentence, and its cues."""
    try:
        date = draft_date(draft, document, normalizer)
        when = f"{date.edtf} ({date.precision.value}, {date.basis.value})"
    except DateError as err:
        when = f"no date yet: {err}"
    lines = [
        f"draft {number} of {total}: {draft.type} {draft.status.value} {pair_text(draft.type, draft.actor1, draft.actor2)}, {when}",
        f"  {draft.summary}",
    ]
    if draft.possible_duplicate:
        lines.append(f"  possible duplicate of event {draft.possible_duplicate} (coded from another document): [t] attaches it as a report")
    folded = fold_document(document.text)
    for quote in draft.evidence:
        try:
            match = locate(quote.quote, folded, quote.occurrence)
            lines.append("  > " + in_its_sentence(document.text, match.char_start, match.char_end))
        except ValueError as err:
            lines.append(f"  > {quote.quote!r} ({err})")
    lines += ["  cues:", *(f"    - {cue}" for cue in draft.cues)]
    return "\n".join(lines)


class Keys:
    """Keys pressed at a terminal, one at a time (whole lines elsewhere). The terminal stays in
    cbreak mode for the whole review, so that a key pressed before the prompt is not lost, and
    goes back to lines only to read a reason."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.descriptor = stream.fileno() if stream.isatty() else None
        self.saved: list | None = None

    def __enter__(self) -> Keys:
        if self.descriptor is not None:
            import termios
            import tty

            self.saved = termios.tcgetattr(self.descriptor)
            tty.setcbreak(self.descriptor)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            import termios

            termios.tcsetattr(self.descriptor, termios.TCSADRAIN, self.saved)

    def key(self) -> str:
        if self.descriptor is None:
            return self.stream.readline().strip()[:1].lower()
        return os.read(self.descriptor, 1).decode("utf-8", "replace").lower()

    def line(self) -> str:
        if self.saved is None:
            return self.stream.readline().strip()
        import termios

        termios.tcsetattr(self.descriptor, termios.TCSADRAIN, self.saved)
        try:
            return self.stream.readline().strip()
        finally:
            import tty

            tty.setcbreak(self.descriptor)


def edit_in_editor(draft: DraftBase, editor: str) -> DraftBase:
    """The draft after the coder edited its YAML in ``editor``; ValueError with pydantic's reasons when it does not validate."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as handle:
        handle.write(dump_canonical(draft.model_dump(mode="json", exclude_none=True)))
        path = Path(handle.name)
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=True)
        edited = yaml.safe_load(path.read_text(encoding="utf-8"))
        return TypeAdapter(Draft).validate_python(edited)
    except ValidationError as err:
        raise ValueError("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())) from None
    except (subprocess.CalledProcessError, OSError, yaml.YAMLError) as err:
        raise ValueError(f"the edit could not be read: {err}") from None
    finally:
        path.unlink(missing_ok=True)


def review_at_terminal(
    path: Path,
    coded: EventsFile,
    document: SourceDocument,
    tree: Tree,
    by: str,
    stdin: TextIO = sys.stdin,
    out: Callable[[str], None] = print,
) -> Tally:
    """Go through the drafts one by one."""
    normalizer = DateNormalizer(document.meta.language)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with Keys(stdin) as keys:
        return _go_through(path, coded, document, tree, by, keys, out, normalizer, editor)


def _go_through(
    path: Path,
    coded: EventsFile,
    document: SourceDocument,
    tree: Tree,
    by: str,
    keys: Keys,
    out: Callable[[str], None],
    normalizer: DateNormalizer,
    editor: str,
) -> Tally:
    accepted = rejected = attached = 0
    position, seen = 0, 0
    total = len(coded.drafts)
    while position < len(coded.drafts):
        seen += 1
        draft = coded.drafts[position]
        out(describe(draft, seen, total, document, normalizer))
        out(KEYS + " > ")
        key = keys.key()
        if key == "a":
            try:
                coded, verdict = review(coded, document, tree, accept=[position + 1], by=by, on=dt.date.today())
            except UsageError as err:
                out("cannot accept it as it stands:\n" + "\n".join(f"  {p}" for p in err.messages) + "\nedit it, reject it or skip it")
                seen -= 1
                continue
            save(path, coded)
            accepted += 1
            out(f"accepted as event {verdict.accepted[0][1]}")
        elif key == "t":
            default = draft.possible_duplicate
            out(f"attach as a report of which event? [{default}] " if default else "attach as a report of which event? (its ID) ")
            event_id = canonical_id(keys.line()) or default
            try:
                if not event_id:
                    raise UsageError(["no event ID given; nothing done"])
                coded, _ = review(coded, document, tree, attach=[(position + 1, event_id)], by=by, on=dt.date.today())
            except UsageError as err:
                out("cannot attach it:\n" + "\n".join(f"  {p}" for p in err.messages))
                seen -= 1
                continue
            save(path, coded)
            attached += 1
            out(f"attached as a report of {event_id}")
        elif key == "r":
            out("why is it not an event? ")
            reason = keys.line()
            if not reason:
                out("a rejection needs a reason; nothing done")
                seen -= 1
                continue
            coded, _ = review(coded, document, tree, reject=[position + 1], reason=reason, by=by, on=dt.date.today())
            save(path, coded)
            rejected += 1
            out("rejected")
        elif key == "e":
            try:
                edited = edit_in_editor(draft, editor)
            except ValueError as err:
                out(f"the edited draft does not validate, so it is unchanged: {err}")
            else:
                coded = coded.model_copy(update={"drafts": [*coded.drafts[:position], edited, *coded.drafts[position + 1 :]]})
                save(path, coded)
                out("edited")
            seen -= 1
        elif key == "s":
            position += 1
        elif key == "q" or key == "":
            break
        else:
            out(f"{key!r} is not one of {KEYS}")
            seen -= 1
    return Tally(accepted, attached, rejected, len(coded.drafts))
