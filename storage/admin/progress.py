"""Progress of long administrative work (backup, restore, purge, migrate, the demo builder).

In a terminal (stderr is a TTY) a rich progress bar: what is done of how much, the rate and the time
left. Anywhere else (a log, systemd's journal, a cron mail) plain lines, never a control character:
none while the work is younger than OKIENKO_PROGRESS_EVERY_S seconds (a nightly run of a small store
logs only its result, and an error stays one line), then one every that many seconds and one at
each tenth of the work:

    kopia: 1 200 000 z 5 000 000 stron (24 %), 41 000 stron/s, zostało ok. 1 min 33 s

A command interrupted by Ctrl+C raises `Interrupted` with one line saying what state the store is in
and how to resume; the CLI prints it and exits 130.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

from storage.config import progress_every_s

# Tests only: after this many updates the work waits (up to a minute) for a signal, so that a test
# can interrupt it "in the middle" with a real SIGINT instead of racing it.
HOLD_AFTER_ENV = "OKIENKO_PROGRESS_HOLD_AFTER"
HOLD_LIMIT_S = 60
TENTHS = 10


class Interrupted(KeyboardInterrupt):
    """Ctrl+C during long work; the message says what state things are in and how to resume."""


def number(value: float) -> str:
    """1234567 → "1 234 567" (Polish groups thousands with a space)."""
    return f"{round(value):,}".replace(",", " ")


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


class _Counted(ProgressColumn):
    """ "1 200 000 z 5 000 000 stron" """

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        total = f" z {number(task.total)}" if task.total is not None else ""
        return Text(f"{number(task.completed)}{total} {self.unit}")


class _Rate(ProgressColumn):
    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{number(speed)} {self.unit}/s")


class Progress:
    """One piece of long work: `with Progress("kopia", "stron", total) as p: … p.update(done)`.

    `quiet` shows nothing (scripts that want only the result line)."""

    def __init__(self, what: str, unit: str, total: int | None = None, *, quiet: bool = False,
                 stream: TextIO | None = None) -> None:  # fmt: skip
        self.what, self.unit, self.total = what, unit, total
        self.completed = 0
        self.updates = 0
        self._stream = stream or sys.stderr
        self._quiet = quiet
        self._bar: RichProgress | None = None
        self._task = None
        self._started = time.monotonic()
        self._last_line = self._started
        self._last_tenth = 0
        self._every_s = progress_every_s()
        hold = os.environ.get(HOLD_AFTER_ENV, "")
        self._hold_after = int(hold) if hold.isdigit() else None

    def __enter__(self) -> Progress:
        if not self._quiet and self._stream.isatty():
            self._bar = RichProgress(
                TextColumn(f"{self.what}:"),
                BarColumn(),
                _Counted(self.unit),
                TaskProgressColumn(),
                _Rate(self.unit),
                TextColumn("zostało"),
                TimeRemainingColumn(),
                console=Console(file=self._stream),
            )
            self._bar.__enter__()
            self._task = self._bar.add_task(self.what, total=self.total)
        self._started = self._last_line = time.monotonic()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, error, tb)

    def set_total(self, total: int) -> None:
        self.total = total
        if self._bar is not None:
            self._bar.update(self._task, total=total)

    def advance(self, amount: int = 1) -> None:
        self.update(self.completed + amount)

    def update(self, completed: int) -> None:
        self.completed = completed
        self.updates += 1
        if self._bar is not None:
            self._bar.update(self._task, completed=completed)
        elif not self._quiet:
            self._maybe_line()
        if self.updates == self._hold_after:
            self._hold()

    def line(self) -> str:
        """The plain line for now: done of total, percentage, rate and time left as far as known."""
        elapsed = max(time.monotonic() - self._started, 1e-6)
        rate = self.completed / elapsed
        parts = [f"{self.what}: {number(self.completed)}"]
        if self.total:
            parts[0] += f" z {number(self.total)} {self.unit} ({100 * self.completed // self.total} %)"
        else:
            parts[0] += f" {self.unit}"
        parts.append(f"{number(rate)} {self.unit}/s")
        if self.total and rate > 0 and self.completed < self.total:
            parts.append(f"zostało ok. {duration((self.total - self.completed) / rate)}")
        return ", ".join(parts)

    def _maybe_line(self) -> None:
        now = time.monotonic()
        tenth = TENTHS * self.completed // self.total if self.total else 0
        if now - self._started < self._every_s:
            return
        if now - self._last_line >= self._every_s or tenth > self._last_tenth:
            self._last_line, self._last_tenth = now, tenth
            print(self.line(), file=self._stream, flush=True)

    def _hold(self) -> None:
        deadline = time.monotonic() + HOLD_LIMIT_S
        while time.monotonic() < deadline:
            time.sleep(0.05)  # a SIGINT arrives here as KeyboardInterrupt


@contextlib.contextmanager
def working(what: str, *, quiet: bool = False, stream: TextIO | None = None) -> Iterator[None]:
    """A step whose size nobody knows (a backup's check): a spinner with the time spent in a terminal;
    in a log one line, once the step has lasted OKIENKO_PROGRESS_EVERY_S seconds."""
    stream = stream or sys.stderr
    if quiet:
        yield
    elif stream.isatty():
        with RichProgress(
            SpinnerColumn(), TextColumn(f"{what}…"), TimeElapsedColumn(), console=Console(file=stream)
        ) as bar:
            bar.add_task(what, total=None)
            yield
    else:
        every_s = progress_every_s()
        started = time.monotonic()
        said = threading.Timer(every_s, lambda: print(f"{what}… ({duration(time.monotonic() - started)})",
                                                      file=stream, flush=True))  # fmt: skip
        said.daemon = True
        said.start()
        try:
            yield
        finally:
            said.cancel()
