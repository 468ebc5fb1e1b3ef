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
    actors: ActorRegistry
    retired: RetiredIds
    documents: tuple[SourceDocument, ...]
    located_actors: LocatedData
    located_retired: LocatedData


def read_yaml_model(path: Path, display: str, model: type[M]) -> tuple[M, LocatedData]:
    """Parse and validate one YAML file; InputError names every problem in it."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError([Problem(display, 1, 1, "(file)", f"cannot read: {err.strerror}")]) from None
    located = parse_yaml(raw, display)
    try:
        return model.model_validate(located.data), located
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
    problems: list[Problem] = []
    label = seeds_dir.as_posix()

    def attempt(fn, *args):
        try:
            return fn(*args)
        except InputError as err:
            problems.extend(err.problems)
            return None

    actors = attempt(read_yaml_model, seeds_dir / "actors.yaml", f"{label}/actors.yaml", ActorRegistry)
    retired = attempt(read_yaml_model, seeds_dir / "retired.yaml", f"{label}/retired.yaml", RetiredIds)
    documents = []
    for entry in sorted(seeds_dir.iterdir()) if seeds_dir.is_dir() else []:
        if entry.is_dir():
            document = attempt(_load_document, seeds_dir, entry, label)
            if document is not None:
                documents.append(document)
    if not seeds_dir.is_dir():
        problems.append(Problem(label, 1, 1, "(seeds)", "no such directory"))
    if problems:
        raise InputError(problems)
    return Seeds(actors[0], retired[0], tuple(documents), actors[1], retired[1])


def _load_document(seeds_dir: Path, folder: Path, label: str) -> SourceDocument:
    display = f"{label}/{folder.name}"
    if not DOC_ID.fullmatch(folder.name):
        raise InputError([Problem(display, 1, 1, "doc_id", "a document folder is named by its 16-hex-digit doc_id")])
    if folder.is_symlink() or not folder.resolve().is_relative_to(seeds_dir.resolve()):
        raise InputError([Problem(display, 1, 1, "doc_id", "a document folder must lie inside the seeds directory")])
    coded, located = read_yaml_model(folder / "events.yaml", f"{display}/events.yaml", EventsFile)
    text_path = folder / "document.txt"
    try:
        if text_path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise InputError([Problem(f"{display}/document.txt", 1, 1, "(file)", f"over the {MAX_DOCUMENT_BYTES}-byte limit")])
        raw = text_path.read_bytes()
    except OSError as err:
        raise InputError([located.problem(("document",), f"cannot read document.txt: {err.strerror}", "document")]) from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != coded.document.sha256:
        raise InputError(
            [
                located.problem(
                    ("document", "sha256"),
                    f"document.txt has sha256 {digest}: the text was edited after coding, or the hash is wrong",
                )
            ]
        )
    return SourceDocument(folder.name, decode_text(raw, f"{display}/document.txt"), coded, located)
