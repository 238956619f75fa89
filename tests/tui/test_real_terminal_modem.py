"""The modem's state in the clerk app's header, in a real terminal, with the real loop on the simulator.

tmux runs the desk; the SMS loop (`python -m sms_modem run`) and the software modem
(`python -m sms_modem simulator`) run as their own processes on the same store. The header says
"Modem: OK"; the modem is then stopped and the header has to change without a key being pressed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tui.terminal import demo_store, desk_in_tmux, log_in, need_tmux


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sms_modem", *args], env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)  # fmt: skip


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def office(tmp_path):
    need_tmux()
    db_url = demo_store(tmp_path, cases=8)
    env = {**os.environ, "OKIENKO_DB": db_url, "OKIENKO_BCRYPT_COST": "4"}
    device = tmp_path / "modem" / "ttyGSM0"
    simulator = _start(["simulator", "--dir", str(device.parent)], env, tmp_path / "simulator.log")
    deadline = time.monotonic() + 20
    while not device.exists():
        assert time.monotonic() < deadline and simulator.poll() is None, (tmp_path / "simulator.log").read_text()
        time.sleep(0.1)
    loop = _start(["run", "--port", str(device), "--quiet-hours", "off", "--per-minute", "0",
                   "--heartbeat-seconds", "1"], env, tmp_path / "loop.log")  # fmt: skip
    try:
        with desk_in_tmux(tmp_path, db_url, (130, 40), "OKIENKO_MODEM_REFRESH_S=0.5") as term:
            yield term, simulator, loop, tmp_path
    finally:
        _stop(loop)
        _stop(simulator)


def test_header_shows_the_modem_going_down_in_tmux(office):
    term, simulator, loop, tmp_path = office
    log_in(term)
    screen = term.wait_for("Modem: OK", timeout=60)
    assert screen.splitlines()[0].rstrip().endswith("Modem: OK"), screen  # in the header line
    (tmp_path / "screen-ok.txt").write_text(screen, encoding="utf-8")

    _stop(simulator)  # the modem goes away; the loop stays and reports it
    screen = term.wait_for("Modem: nie działa", timeout=60)
    assert "Modem: nie działa" in screen.splitlines()[0], screen
    assert "Modem: OK" not in screen
    (tmp_path / "screen-down.txt").write_text(screen, encoding="utf-8")
    assert loop.poll() is None, (tmp_path / "loop.log").read_text()
