"""Load: read the seeds tree into validated records. Every problem in every file is collected.

Error policy: the loaders never raise for bad input. Each returns what it could read and appends
the problems of what it could not to the list it is given (or returns them beside it); a record
that fails validation is left out and the rest is kept, so later checks still run. Only
``read_yaml_model``, for the commands that rewrite one file (mint, fmt, release), raises InputError.

Layout::

    seeds/actors.yaml              the actor registry
    seeds/retired.yaml             tombstones of withdrawn event IDs
    seeds/<doc_id>/document.txt    the source text, byte for byte as received
    seeds/<doc_id>/events.yaml     its document block and coded events
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from bilat.edtf import Bounds, parse_edtf
from bilat.models import (
    Actor,
    ActorRegistry,
    Dismissal,
    DocumentMeta,
    Event,
    EventsFile,
    Quote,
    Rejection,
    Report,
    RetiredIds,
    Text,
    Tombstone,
)
from bilat.problems import InputError, Problem
from bilat.yamlio import MAX_PROBLEMS, MAX_YAML_BYTES, LocatedData, Locator, capped, decode_text, parse_yaml, read_regular

DOC_ID = re.compile(r"[0-9a-f]{16}")
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class SourceDocument:
    """A document and its coding. Events or dismissals that failed validation are left out
    (their problems are reported); each kept one carries its index in events.yaml."""

    doc_id: str
    text: str
    meta: DocumentMeta
    events: tuple[tuple[int, Event], ...]
    dismissed: tuple[tuple[int, Dismissal], ...]
    located: Locator
    published: Bounds
    """``meta.published`` as calendar bounds."""
    partial: tuple[tuple[str, int, PartialEvent], ...] = ()
    """Events and reports that failed validation, as far as their quotes can still be checked: (key, index, what is left)."""
    drafts: int = 0
    """Drafts waiting for review (never published)."""
    rejected: tuple[Rejection, ...] = ()
    reports: tuple[tuple[int, Report], ...] = ()
    """Events of other documents this one reports, each with its index in ``reports:``."""


@dataclass(frozen=True)
class PartialEvent:
    """The quotes and date text of an event that did not validate, so they are checked in the same run."""

    evidence: tuple[Quote, ...]
    date_text: str | None


@dataclass(frozen=True)
class Seeds:
    """Whatever validated, and the problems of whatever did not: later checks still run on the
    rest, so one run reports everything."""

    actors: tuple[tuple[int, Actor], ...]
    actor_codes: frozenset[str] | None
    """Every code the registry names, valid entry or not; None when actors.yaml is unreadable."""
    retired: tuple[tuple[int, Tombstone], ...]
    documents: tuple[SourceDocument, ...]
    located_actors: LocatedData | None
    located_retired: LocatedData | None
    problems: tuple[Problem, ...] = ()


def read_yaml_model(path: Path, display: str, model: type[M]) -> tuple[M, LocatedData]:
    """Parse and validate one YAML file; InputError names every problem in it."""
    try:
        raw = read_regular(path, display, MAX_YAML_BYTES)
    except OSError as err:
        raise InputError([Problem(display, 1, 1, "(file)", f"cannot read: {err.strerror}")]) from None
    located = parse_yaml(raw, display)
    return validate_located(located, model), located


def validate_located(located: LocatedData, model: type[M]) -> M:
    try:
        return model.model_validate(located.data)
    except ValidationError as err:
        raise InputError(_located_problems(located, model, _Invalid(err))) from None


_EMPTY_HINTS = {EventsFile: "; start from seeds/TEMPLATE.yaml", RetiredIds: '; write "retired: []" when no ID is retired'}


class _Invalid:
    """What pydantic found wrong with a file, as far as it is reported: the first MAX_PROBLEMS + 1
    errors (in the models' field order, then list order), how many there are, and (key, index) of
    every list item that has one of its own."""

    def __init__(self, err: ValidationError):
        errors = err.errors(include_url=False, include_context=False)
        self.first, self.count = errors[: MAX_PROBLEMS + 1], len(errors)
        self.failed_items = {e["loc"][:2] for e in errors}


def _located_problems(located: LocatedData, model: type[BaseModel], invalid: _Invalid) -> list[Problem]:
    if located.data is None:
        return [located.problem((), "the file is empty" + _EMPTY_HINTS.get(model, ""))]
    return capped([_locate_error(located, e) for e in invalid.first], invalid.count)


def _locate_error(located: LocatedData, error: Any) -> Problem:
    path = _data_path(located.data, error["loc"])
    message = error["msg"]
    given = error.get("input")
    if error["type"].endswith("_type") and not isinstance(given, (dict, list, str)):
        message += f" (YAML read {given!r} as {type(given).__name__}; quote it if it is text)"
    elif error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "union_tag_invalid":
        path = (*path, "type")
    return located.problem(path, message.removeprefix("Value error, "))


def _data_path(data: Any, loc: tuple) -> tuple:
    """pydantic's error location as a path in the file, without the union tags and validator
    names pydantic inserts; a missing key ends the path."""
    path: list = []
    for step in loc:
        if isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data) or isinstance(data, dict) and step in data:
            path.append(step)
            data = data[step]
        elif isinstance(data, dict) and step != data.get("type") and "[" not in str(step):
            path.append(step)
            break
    return tuple(path)


def seed_yaml_files(seeds_dir: Path) -> list[tuple[Path, type[BaseModel]]]:
    """Every YAML file of a seeds tree, with the model it holds."""
    files: list[tuple[Path, type[BaseModel]]] = [(seeds_dir / "actors.yaml", ActorRegistry), (seeds_dir / "retired.yaml", RetiredIds)]
    return files + [(folder / "events.yaml", EventsFile) for folder in document_folders(seeds_dir) if DOC_ID.fullmatch(folder.name)]


def document_folders(seeds_dir: Path) -> list[Path]:
    return [seeds_dir / name for name, _ in folder_entries(seeds_dir)]


def folder_entries(seeds_dir: Path) -> list[tuple[str, bool]]:
    """(name, is a symlink) of every folder in the seeds directory, in order, from one directory read."""
    if not seeds_dir.is_dir():
        return []
    with os.scandir(seeds_dir) as scan:
        return sorted((entry.name, entry.is_symlink()) for entry in scan if entry.is_dir())


@contextmanager
def loading() -> Iterator[None]:
    """No garbage collection while a tree loads, and what was loaded left out of it afterwards
    (``gc.freeze``): millions of small objects, no reference cycles, and they live to the end of
    the command, so collecting would only walk them again and again."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def load_seeds(seeds_dir: Path, each: Callable[[SourceDocument], None] | None = None) -> Seeds:
    """The whole tree; ``each`` is handed every document as soon as it is loaded."""
    lists = load_lists(seeds_dir)
    documents, problems = [], list(lists.problems)
    for folder in document_folders(seeds_dir):
        document, found = load_document(seeds_dir, folder)
        problems += found
        if document is not None:
            documents.append(document)
            if each is not None:
                each(document)
    return replace(lists, documents=tuple(documents), problems=tuple(problems))


def load_lists(seeds_dir: Path) -> Seeds:
    """The actor registry and the tombstones, with no documents."""
    label = seeds_dir.as_posix()
    if not seeds_dir.is_dir():
        return Seeds((), None, (), (), None, None, (Problem(label, 1, 1, "(seeds)", "no such directory"),))
    problems: list[Problem] = []
    located_actors = _parse(seeds_dir / "actors.yaml", f"{label}/actors.yaml", problems)
    actors = _salvage(located_actors, ActorRegistry, "actors", Actor, problems)
    located_retired = _parse(seeds_dir / "retired.yaml", f"{label}/retired.yaml", problems)
    retired = _salvage(located_retired, RetiredIds, "retired", Tombstone, problems)
    actor_codes = None
    if located_actors is not None:
        entries = _get(located_actors.data, "actors")
        entries = entries if isinstance(entries, list) else []
        actor_codes = frozenset(e["code"] for e in entries if isinstance(e, dict) and isinstance(e.get("code"), str))
    return Seeds(tuple(actors), actor_codes, tuple(retired), (), located_actors, located_retired, tuple(problems))


def load_document(seeds_dir: Path, folder: Path) -> tuple[SourceDocument | None, list[Problem]]:
    """One document folder and its problems; None when its document block or text is unusable."""
    problems: list[Problem] = []
    return _load_document(seeds_dir, folder, seeds_dir.as_posix(), problems), problems


def _parse(path: Path, display: str, problems: list[Problem]) -> LocatedData | None:
    try:
        return parse_yaml(read_regular(path, display, MAX_YAML_BYTES), display)
    except OSError as err:
        problems.append(Problem(display, 1, 1, "(file)", f"cannot read: {err.strerror}"))
    except InputError as err:
        problems += err.problems
    return None


def _salvage(located: LocatedData | None, model: type[BaseModel], key: str, item: type[M], problems: list[Problem]) -> list[tuple[int, M]]:
    """The items of ``located.data[key]`` that validate, with their indexes. When the whole file
    validates that is all of them; otherwise its problems are reported and the rest is kept."""
    if located is None:
        return []
    try:
        return list(enumerate(getattr(model.model_validate(located.data), key)))
    except ValidationError as err:
        invalid = _Invalid(err)
        problems += _located_problems(located, model, invalid)
        return _salvage_items(located, key, item, invalid.failed_items)


def _load_document(seeds_dir: Path, folder: Path, label: str, problems: list[Problem]) -> SourceDocument | None:
    """Its problems go to ``problems``. An events.yaml with bad events still has its text and good events checked."""
    display = f"{label}/{folder.name}"
    if not DOC_ID.fullmatch(folder.name):
        problems.append(Problem(display, 1, 1, "doc_id", "a document folder is named by its 16-hex-digit doc_id"))
        return None
    if folder.is_symlink() or folder.parent != seeds_dir:
        problems.append(Problem(display, 1, 1, "doc_id", "a document folder must lie inside the seeds directory"))
        return None
    located = _parse(folder / "events.yaml", f"{display}/events.yaml", problems)
    if located is None:
        return None
    partial: list[tuple[str, int, PartialEvent]] = []
    try:
        coded = EventsFile.model_validate(located.data)
        meta, events, dismissed = coded.document, list(enumerate(coded.events)), list(enumerate(coded.dismissed))
        drafts, rejected, reports = len(coded.drafts), tuple(coded.rejected), list(enumerate(coded.reports))
    except ValidationError as err:
        invalid = _Invalid(err)
        problems += _located_problems(located, EventsFile, invalid)
        failed = invalid.failed_items
        meta = _valid_or_none(DocumentMeta, _get(located.data, "document"))
        events, dismissed = _salvage_items(located, "events", Event, failed), _salvage_items(located, "dismissed", Dismissal, failed)
        partial = [*_partial_events(located, failed, "events"), *_partial_events(located, failed, "reports")]
        reports = _salvage_items(located, "reports", Report, failed)
        raw_drafts = _get(located.data, "drafts")
        drafts = len(raw_drafts) if isinstance(raw_drafts, list) else 0
        rejected = tuple(rejection for _, rejection in _salvage_items(located, "rejected", Rejection, failed))
    text = _read_text(folder / "document.txt", display, located, problems)
    if meta is None or text is None:
        return None
    published = parse_edtf(meta.published)
    return SourceDocument(
        folder.name,
        text,
        meta,
        tuple(events),
        tuple(dismissed),
        located.locator,
        published,
        tuple(partial),
        drafts,
        rejected,
        tuple(reports),
    )


def _partial_events(located: LocatedData, failed: set[tuple], key: str) -> list[tuple[str, int, PartialEvent]]:
    """What can still be checked of each event (or report, by ``key``) that failed validation: its quotes and its date text."""
    raw = _get(located.data, key)
    found = []
    for i, entry in enumerate(raw if isinstance(raw, list) else []):
        if (key, i) not in failed or not isinstance(entry, dict):
            continue
        evidence = _valid_or_none(list[Quote], entry.get("evidence"))
        date_text = _valid_or_none(Text, entry.get("date_text")) if entry.get("date_text") is not None else None
        if evidence:
            found.append((key, i, PartialEvent(tuple(evidence), date_text)))
    return found


@functools.cache
def _adapter(model: type[M]) -> TypeAdapter[M]:
    return TypeAdapter(model)


def _valid_or_none(model: type[M], data: Any) -> M | None:
    try:
        return _adapter(model).validate_python(data)
    except ValidationError:
        return None


def _salvage_items(located: LocatedData, key: str, item: type[M], failed: set[tuple]) -> list[tuple[int, M]]:
    """The items of ``located.data[key]`` that have no problem (are not ``failed``), validated."""
    raw = _get(located.data, key)
    found = ((i, _valid_or_none(item, entry)) for i, entry in enumerate(raw if isinstance(raw, list) else []) if (key, i) not in failed)
    return [(i, model) for i, model in found if model is not None]


def _read_text(path: Path, display: str, located: LocatedData, problems: list[Problem]) -> str | None:
    """document.txt, decoded, with its sha256 checked against the events.yaml block."""
    try:
        raw = read_regular(path, f"{display}/document.txt", MAX_DOCUMENT_BYTES)
        text = decode_text(raw, f"{display}/document.txt")
    except OSError as err:
        problems.append(located.problem(("document",), f"cannot read document.txt: {err.strerror}", "document"))
        return None
    except InputError as err:
        problems += err.problems
        return None
    expected, actual = _get(located.data, "document", "sha256"), hashlib.sha256(raw).hexdigest()
    if isinstance(expected, str) and actual != expected:
        message = f"document.txt has sha256 {actual}: the text was edited after coding, or the hash is wrong"
        problems.append(located.problem(("document", "sha256"), message))
    return text


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data
