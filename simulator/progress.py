"""Progress of long start-up work (generating a large catalog): nothing when it is quick, then a bar on a terminal
or a log line every few seconds otherwise.

Work that may take long reports through ``task(label, total)``; whoever runs it (``stocksim serve``) decides how,
with ``reporting(Progress(...))``. The reporter travels in a context variable rather than through every signature
between the command and the SQL, and the store carries it onto its connection thread (store/connection.py). With
no reporter in effect (a test, the pytest plugin) a task does nothing but count.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TextIO

BAR_WIDTH = 30
_reporter: ContextVar[Progress | None] = ContextVar("stocksim_progress", default=None)


@dataclass(frozen=True)
class Progress:
    """How to report: after ``after`` seconds of one task, a bar on ``bar`` (a terminal) if given, else a line on
    ``log`` every ``every`` seconds, and one when the task ends."""

    log: logging.Logger = field(default_factory=lambda: logging.getLogger("simulator.progress"))
    bar: TextIO | None = None
    after: float = 1.0
    every: float = 2.0
    clock: Callable[[], float] = time.monotonic


@contextmanager
def reporting(progress: Progress) -> Iterator[None]:
    """Report the tasks started in this context (and in the tasks and store units it starts) through ``progress``."""
    token = _reporter.set(progress)
    try:
        yield
    finally:
        _reporter.reset(token)


@contextmanager
def task(label: str, total: int) -> Iterator[Task]:
    """A unit of long work of ``total`` steps; call ``advance`` as steps finish."""
    progress = _reporter.get()
    current = Task(label, total, progress)
    try:
        yield current
    finally:
        current.finish()


class Task:
    def __init__(self, label: str, total: int, progress: Progress | None) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self._progress = progress
        self._started = progress.clock() if progress else 0.0
        self._last_line: float | None = None
        self._drawn: str | None = None  # the bar as last drawn, so an unchanged one is not drawn again

    def advance(self, steps: int) -> None:
        self.done += steps
        progress = self._progress
        if progress is None:
            return
        now = progress.clock()
        if now - self._started < progress.after:
            return
        if progress.bar is not None:
            self._draw(progress.bar, now)
        elif self.done < self.total and (self._last_line is None or now - self._last_line >= progress.every):
            self._last_line = now
            progress.log.info("%s: %s of %s (%d%%)", self.label, f"{self.done:,}", f"{self.total:,}", self._percent)

    def finish(self) -> None:
        progress = self._progress
        if progress is None:
            return
        if self._drawn is not None and progress.bar is not None:
            self._draw(progress.bar, progress.clock())
            progress.bar.write("\n")
            progress.bar.flush()
        elif self._last_line is not None:
            elapsed = progress.clock() - self._started
            progress.log.info("%s: %s done in %.1f s", self.label, f"{self.done:,}", elapsed)

    @property
    def _percent(self) -> int:
        return 100 * self.done // self.total if self.total else 100

    def _draw(self, stream: TextIO, now: float) -> None:
        filled = BAR_WIDTH * self._percent // 100
        elapsed = now - self._started
        eta = elapsed * (self.total - self.done) / self.done if self.done else None
        tail = f"eta {eta:.0f} s" if eta is not None and self.done < self.total else f"{elapsed:.1f} s"
        line = (
            f"{self.label} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {self._percent:3d}%  "
            f"{self.done:,}/{self.total:,}  {tail}"
        )
        if line != self._drawn:
            # \r and erase-to-end redraw the one line in place; only ever used on a terminal.
            stream.write(f"\r{line}\x1b[K")
            stream.flush()
            self._drawn = line
