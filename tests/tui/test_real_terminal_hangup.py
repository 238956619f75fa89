"""A closed terminal ends the app however it was started (issue 19, problem 10): under `make`,
whose SIGHUP never reached the app, it kept running and spun on the dead terminal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

from tests.tui.terminal import ROOT, Terminal, demo_store, need_tmux


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_app_started_by_make_exits_when_its_terminal_closes(tmp_path):
    need_tmux()
    db_url = demo_store(tmp_path, cases=2)
    makefile = tmp_path / "Makefile"
    makefile.write_text(
        f"desk:\n\tenv -u COLUMNS -u LINES TERM=xterm-256color OKIENKO_BCRYPT_COST=4 {sys.executable} -m counter_tui"
        f" --db {db_url}\n",
        encoding="utf-8",
    )
    config = tmp_path / "tmux.conf"
    config.write_text("set -g default-size 120x35\n", encoding="utf-8")
    term = Terminal(f"okienko-{uuid.uuid4().hex[:8]}", str(config))
    term.tmux("new-session", "-d", "-s", "desk", "-x", "120", "-y", "35", "-c", str(ROOT), f"make -s -f {makefile}")
    pid = None
    try:
        term.wait_for("logowanie urzędnika")
        found = subprocess.run(["pgrep", "-f", f"counter_tui --db {db_url}"], capture_output=True, text=True)
        [pid] = [int(p) for p in found.stdout.split()]
        # The window closes.
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, check=False)
        deadline = time.monotonic() + 20
        while running(pid) and time.monotonic() < deadline:  # a state: the process gone
            time.sleep(0.2)
        assert not running(pid), "the app kept running after its terminal closed"
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, check=False)
        if pid is not None and running(pid):
            os.kill(pid, signal.SIGKILL)  # the process this test started
