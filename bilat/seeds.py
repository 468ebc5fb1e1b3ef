"""Load: read the seeds tree into validated records. Every problem in every file is collected.

Layout::

    seeds/actors.yaml              the actor registry
    seeds/retired.yaml             tombstones of withdrawn event IDs
    seeds/<doc_id>/document.txt    the source text, byte for byte as received
    seeds/<doc_id>/events.yaml     its document block and coded events
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bilat.models import ActorRegistry, EventsFile, RetiredIds
from bilat.problems import InputError, Problem
from bilat.yamlio import LocatedData, decode_text, parse_yaml

DOC_ID = re.compile(r"[0-9a-f]{16}")
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class SourceDocument:
    doc_id: str
    text: str
    coded: EventsFile
    located: LocatedData


@dataclass(frozen=True)
class Seeds:
    """Whatever loaded, and the problems of whatever did not: later checks still run on the
    rest, so one run reports everything. ``actors`` or ``retired`` is None when its file failed."""

    actors: ActorRegistry | None
    retired: RetiredIds | None
    documents: tuple[SourceDocument, ...]
    located_actors: LocatedData | None
    located_retired: LocatedData | None
    problems: tuple[Problem, ...] = ()


def read_yaml_model(path: Path, display: str, model: type[M]) -> tuple[M, LocatedData]:
    """Parse and validate one YAML file; InputError names every problem in it."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError([Problem(display, 1, 1, "(file)", f"cannot read: {err.strerror}")]) from None
    located = parse_yaml(raw, display)
    return validate_located(located, model), located


def validate_located(located: LocatedData, model: type[M]) -> M:
    try:
        return model.model_validate(located.data)
    except ValidationError as err:
        raise InputError([_locate_error(located, e) for e in err.errors()]) from None


def _locate_error(located: LocatedData, error: Any) -> Problem:
    path = _data_path(located.data, error["loc"])
    message = error["msg"]
    given = error.get("input")
    if error["type"].endswith("_type") and error["type"] != "model_type" and not isinstance(given, (dict, list)):
        message += f" (YAML read {given!r} as {type(given).__name__}; quote it if it is text)"
    elif error["type"] == "extra_forbidden":
        message = "unknown key"
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


def load_seeds(seeds_dir: Path) -> Seeds:
    label = seeds_dir.as_posix()
    if not seeds_dir.is_dir():
        return Seeds(None, None, (), None, None, (Problem(label, 1, 1, "(seeds)", "no such directory"),))
    problems: list[Problem] = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except InputError as err:
            problems.extend(err.problems)
            return None

    actors = attempt(read_yaml_model, seeds_dir / "actors.yaml", f"{label}/actors.yaml", ActorRegistry) or (None, None)
    retired = attempt(read_yaml_model, seeds_dir / "retired.yaml", f"{label}/retired.yaml", RetiredIds) or (None, None)
    documents = [attempt(_load_document, seeds_dir, entry, label) for entry in sorted(seeds_dir.iterdir()) if entry.is_dir()]
    loaded = tuple(d for d in documents if d is not None)
    return Seeds(actors[0], retired[0], loaded, actors[1], retired[1], tuple(problems))


def _load_document(seeds_dir: Path, folder: Path, label: str) -> SourceDocument:
    """One document folder; an events.yaml that does not validate still has its text checked."""
    display = f"{label}/{folder.name}"
    if not DOC_ID.fullmatch(folder.name):
        raise InputError([Problem(display, 1, 1, "doc_id", "a document folder is named by its 16-hex-digit doc_id")])
    if folder.is_symlink() or not folder.resolve().is_relative_to(seeds_dir.resolve()):
        raise InputError([Problem(display, 1, 1, "doc_id", "a document folder must lie inside the seeds directory")])
    events_path, text_path = folder / "events.yaml", folder / "document.txt"
    try:
        located = parse_yaml(events_path.read_bytes(), f"{display}/events.yaml")
    except OSError as err:
        raise InputError([Problem(f"{display}/events.yaml", 1, 1, "(file)", f"cannot read: {err.strerror}")]) from None
    problems: list[Problem] = []
    try:
        coded = validate_located(located, EventsFile)
    except InputError as err:
        problems += err.problems
        coded = None
    text = None
    try:
        if text_path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise InputError([Problem(f"{display}/document.txt", 1, 1, "(file)", f"over the {MAX_DOCUMENT_BYTES}-byte limit")])
        raw = text_path.read_bytes()
        text = decode_text(raw, f"{display}/document.txt")
        expected, actual = _get(located.data, "document", "sha256"), hashlib.sha256(raw).hexdigest()
        if isinstance(expected, str) and actual != expected:
            message = f"document.txt has sha256 {actual}: the text was edited after coding, or the hash is wrong"
            problems.append(located.problem(("document", "sha256"), message))
    except OSError as err:
        problems.append(located.problem(("document",), f"cannot read document.txt: {err.strerror}", "document"))
    except InputError as err:
        problems += err.problems
    if problems:
        raise InputError(problems)
    return SourceDocument(folder.name, text, coded, located)


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data
