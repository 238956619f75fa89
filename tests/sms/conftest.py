"""The real python-gsmmodem-new + pyserial stack against the simulated modem on a pty."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections.abc import Callable

import pytest

from sms_modem.loop import LoopSettings, SendLoop
from sms_modem.simulator import SimulatedModem


@pytest.fixture
def modem(tmp_path):
    sim = SimulatedModem(directory=str(tmp_path / "modem")).start()
    yield sim
    sim.stop()


def fast_settings(port: str, **overrides) -> LoopSettings:
    """Short timeouts so faults cost seconds, not the library's 35 s."""
    values = dict(
        port=port, per_minute=0, quiet=None, prompt_timeout_s=1.0, body_timeout_s=1.0, network_timeout_s=5.0,
        retry_base_s=0.05, retry_cap_s=0.2, reconnect_cap_s=0.5, idle_poll_s=0.05, min_lease_s=5,
    )  # fmt: skip
    values.update(overrides)
    return LoopSettings(**values)


def run_once(port: str, **overrides) -> int:
    return SendLoop(fast_settings(port, **overrides)).run(once=True)


def kill_at_random(start: Callable[[], subprocess.Popen], kills: int, seed: int, done: Callable[[], bool]) -> int:
    """Start a loop process and kill -9 it 1.0–2.2 s later (start-up and connecting take about a
    second, so kills land before, during and after sends), `kills` times or until `done()`.
    Returns how many kills there were."""
    rng = random.Random(seed)
    for kill in range(1, kills + 1):
        proc = start()
        time.sleep(rng.uniform(1.0, 2.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        if done():
            return kill
    return kills
