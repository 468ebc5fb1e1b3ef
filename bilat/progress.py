"""Progress of long work on stderr: a count rewritten in place when stderr is a terminal, and
nothing at all when it is piped or redirected (so logs and scripts see only the result)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``loading documents: 1,234 of 10,000`` on one line of ``stream``, at most every ``interval`` seconds."""

    def __init__(self, what: str, total: int, stream: TextIO | None = None, interval: float = 0.2):
        self.what, self.total, self.done = what, total, 0
        self.stream = stream if stream is not None else sys.stderr
        self.shown = self.stream.isatty()
        self.interval = interval
        self._last = 0.0

    def step(self, count: int = 1) -> None:
        self.done += count
        if self.shown and (now := time.monotonic()) - self._last >= self.interval:
            self._last = now
            self.stream.write(f"\r{self.what}: {self.done:,} of {self.total:,}")
            self.stream.flush()

    def close(self) -> None:
        """Clear the line, so that what is printed next starts at its beginning."""
        if self.shown and self._last:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
