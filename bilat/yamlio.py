"""YAML in and out: strict loading that remembers where every node is, and one canonical form.

Loading composes the node graph first (PyYAML's ``compose``), so every value keeps the line and
column it came from and error messages can point at it. Aliases are refused, which also defuses
"billion laughs" documents; so are explicit tags on any node, nesting deeper than MAX_DEPTH
(before libyaml composes it), and plain numbers that YAML 1.1 reads other than they look. Only
regular files are read, and no more of them than the size limit. Writing always produces the same
bytes for the same data: keys in model order, every string double-quoted (so ``NO`` stays Norway
and ``2010-06-01`` stays text).
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yaml
from pydantic import BaseModel

from bilat.problems import InputError, Problem, line_col

MAX_YAML_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
"""Lists and mappings nested deeper than this are refused before they are composed: libyaml's
composer recurses, and deep enough input crashes the process."""
MAX_PROBLEMS = 100
"""Problems listed for one file; the rest are counted in one line."""

Path = tuple[str | int, ...]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Locator:
    """Where each node of one YAML text is, found only when a problem must be placed: the text is
    composed a second time, with marks, on the first call. Given a ``path`` instead of the text,
    it reads the file then (a file that was checked before and is known to be unchanged)."""

    def __init__(self, file: str, text: str | None = None, path: str | None = None):
        self.file = file
        self._text = text
        self._path = path

    @cached_property
    def marks(self) -> dict[Path, tuple[int, int]]:
        marks: dict[Path, tuple[int, int]] = {}
        try:
            text = self._text if self._text is not None else decode_text(read_regular(self._path, self.file, MAX_YAML_BYTES), self.file)
            root = yaml.compose(text, Loader=_Loader)
        except (OSError, InputError, yaml.YAMLError):  # changed since it was checked: problems are placed at 1:1
            return marks
        if root is not None:
            _note_marks(root, (), marks, set())
        return marks

    def where(self, path: Path) -> tuple[int, int]:
        """The position of the deepest node on ``path`` that exists in the file."""
        marks = self.marks
        for end in range(len(path), -1, -1):
            if (found := marks.get(tuple(path[:end]))) is not None:
                return found
        return (1, 1)

    def problem(self, path: Path, message: str, field_name: str | None = None) -> Problem:
        line, col = self.where(path)
        return Problem(self.file, line, col, field_name or dotted(path), message)


@dataclass(frozen=True)
class LocatedData:
    """Plain Python data from a YAML file, and where each of its nodes is."""

    data: Any
    locator: Locator = field(repr=False)

    @property
    def file(self) -> str:
        return self.locator.file

    def problem(self, path: Path, message: str, field_name: str | None = None) -> Problem:
        return self.locator.problem(path, message, field_name)


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 without a byte order mark, or an InputError that says where the bad byte is."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InputError([Problem(file, 1, 1, "(file)", "starts with a UTF-8 byte order mark; save it without one")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise InputError([Problem(file, line, col, "(file)", f"not UTF-8: byte 0x{raw[err.start]:02x}")]) from None


def read_regular(path: str | os.PathLike, display: str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Anything else (a symlink, a FIFO, a
    device, a directory) is refused before it is opened, and no more than ``limit + 1`` bytes are
    read. InputError for a refusal; OSError when the file cannot be read."""
    found = os.lstat(path)
    if not stat.S_ISREG(found.st_mode):
        raise InputError([_not_regular(display, found.st_mode)])
    # O_NONBLOCK: a FIFO put in its place since lstat must not block the open.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    with open(descriptor, "rb") as stream:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise InputError([_not_regular(display, opened.st_mode)])
        raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise InputError([Problem(display, 1, 1, "(file)", f"{max(opened.st_size, len(raw))} bytes is over the {limit}-byte limit")])
    return raw


_FILE_KINDS = {
    stat.S_IFLNK: "a symlink",
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _not_regular(display: str, mode: int) -> Problem:
    kind = _FILE_KINDS.get(stat.S_IFMT(mode), "a special file")
    return Problem(display, 1, 1, "(file)", f"{kind}, not a regular file: bilat reads only regular files; put the file itself here")


def parse_yaml(raw: bytes, file: str) -> LocatedData:
    if len(raw) > MAX_YAML_BYTES:
        raise InputError([Problem(file, 1, 1, "(file)", f"{len(raw)} bytes is over the {MAX_YAML_BYTES}-byte limit")])
    text = decode_text(raw, file)
    tagged = _scan(text, file) if _may_be_irregular(text) else {}
    root = _compose(text, file)
    if root is None:
        return LocatedData(None, Locator(file, text))
    try:
        if tagged:
            raise _Irregular
        data = _plain(root, set(), yaml.constructor.SafeConstructor())
    except _Irregular:
        # Something to report: walk again, this time noting where each problem is.
        problems: list[Problem] = []
        data = _to_python(root, (), set(), problems, file, tagged)
        if problems:
            raise InputError(capped(problems)) from None
    return LocatedData(data, Locator(file, text))


def _compose(text: str, file: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"{err.problem or err.context}"
        if mark and mark.index < len(text) and text[mark.index] == "\t":
            message += " (a tab: YAML is indented with spaces)"
        raise InputError([Problem(file, line, col, "(yaml)", message)]) from None
    except yaml.reader.ReaderError as err:
        line, col = line_col(text, err.position)
        code = err.character if isinstance(err.character, int) else ord(err.character)
        message = f"unacceptable character #x{code:04x}: control characters are not allowed"
        raise InputError([Problem(file, line, col, "(yaml)", message)]) from None
    except yaml.YAMLError as err:
        raise InputError([Problem(file, 1, 1, "(yaml)", str(err).splitlines()[0])]) from None


# A text can nest deeper than MAX_DEPTH only if a line starts with _INDENT_BOUND or more spaces and
# "- ", "? " or ": " indicators (each level of block nesting but an indentless list needs a deeper
# column, and a block collection starts no further along its line than those), or if more than
# _FLOW_BOUND brackets open something other than an empty [] or {}. Tags all hold a "!".
_INDENT_BOUND = 24
_FLOW_BOUND = MAX_DEPTH - 2 * _INDENT_BOUND - 1
_DEEP_LINE = re.compile(rf"(?m)^[ \t?:-]{{{_INDENT_BOUND},}}")


def _may_be_irregular(text: str) -> bool:
    """False when the text certainly holds no explicit tag and nests no deeper than MAX_DEPTH."""
    opened = text.count("[") + text.count("{") - text.count("[]") - text.count("{}")
    return "!" in text or opened > _FLOW_BOUND or _DEEP_LINE.search(text) is not None


_STARTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
_NODES = {yaml.ScalarEvent: yaml.ScalarNode, yaml.SequenceStartEvent: yaml.SequenceNode, yaml.MappingStartEvent: yaml.MappingNode}
Tagged = dict[tuple[int, int, type], str]
"""Explicit tags by the 0-based line and column where their node starts, and its kind (a block
mapping starts where its first key does)."""


def _scan(text: str, file: str) -> Tagged:
    """The explicit tags of the text, from libyaml's events, which are made without recursion;
    InputError where nesting goes past MAX_DEPTH. A syntax error ends the scan, and composing
    reports it."""
    tagged: Tagged = {}
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, _STARTS):
                depth += 1
                if depth > MAX_DEPTH:
                    line, col = event.start_mark.line + 1, event.start_mark.column + 1
                    message = f"lists and mappings nested more than {MAX_DEPTH} levels deep: look for stray brackets"
                    raise InputError([Problem(file, line, col, "(yaml)", message)])
            elif isinstance(event, _ENDS):
                depth -= 1
            if getattr(event, "tag", None) is not None:
                tagged[event.start_mark.line, event.start_mark.column, _NODES[event.__class__]] = event.tag
    except yaml.YAMLError:
        pass
    return tagged


class _Irregular(Exception):
    """What ``_plain`` does not handle; ``_to_python`` says where and why."""


_STR_TAG, _INT_TAG, _FLOAT_TAG = (f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float"))
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp"))
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")


def _construct(node: yaml.ScalarNode, constructor: yaml.constructor.SafeConstructor) -> Any:
    """A plain scalar's value; ValueError where YAML 1.1 reads a number other than it looks
    (0640 is 416, 1:20 is 80) or one that is not finite."""
    value = constructor.construct_object(node)
    if node.tag == _INT_TAG and not _DECIMAL.fullmatch(node.value):
        raise ValueError(_reinterpreted(node.value, value))
    if node.tag == _FLOAT_TAG and (not math.isfinite(value) or "_" in node.value or ":" in node.value):
        raise ValueError(_reinterpreted(node.value, value))
    return value


def _reinterpreted(text: str, value: int | float) -> str:
    if not math.isfinite(value):
        read = "not-a-number" if math.isnan(value) else "infinity"
        return f"YAML reads {text} as {read}; write a finite number, or quote it if it is text"
    digits = text.lstrip("+-").lower()
    if ":" in digits:
        how = "base 60"
    elif "_" in digits:
        how = "underscores ignored"
    else:
        how = {"0x": "hexadecimal", "0b": "binary"}.get(digits[:2], "octal, for the leading zero")
    return f"YAML 1.1 reads {text} as {value!r} ({how}); write the number in plain decimal digits, or quote it if it is text"


def _plain(node: yaml.Node, seen: set[int], constructor: yaml.constructor.SafeConstructor) -> Any:
    """The data of a regular document (no aliases, no tags, plain unique keys, readable scalars), fast."""
    if id(node) in seen:
        raise _Irregular
    seen.add(id(node))
    kind = node.__class__
    if kind is yaml.ScalarNode:
        if node.tag == _STR_TAG:
            return node.value
        if node.tag not in _SCALAR_TAGS:
            raise _Irregular
        try:
            return _construct(node, constructor)
        except (yaml.YAMLError, ValueError):  # ValueError: a timestamp such as 2010-13-45, or a number such as 0640
            raise _Irregular from None
    if kind is yaml.SequenceNode:
        return [_plain(item, seen, constructor) for item in node.value]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.__class__ is not yaml.ScalarNode:
            raise _Irregular
        key = str(key_node.value)
        if key in result:
            raise _Irregular
        result[key] = _plain(value_node, seen, constructor)
    return result


def _note_marks(node: yaml.Node, path: Path, marks: dict[Path, tuple[int, int]], seen: set[int]) -> None:
    """Where each node of a document that ``parse_yaml`` read is; a mapping's value is placed at its key."""
    marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if id(node) in seen:
        return
    seen.add(id(node))
    if node.__class__ is yaml.SequenceNode:
        for i, item in enumerate(node.value):
            _note_marks(item, path + (i,), marks, seen)
    elif node.__class__ is yaml.MappingNode:
        for key_node, value_node in node.value:
            place = path + (str(key_node.value),)
            if place not in marks:  # the first of duplicate keys, as reading keeps it
                marks[place] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                _note_marks(value_node, place, marks, seen)


def _to_python(node: yaml.Node, path: Path, seen: set[int], problems: list[Problem], file: str, tagged: Tagged) -> Any:
    """The data, with every problem in ``problems``; ``tagged``: where the text has an explicit tag (see ``_scan``)."""
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if id(node) in seen:
        problems.append(Problem(file, line, col, dotted(path), "YAML anchors and aliases are not allowed"))
        return None
    seen.add(id(node))
    if (tag := tagged.get((line - 1, col - 1, node.__class__))) is not None:
        problems.append(Problem(file, line, col, dotted(path), _tag_message(tag)))
        return None
    if isinstance(node, yaml.ScalarNode):
        try:
            return _construct(node, yaml.constructor.SafeConstructor())
        except (yaml.YAMLError, ValueError) as err:
            problems.append(Problem(file, line, col, dotted(path), f"cannot read this value: {getattr(err, 'problem', None) or err}"))
            return None
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), seen, problems, file, tagged) for i, item in enumerate(node.value)]
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key_line, key_col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(file, key_line, key_col, dotted(path), "a mapping key must be a plain string"))
            continue
        if (tag := tagged.get((key_line - 1, key_col - 1, key_node.__class__))) is not None:
            problems.append(Problem(file, key_line, key_col, dotted(path + (str(key_node.value),)), _tag_message(tag)))
            continue
        key = str(key_node.value)
        if key in result:
            problems.append(Problem(file, key_line, key_col, dotted(path + (key,)), "duplicate key"))
            continue
        result[key] = _to_python(value_node, path + (key,), seen, problems, file, tagged)
    return result


def _tag_message(tag: str) -> str:
    shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
    return f"explicit YAML tags are not allowed: remove {shown}"


def capped(problems: list[Problem], total: int | None = None) -> list[Problem]:
    """The first MAX_PROBLEMS of one file's problems, and then one line, at the next, counting the
    rest; ``total``: how many there are, when only some were located."""
    total = len(problems) if total is None else total
    if total <= MAX_PROBLEMS:
        return problems
    ordered = sorted(problems)
    rest = ordered[MAX_PROBLEMS]
    summary = Problem(rest.file, rest.line, rest.col, rest.field, f"… and {total - MAX_PROBLEMS:,} more problems in this file")
    return ordered[:MAX_PROBLEMS] + [summary]


def dotted(path: Path) -> str:
    """``events[2].evidence[0].quote``: how a place in a file is named in messages. A key that is
    not a plain name is written as an escaped string, so the name never holds spaces or controls."""
    text = "".join(_step(p) for p in path).lstrip(".")
    return text or "(file)"


def _step(step: str | int) -> str:
    if isinstance(step, int):
        return f"[{step}]"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", step):
        return f".{step}"
    return "[" + json.dumps(step).replace(" ", "\\u0020") + "]"


class _CanonicalDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


class _QuotedText(str):
    """A string value (not a key), always written double-quoted."""


_CanonicalDumper.add_representer(_QuotedText, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"'))


def _quote_values(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _quote_values(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_quote_values(item) for item in data]
    return _QuotedText(data) if isinstance(data, str) else data


def dump_canonical(data: Any) -> str:
    return yaml.dump(
        _quote_values(data),
        Dumper=_CanonicalDumper,
        sort_keys=False,
        allow_unicode=True,
        width=2**31 - 1,
        default_flow_style=False,
    )


def canonical_yaml(model: BaseModel) -> str:
    """A record in its one canonical YAML form."""
    return dump_canonical(model.model_dump(mode="json", exclude_defaults=True))
