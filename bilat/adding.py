"""``bilat add``: a new source document into the seeds tree, byte for byte, with its document
block filled in and no events yet.

Load (the file and the options) → Process (``new_document``: validate, find the doc_id and a
printed date) → Save (``save_document``: the folder appears whole or not at all).
"""

from __future__ import annotations

import calendar
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bilat.dates import DateError, DateNormalizer
from bilat.edtf import Bounds, Precision
from bilat.models import DocumentMeta, EventsFile, PublishedBasis
from bilat.problems import InputError, Problem, UsageError
from bilat.seeds import DOC_ID, MAX_DOCUMENT_BYTES, document_folders
from bilat.yamlio import canonical_yaml, decode_text, read_regular

DATE_LINES = 15
"""A printed publication date is looked for in this many first lines (mastheads, bylines, datelines)."""
_MONTHS = "|".join(sorted({*calendar.month_name[1:], *calendar.month_abbr[1:]} - {""}, key=len, reverse=True))
_FULL_DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s+(?:{_MONTHS})\.?,?\s+\d{{4}}|(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b", re.IGNORECASE
)


@dataclass(frozen=True)
class NewDocument:
    doc_id: str
    raw: bytes
    meta: DocumentMeta
    date_line: str | None
    """The words a proposed publication date was read from, when ``--published`` was not given."""


def doc_id_of(raw: bytes) -> str:
    """The first 16 hex digits of the text's sha256."""
    return hashlib.sha256(raw).hexdigest()[:16]


def printed_date(text: str, language: str) -> tuple[str, str] | None:
    """(EDTF day, the words as printed) of the first full date in the document's first lines, or None.
    Only a date with its year counts: a dateline's "March 3" could be any year."""
    reader = DateNormalizer(language)
    unknown = Bounds(None, None, Precision.unknown)
    for line in text.splitlines()[:DATE_LINES]:
        for found in _FULL_DATE.finditer(line):
            try:
                date = reader.from_text(found.group(), unknown, forward=False)
            except DateError:
                continue
            if date.precision == Precision.day:
                return date.edtf, found.group()
    return None


def new_document(raw: bytes, source: str, options: dict[str, Any]) -> NewDocument:
    """The document block for ``raw`` (the file ``source``) and ``options`` (the command's, by
    field name); InputError or UsageError with every problem found."""
    if not raw.strip():
        raise InputError([Problem(source, 1, 1, "(file)", "the file is empty; there is nothing to code")])
    text = decode_text(raw, source)
    fields = {name: value for name, value in options.items() if value is not None}
    fields.setdefault("language", "en")
    date_line = None
    if "published" not in fields:
        found = printed_date(text, fields["language"])
        if found is not None:
            fields["published"], date_line = found
            fields.setdefault("published_basis", PublishedBasis.printed.value)
            fields.setdefault("published_reason", f"Proposed by bilat add from the words {date_line!r} near the top of the text; check it.")
        else:
            fields["published"] = "../.."
            fields.setdefault("published_basis", PublishedBasis.unknown.value)
    fields.setdefault("published_basis", PublishedBasis.inferred.value if fields.get("published_reason") else PublishedBasis.printed.value)
    fields["sha256"] = hashlib.sha256(raw).hexdigest()
    try:
        meta = DocumentMeta.model_validate(fields)
    except ValidationError as err:
        raise UsageError([_option_problem(error) for error in err.errors()]) from None
    return NewDocument(doc_id_of(raw), raw, meta, date_line)


def _option_problem(error: dict) -> str:
    field = str(error["loc"][0]) if error["loc"] else "published"
    flag = {"published_basis": "--published-reason", "sha256": "FILE"}.get(field, "--" + field.replace("_", "-"))
    return f"{flag}: {error['msg'].removeprefix('Value error, ')}"


def already_present(raw: bytes, seeds_dir: Path) -> str | None:
    """The doc_id of a document in the tree with the same text, if there is one."""
    digest = hashlib.sha256(raw).hexdigest()
    for folder in document_folders(seeds_dir):
        if folder.name == digest[:16]:
            return folder.name
        path = folder / "document.txt"
        try:
            if (
                DOC_ID.fullmatch(folder.name)
                and hashlib.sha256(read_regular(path, path.as_posix(), MAX_DOCUMENT_BYTES)).hexdigest() == digest
            ):
                return folder.name
        except (OSError, InputError):
            continue
    return None


def save_document(document: NewDocument, seeds_dir: Path) -> Path:
    """Write ``seeds/<doc_id>/``: document.txt byte for byte and events.yaml in canonical form.
    The folder is made beside its place and renamed into it, so it is there whole or not at all."""
    folder = seeds_dir / document.doc_id
    coded = EventsFile(document=document.meta, events=[])
    staging = Path(tempfile.mkdtemp(prefix=f".{document.doc_id}.", dir=seeds_dir))
    try:
        (staging / "document.txt").write_bytes(document.raw)
        (staging / "events.yaml").write_text(canonical_yaml(coded), encoding="utf-8")
        os.chmod(staging, 0o755)
        staging.rename(folder)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def add_document(file: Path, seeds_dir: Path, options: dict[str, Any]) -> NewDocument:
    """``bilat add``: refuse, with every reason, or add the document and return it."""
    label = file.as_posix()
    try:
        raw = read_regular(file.resolve(), label, MAX_DOCUMENT_BYTES)  # a link to the article is fine; a FIFO or device is not
    except OSError as err:
        raise InputError([Problem(label, 1, 1, "(file)", f"cannot read: {err.strerror or err}")]) from None
    if not seeds_dir.is_dir():
        raise InputError([Problem(seeds_dir.as_posix(), 1, 1, "(seeds)", "no such directory; give --seeds DIR")])
    if (present := already_present(raw, seeds_dir)) is not None:
        raise InputError([Problem(label, 1, 1, "(file)", f"this text is already in the seeds as doc_id {present}")])
    document = new_document(raw, label, options)
    save_document(document, seeds_dir)
    return document
