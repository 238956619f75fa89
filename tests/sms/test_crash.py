"""kill -9 at random moments: nothing is lost, and a duplicate only ever comes from the
documented window (the modem accepted a text, the loop died before recording it)."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time

import pytest

import storage
from storage.delivery import sms_outbox as outbox
from tests.helpers import CLERK, register
from tests.sms.conftest import kill_at_random

ROWS = 30
KILLS = 8
# What the loop computes from the flags below: max(--lease-seconds, 3 × (prompt + body timeouts)).
LEASE_S = 6


def _loop_process(store_url: str, port: str, once: bool) -> subprocess.Popen:
    env = {**os.environ, "OKIENKO_DB": store_url}
    args = [sys.executable, "-m", "sms_modem", "run", "--port", port, "--quiet-hours", "off", "--per-minute", "0"]
    args += ["--prompt-timeout", "1", "--body-timeout", "1", "--network-timeout", "5", "--lease-seconds", "3"]
    if once:
        args.append("--once")
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_kill_dash_nine_loses_nothing(store, modem):
    for i in range(ROWS):
        filing = register(phone=f"+48 502 000 {i:03d}")
        storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    modem.faults.late_answer_s = 0.08  # slow enough that kills land mid-send too
    kills = kill_at_random(
        lambda: _loop_process(store.url, modem.path, once=False), KILLS, seed=20261121,
        done=lambda: not outbox.counts()["queued"] and not outbox.counts()["sending"],
    )  # fmt: skip
    time.sleep(LEASE_S + 1.5)  # let the last killed loop's lease run out
    modem.faults.late_answer_s = 0
    final = _loop_process(store.url, modem.path, once=True)
    assert final.wait(timeout=120) == 0

    counts = {k: v for k, v in outbox.counts().items() if v}
    assert set(counts) <= {"sent", "delivered"}, counts  # every row ended sent; none lost or stuck
    assert sum(counts.values()) == ROWS
    received = collections.Counter(s.number for s in modem.received)
    assert set(received) == {f"+48502000{i:03d}" for i in range(ROWS)}
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= kills, f"{duplicates} duplicates from {kills} kills"
    print(f"\n[{store.backend}] {kills} kills, {duplicates} duplicate texts, {ROWS} rows all sent")
