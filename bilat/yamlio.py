"""YAML in and out: strict loading that remembers where every node is, and one canonical form.

Loading composes the node graph first (PyYAML's ``compose``), so every value keeps the line and
column it came from and error messages can point at it. Aliases are refused, which also defuses
"billion laughs" documents. Writing always produces the same bytes for the same data: keys in
model order, every string double-quoted (so ``NO`` stays Norway and ``2010-06-01`` stays text).
"""

from __future__ import annotations

import json
import pathlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yaml
from pydantic import BaseModel

from bilat.problems import InputError, Problem, line_col

MAX_YAML_BYTES = 8 * 1024 * 1024

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
        text = self._text if self._text is not None else pathlib.Path(self._path).read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=_Loader)
        if root is not None:
            _to_python(root, (), marks, set(), [], self.file)
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


def parse_yaml(raw: bytes, file: str) -> LocatedData:
    if len(raw) > MAX_YAML_BYTES:
        raise InputError([Problem(file, 1, 1, "(file)", f"{len(raw)} bytes is over the {MAX_YAML_BYTES}-byte limit")])
    text = decode_text(raw, file)
    try:
        root = yaml.compose(text, Loader=_Loader)
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
    if root is None:
        return LocatedData(None, Locator(file, text))
    try:
        data = _plain(root, set(), yaml.constructor.SafeConstructor())
    except _Irregular:
        # Something to report: walk again, this time noting where each problem is.
        problems: list[Problem] = []
        data = _to_python(root, (), {}, set(), problems, file)
        if problems:
            raise InputError(problems) from None
    return LocatedData(data, Locator(file, text))


class _Irregular(Exception):
    """What ``_plain`` does not handle; ``_to_python`` says where and why."""


_STR_TAG = "tag:yaml.org,2002:str"
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp", "binary"))


def _plain(node: yaml.Node, seen: set[int], constructor: yaml.constructor.SafeConstructor) -> Any:
    """The data of a regular document (no aliases, plain unique keys, readable scalars), fast."""
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
            return constructor.construct_object(node)
        except (yaml.YAMLError, ValueError):  # ValueError: a timestamp such as 2010-13-45
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


def _to_python(node: yaml.Node, path: Path, marks: dict, seen: set[int], problems: list[Problem], file: str) -> Any:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    marks.setdefault(path, (line, col))
    if id(node) in seen:
        problems.append(Problem(file, line, col, dotted(path), "YAML anchors and aliases are not allowed"))
        return None
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        try:
            return yaml.constructor.SafeConstructor().construct_object(node)
        except (yaml.YAMLError, ValueError) as err:
            problems.append(Problem(file, line, col, dotted(path), f"cannot read this value: {getattr(err, 'problem', None) or err}"))
            return None
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), marks, seen, problems, file) for i, item in enumerate(node.value)]
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key_line, key_col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(file, key_line, key_col, dotted(path), "a mapping key must be a plain string"))
            continue
        key = str(key_node.value)
        if key in result:
            problems.append(Problem(file, key_line, key_col, dotted(path + (key,)), "duplicate key"))
            continue
        marks[path + (key,)] = (key_line, key_col)
        result[key] = _to_python(value_node, path + (key,), marks, seen, problems, file)
    return result


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
