"""The clerk app in a real terminal: tmux runs it on a demo store, keys go in, the screen is read back."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid

import pytest

import storage

NUMBER = re.compile(r"\b(\d{2}-\d{6}-\d)\b")


def _need_tmux() -> str:
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

    def screen(self) -> str:
        return self.tmux("capture-pane", "-t", "desk", "-p")

    def wait_for(self, text: str | re.Pattern, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            found = text.search(screen) if isinstance(text, re.Pattern) else text in screen
            if found:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear on screen:\n{screen}")
            time.sleep(0.2)


@pytest.fixture
def terminal(tmp_path):
    _need_tmux()
    db_url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    env = {**os.environ, "OKIENKO_DB": db_url, "OKIENKO_BCRYPT_COST": "4"}
    subprocess.run([sys.executable, "-m", "storage", "demo", "--cases", "8"], env=env, check=True, capture_output=True)
    config = tmp_path / "tmux.conf"
    # Without a client attached, a detached session takes default-size, not new-session's -x/-y.
    config.write_text("set -g default-size 130x40\n", encoding="utf-8")
    term = Terminal(f"okienko-{uuid.uuid4().hex[:8]}", str(config))
    # pytest sets COLUMNS/LINES for itself; Textual would take them over the real terminal size.
    env_args = ["-u", "COLUMNS", "-u", "LINES", "LANG=C.UTF-8", "TERM=xterm-256color", f"OKIENKO_DB={db_url}"]
    env_args += ["OKIENKO_BCRYPT_COST=4", "'OKIENKO_PRINT_COMMAND=true {file}'"]
    command = " ".join(["env", *env_args, sys.executable, "-m", "counter_tui"])
    term.tmux("new-session", "-d", "-s", "desk", "-x", "130", "-y", "40", command)
    try:
        yield term, db_url
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, check=False)


def test_log_in_and_register_a_filing_in_tmux(terminal):
    term, db_url = terminal
    term.wait_for("logowanie urzędnika")
    time.sleep(0.5)
    term.type("demo")
    term.keys("Enter")
    term.type("okienko-demo-2026")
    term.keys("Enter")
    term.wait_for("Strona 1")
    term.keys("C-n")
    term.wait_for("Rodzaj sprawy")
    term.keys("Enter")
    term.wait_for("Zaproszenie cudzoziemca")  # the drop-down is open
    term.type("Pobyt sta")
    term.keys("Enter")
    term.wait_for("Formularz wniosku")
    for _ in range(4):
        term.keys("Tab")
    term.type("Ivan Petrenko")
    term.keys("Tab")
    term.type("+380 50 123 4567")
    term.keys("C-s")
    term.wait_for("Zapisać wniosek?")
    term.keys("t")
    screen = term.wait_for("Wniosek zarejestrowany")
    number = NUMBER.search(screen.split("Numer sprawy", 1)[1]).group(1)
    term.keys("Enter")
    term.wait_for(f"Sprawa {number}")
    storage.open_database(db_url)
    detail = storage.case_detail(number)
    assert detail.applicant_name == "Ivan Petrenko" and detail.case_type == "permanent"
    assert detail.phone == "+380501234567"


def test_scanned_number_in_one_burst_opens_the_case_in_tmux(terminal):
    """A barcode scanner types the whole number and Enter at once; the table has the focus."""
    term, _ = terminal
    term.wait_for("logowanie urzędnika")
    time.sleep(0.5)
    term.type("demo")
    term.keys("Enter")
    term.type("okienko-demo-2026")
    term.keys("Enter")
    listed = NUMBER.findall(term.wait_for(NUMBER))
    first, second = listed[-1], listed[0]
    term.tmux("send-keys", "-t", "desk", first, "Enter")  # one call: one burst
    term.wait_for(f"Sprawa {first}")
    term.keys("Escape")
    term.wait_for("Strona 1")
    term.tmux("send-keys", "-t", "desk", second.replace("-", " "), "Enter")
    term.wait_for(f"Sprawa {second}")
