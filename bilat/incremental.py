"""``bilat check`` after an edit: only the documents that changed are read and coded again.

What checking one document found (its problems, and the facts the checks across documents need)
is kept in a cache, keyed by the sha256 of its two files, the registry's actor codes, the seeds
path as reported and the code that did the checking (bilat's sources and the versions of the
libraries that read YAML, validate and parse dates). dateparser's readings of date texts are kept
too, since an edit seldom brings a date text that no document had. The checks across documents, the registry,
the tombstones and the release run every time. The answer is the one ``bilat.build.check`` gives.

As in git's index, a file whose size, times and inode are those it had when it was hashed is not
read again, unless it was modified so close to the cache's writing that a later edit could share
its timestamp.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import marshal
import os
import stat
import sys
import time
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import NamedTuple

from bilat.dates import DateNormalizer, DateReader
from bilat.drafting.support import Support
from bilat.models import Actor
from bilat.normalize import DocumentFacts, EventFacts, ReportFacts, code_document, date_texts, tree_problems, with_languages
from bilat.problems import InputError, Problem
from bilat.progress import Progress
from bilat.release import RECORD_FILE, SNAPSHOT_FILE, ReleasedIds, released_ids
from bilat.seeds import DOC_ID, SourceDocument, folder_entries, load_document, load_lists, loading
from bilat.yamlio import Locator

CACHE_FORMAT = 8
RACY_NS = 2_000_000_000
"""Files modified this close to the cache's writing are hashed again: a coarse clock could give a later edit the same time."""
LIBRARIES = ("pydantic", "pydantic-core", "dateparser", "PyYAML", "regex", "countrycode", "countryinfo")
SEED_FILES = ("events.yaml", "document.txt")

Stat = tuple[int, int, int, int]
"""size, mtime_ns, ctime_ns, inode of a regular file."""


@dataclass(frozen=True)
class Summary:
    events: int
    documents: int
    pending_drafts: dict[str, int]
    """Drafts waiting for review, by events.yaml file."""


class _Entry(NamedTuple):
    """What checking one document folder found. Plain tuples throughout, for ``marshal``."""

    stats: tuple[Stat | None, Stat | None]
    digest: str
    loaded: bool
    """Whether the document loaded (its block and text were usable)."""
    load_problems: tuple[tuple, ...]
    problems: tuple[tuple, ...]
    events: tuple[tuple, ...]
    """EventFacts, as tuples."""
    drafts: int
    """Drafts waiting for review."""
    reports: tuple[tuple, ...]
    """ReportFacts, as tuples."""


class _Release(NamedTuple):
    digest: str
    version: str | None
    doc_of: dict[str, str]


def default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bilat"


def check_incremental(seeds_dir: Path, release_dir: Path, cache_dir: Path) -> Summary:
    """What ``check`` says, reusing what an earlier run found in unchanged documents; InputError
    lists every problem. Writes only the cache."""
    with loading():
        return _check(seeds_dir, release_dir, cache_dir)


def _check(seeds_dir: Path, release_dir: Path, cache_dir: Path) -> Summary:
    lists = load_lists(seeds_dir)
    registry = [actor for _, actor in lists.actors]
    key = _context_key(seeds_dir, lists.actor_codes, registry)
    cache_file = cache_dir / f"check-{hashlib.sha256(str(seeds_dir.resolve()).encode()).hexdigest()[:16]}.marshal"
    written_ns, cached, cached_release, readings = _read_cache(cache_file, key)
    known_readings = sum(map(len, readings.values()))
    entries: dict[str, _Entry | None] = {}
    for name, is_symlink in folder_entries(seeds_dir):
        entries[name] = None if is_symlink or not DOC_ID.fullmatch(name) else _reuse(cached.get(name), f"{seeds_dir}/{name}", written_ns)
    # Every document that changed is loaded first, so that dateparser can read their dates on the other cores meanwhile.
    changed = [name for name, entry in entries.items() if entry is None]
    with DateReader() as reader, Progress("loading changed documents", len(changed)) as progress:
        loaded = {}
        for name in changed:
            loaded[name] = _load(seeds_dir, seeds_dir / name, reader)
            progress.step()
        read_ahead = reader.normalizers()
    languages = {document.meta.language for _, _, document, _ in loaded.values() if document is not None}
    normalizers = with_languages({language: DateNormalizer(language, memo) for language, memo in readings.items()}, languages)
    for language, normalizer in read_ahead.items():
        normalizers[language].readings.update(normalizer.readings)
    support = Support(registry)
    for name, (stats, digest, document, load_problems) in loaded.items():
        coding = None if document is None else code_document(document, lists.actor_codes, normalizers[document.meta.language], support)
        entries[name] = _Entry(
            stats,
            digest,
            coding is not None,
            load_problems,
            tuple(map(astuple, coding.problems)) if coding else (),
            tuple(map(tuple, coding.facts.events)) if coding else (),
            document.drafts if document is not None else 0,
            tuple(map(tuple, coding.facts.reports)) if coding else (),
        )

    label = seeds_dir.as_posix()
    facts = [
        DocumentFacts(
            name,
            Locator(f"{label}/{name}/events.yaml", path=f"{seeds_dir}/{name}/events.yaml"),
            tuple(map(EventFacts._make, entry.events)),
            tuple(map(ReportFacts._make, entry.reports)),
        )
        for name, entry in entries.items()
        if entry.loaded
    ]
    release_problems: list[Problem] = []
    release = _release(release_dir, cached_release, release_problems)
    readings = {language: normalizer.readings for language, normalizer in normalizers.items()}
    if entries != cached or release != cached_release or sum(map(len, readings.values())) != known_readings:
        _write_cache(cache_file, (key, time.time_ns(), {name: tuple(entry) for name, entry in entries.items()}, tuple(release), readings))
    problems = tree_problems(
        lists,
        [*lists.problems, *(Problem(*p) for entry in entries.values() for p in entry.load_problems)],
        facts,
        [Problem(*p) for entry in entries.values() for p in entry.problems],
        ReleasedIds(release.version, release.doc_of),
        release_problems,
        label,
    )
    if problems:
        raise InputError(problems)
    pending = {f"{label}/{name}/events.yaml": entry.drafts for name, entry in entries.items() if entry.loaded and entry.drafts}
    return Summary(sum(len(document.events) for document in facts), len(facts), pending)


def _load(seeds_dir: Path, folder: Path, reader: DateReader) -> tuple[tuple[Stat | None, Stat | None], str, SourceDocument | None, tuple]:
    """(stats, digest, the document or None, its loading problems as tuples); its dates go to ``reader``."""
    stats = _stats(str(folder))  # before reading, so that an edit made while reading shows next time
    # Only regular files are hashed: never read what a symlink or a device would hand out.
    digest = _folder_digest(str(folder)) if None not in stats and not folder.is_symlink() else ""
    document, load_problems = load_document(seeds_dir, folder)
    if document is not None:
        reader.add(document.meta.language, date_texts(document))
    return stats, digest, document, tuple(map(astuple, load_problems))


def _reuse(entry: _Entry | None, folder: str, written_ns: int) -> _Entry | None:
    """The cached entry, if the folder's files are what they were when it was made."""
    if entry is None:
        return None
    stats = _stats(folder)
    if None in stats:
        return None
    if stats == entry.stats and all(max(s[1], s[2]) < written_ns - RACY_NS for s in stats):
        return entry
    if _folder_digest(folder) != entry.digest:
        return None
    return entry._replace(stats=stats)


def _stats(folder: str) -> tuple[Stat | None, Stat | None]:
    def stat_of(path: str) -> Stat | None:
        try:
            found = os.lstat(path)
        except OSError:
            return None
        return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino) if stat.S_ISREG(found.st_mode) else None

    return stat_of(f"{folder}/{SEED_FILES[0]}"), stat_of(f"{folder}/{SEED_FILES[1]}")


def _folder_digest(folder: str) -> str:
    return " ".join(_digest(f"{folder}/{name}") for name in SEED_FILES)


def _digest(path: str | Path) -> str:
    """The sha256 of a regular file; "-" for anything else (a FIFO would block), which the readers then refuse in words."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return "-"
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return "-"


def _release(release_dir: Path, cached: _Release, problems: list[Problem]) -> _Release:
    """The last release's IDs, read again only when its files changed; a broken record adds its problems."""
    digest = " ".join(_digest(release_dir / name) for name in (RECORD_FILE, SNAPSHOT_FILE))
    if digest == cached.digest:
        return cached
    try:
        released = released_ids(release_dir)
        return _Release(digest, released.version, dict(released.doc_of))
    except InputError as err:
        problems += err.problems
        return NO_RELEASE


def _context_key(seeds_dir: Path, actor_codes: frozenset[str] | None, registry: list[Actor]) -> str:
    """Everything besides a document's own files that its results depend on: the registry's
    entries too (names, aliases, kinds), by which a report's quotes name their actors."""
    digest = hashlib.sha256()
    for source in sorted(
        [*Path(__file__).parent.glob("*.py"), *Path(__file__).parent.glob("drafting/*.py"), *Path(__file__).parent.glob("drafting/*.yaml")]
    ):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    versions = [sys.version] + [f"{name} {importlib.metadata.version(name)}" for name in LIBRARIES]
    codes = sorted(actor_codes) if actor_codes is not None else ["(unreadable)"]
    names = [actor.model_dump_json() for actor in registry]
    for part in (*versions, seeds_dir.as_posix(), *codes, *names):
        digest.update(part.encode() + b"\0")
    return f"{CACHE_FORMAT}:{digest.hexdigest()}"


NO_RELEASE = _Release("", None, {})


def _read_cache(cache_file: Path, key: str) -> tuple[int, dict[str, _Entry], _Release, dict[str, dict]]:
    """(when it was written, its entries, the release, dateparser's readings by language);
    nothing when it is missing, damaged or made by other code."""
    try:
        stored_key, written_ns, entries, release, readings = marshal.loads(cache_file.read_bytes())
        if stored_key == key:
            return written_ns, {name: _Entry._make(entry) for name, entry in entries.items()}, _Release._make(release), readings
    except Exception:  # noqa: BLE001 - any damage to a cache only means starting afresh
        pass
    return 0, {}, NO_RELEASE, {}


def _write_cache(cache_file: Path, stored: tuple) -> None:
    """Best effort: a cache that cannot be written only makes the next check slower."""
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        partial = cache_file.with_name(f"{cache_file.name}.{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(stored))
        os.replace(partial, cache_file)
    except OSError:
        pass
