"""The clerk app in a real terminal for the tmux tests: a demo store, tmux running
`python -m counter_tui` at a given size, keys in and the screen read back."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

DEMO_PASSWORD = "okienko-demo-2026"
ROOT = Path(__file__).resolve().parents[2]  # the checkout: `python -m tests.…` works from here


def need_tmux() -> str:
    path = shutil.which("tmux")
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("tmux is missing on CI")
        pytest.skip("tmux not installed")
    return path


class Terminal:
    def __init__(self, socket: str, config: str) -> None:
        self.socket, self.config = socket, config

    def tmux(self, *args: str) -> str:
        command = ["tmux", "-L", self.socket, "-f", self.config, *args]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    # A pause after each step, as a person leaves one: keys that arrive in one read all go
    # to the widget focused at that moment, before an Enter has moved the focus on.
    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "desk", *keys)
        time.sleep(0.3)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "desk", "-l", text)
        time.sleep(0.3)

    def burst(self, *keys: str) -> None:
        """Keys as one `send-keys` call, no pause: a password manager's auto-type, a scanner, or a
        clerk typing ahead of the screen (tmux words: "Tab", "Enter", "Escape"; other words as text)."""
        self.tmux("send-keys", "-t", "desk", *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-t", "desk", "-p")

    def output_after_exit(self, timeout: float = 30) -> list[str]:
        """Once the program has ended: the non-empty lines it left, wrapped lines joined, tmux's
        own "Pane is dead" line left out. Waits for the pane to die first: as it dies, tmux scrolls
        the screen up one line to write that notice, so a capture taken before could not be
        compared with one taken after (a line of the program's went into the history between two
        captures on CI). `-S -` takes the history too."""

        def dead() -> bool:
            return self.tmux("display-message", "-p", "-t", "desk", "#{pane_dead}").strip() == "1"

        self._until(dead, timeout, lambda: f"the program did not end:\n{self.screen()}")
        joined = self.tmux("capture-pane", "-t", "desk", "-p", "-J", "-S", "-")
        return [line for line in joined.splitlines() if line.strip() and not line.startswith("Pane is dead")]

    def wait_for(self, text: str | re.Pattern, timeout: float = 30) -> str:
        shown = [""]

        def found() -> bool:
            shown[0] = self.screen()
            return bool(text.search(shown[0]) if isinstance(text, re.Pattern) else text in shown[0])

        self._until(found, timeout, lambda: f"{text!r} did not appear on screen:\n{shown[0]}")
        return shown[0]

    @staticmethod
    def _until(condition: Callable[[], bool], timeout: float, failure: Callable[[], str]) -> None:
        """Poll the terminal until `condition` holds (a state, never a fixed time), else fail saying `failure()`."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(failure())
            time.sleep(0.2)


def log_in(term: Terminal, login: str = "demo") -> None:
    """Log in as a demo clerk and wait for the worklist."""
    term.wait_for("logowanie urzędnika")
    time.sleep(0.5)
    term.type(login)
    term.keys("Enter")
    term.type(DEMO_PASSWORD)
    term.keys("Enter")
    term.wait_for("Strona 1")


def demo_store(tmp_path: Path, cases: int) -> str:
    """A demo store (clerk `demo`) with `cases` cases; returns its URL."""
    db_url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    env = {**os.environ, "OKIENKO_DB": db_url, "OKIENKO_BCRYPT_COST": "4"}
    subprocess.run([sys.executable, "-m", "storage", "demo", "--cases", str(cases)], env=env, check=True,
                   capture_output=True)  # fmt: skip
    return db_url


@contextlib.contextmanager
def desk_in_tmux(
    tmp_path: Path, db_url: str, size: tuple[int, int], *extra_env: str, module: str = "counter_tui"
) -> Iterator[Terminal]:
    """The clerk app on `db_url` in a detached tmux session of `size` (columns, rows); `module` is
    what `python -m` runs (a test's own wrapper around the app's entry point)."""
    need_tmux()
    columns, rows = size
    config = tmp_path / "tmux.conf"
    # Without a client attached, a detached session takes default-size, not new-session's -x/-y.
    # remain-on-exit: what a program printed as it ended stays readable.
    config.write_text(f"set -g default-size {columns}x{rows}\nset -g remain-on-exit on\n", encoding="utf-8")
    term = Terminal(f"okienko-{uuid.uuid4().hex[:8]}", str(config))
    # pytest sets COLUMNS/LINES for itself; Textual would take them over the real terminal size.
    env_args = ["-u", "COLUMNS", "-u", "LINES", "LANG=C.UTF-8", "TERM=xterm-256color", f"OKIENKO_DB={db_url}"]
    env_args += ["OKIENKO_BCRYPT_COST=4", "'OKIENKO_PRINT_COMMAND=true {file}'", *extra_env]
    command = " ".join(["env", *env_args, sys.executable, "-m", module])
    term.tmux("new-session", "-d", "-s", "desk", "-x", str(columns), "-y", str(rows), "-c", str(ROOT), command)
    try:
        yield term
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, check=False)


@contextlib.contextmanager
def open_demo_store(tmp_path: Path, cases: int) -> Iterator[str]:
    """A fresh demo store of `cases` cases, open in this process too (so a test can prepare it and
    read what the clerk's keys wrote); its URL."""
    import storage

    need_tmux()
    db_url = demo_store(tmp_path, cases=cases)
    storage.open_database(db_url)
    try:
        yield db_url
    finally:
        storage.db.close_database()


@contextlib.contextmanager
def demo_desk(tmp_path: Path, cases: int = 4, size: tuple[int, int] = (120, 35)) -> Iterator[Terminal]:
    """The clerk app in tmux on a fresh demo store of `cases` cases, the store open in this process too."""
    with open_demo_store(tmp_path, cases) as db_url, desk_in_tmux(tmp_path, db_url, size) as term:
        yield term


def open_case_by_name(term: Terminal, name: str, display_number: str) -> str:
    """Search by name, Enter on the one row found: the case screen (its text)."""
    term.keys("/")
    term.type(name)
    term.keys("Enter")
    term.wait_for("Znaleziono 1")
    term.keys("Enter")
    return term.wait_for(f"Sprawa {display_number}")
