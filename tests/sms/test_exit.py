"""The one-shot commands end when their work ends. python-gsmmodem-new's waitForNetworkCoverage
starts a non-daemon timer for its whole timeout and never cancels it, which kept `run --once`,
`check` and `send-test` alive for up to --network-timeout seconds after their last line."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import storage
from sms_modem.loop import SendLoop
from tests.helpers import CLERK, register
from tests.sms.conftest import fast_settings

# The library's default, and what an office leaves it at: a lingering timer would hold the process this long.
NETWORK_TIMEOUT_S = "60"
# Interpreter shutdown after the last line: well under a second; the margin is for a loaded machine.
EXIT_WITHIN_S = 5.0


def _run(store_url: str, *args: str) -> tuple[str, float, float]:
    """Run a real CLI process; returns its output, when its last line came and when it exited."""
    env = {**os.environ, "OKIENKO_DB": store_url}
    proc = subprocess.Popen([sys.executable, "-m", "sms_modem", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1)  # fmt: skip
    lines, last_line_at = [], time.monotonic()
    for line in proc.stdout:
        lines.append(line)
        last_line_at = time.monotonic()
    # Wait well past EXIT_WITHIN_S so a hang shows as a measured time, not as a timeout error.
    proc.wait(timeout=120)
    exited_at = time.monotonic()
    assert proc.returncode == 0, "".join(lines)
    return "".join(lines), last_line_at, exited_at


def test_run_once_exits_right_after_its_last_report(store, modem):
    filing = register(phone="+48 503 000 001")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    output, last, exited = _run(store.url, "run", "--port", modem.path, "--once", "--quiet-hours", "off",
                                "--per-minute", "0", "--network-timeout", NETWORK_TIMEOUT_S)  # fmt: skip
    assert "sent 1" in output and '"event": "sms_delivery"' in output
    assert exited - last < EXIT_WITHIN_S, f"exited {exited - last:.1f} s after its last line"


def test_check_and_send_test_exit_right_after_their_answer(store, modem):
    for args in (["check"], ["send-test", "--to", "+48 503 000 002", "--wait-report", "5"]):
        output, last, exited = _run(store.url, *args, "--port", modem.path, "--network-timeout", NETWORK_TIMEOUT_S)
        assert "manufacturer" in output or "delivery report: delivered" in output, output
        assert exited - last < EXIT_WITHIN_S, f"{args[0]} exited {exited - last:.1f} s after its last line"


def test_reconnects_of_the_long_running_loop_leave_no_timers(store, modem):
    loop = SendLoop(fast_settings(modem.path, network_timeout_s=60))
    before = {t for t in threading.enumerate() if isinstance(t, threading.Timer)}
    for _ in range(3):  # what every reconnect does
        loop.link.open()
        assert loop.link.healthy()
        loop.link.close()
    leaked = [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t not in before and t.is_alive()]
    assert leaked == []
