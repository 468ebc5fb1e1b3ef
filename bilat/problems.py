"""Input problems, each located at a place in a file, reported all at once; and the other errors a command reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.field}: {self.message}"


class InputError(Exception):
    """Raised at the end of a stage that found problems; carries every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(map(str, self.problems)))


def first_line(err: BaseException) -> str:
    """What a library's error says, in one line: its first, or its type when it says nothing."""
    return str(err).splitlines()[0] if str(err) else type(err).__name__


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a str offset."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


class OutputError(Exception):
    """The output directory cannot or must not be written; nothing was replaced."""


class CiteError(Exception):
    """The ID cannot be cited; the message says why and what to try."""


class DataError(Exception):
    """A data directory (or a file in it) is missing or cannot be read; the message names it and what to do."""


class UsageError(Exception):
    """Options that cannot be used as given; each message names the option and what is wrong."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))
