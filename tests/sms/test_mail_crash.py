"""kill -9 of the mail loop at random moments, against a real SMTP server that is slow to say "250":
nothing is lost, and a duplicate only ever comes from the documented window (the relay kept the
e-mail, the loop died before recording it), carrying the first copy's Message-ID."""

from __future__ import annotations

import collections
import os
import subprocess
import sys

import pytest

import storage
from storage.delivery import mail_outbox as outbox
from tests.helpers import CLERK, register
from tests.sms.conftest import kill_at_random
from tests.sms.smtp_server import Relay

ROWS = 16
KILLS = 5
LEASE_S = 5  # what the loop computes: max(--lease-seconds 3, 5 × the relay's 1 s timeout)


@pytest.fixture
def slow_relay(tmp_path):
    server = Relay(tmp_path).start()
    server.recorder.answer_delay_s = 0.15  # kills land between the relay keeping an e-mail and the record
    yield server
    server.stop()


def _mail_process(store_url: str, relay: Relay, once: bool) -> subprocess.Popen:
    env = {**os.environ, "OKIENKO_DB": store_url, "OKIENKO_SMTP": f"smtp://127.0.0.1:{relay.port}?timeout=1",
           "OKIENKO_MAIL_FROM": "PUW Gdańsk <powiadomienia@uw.gda.example.pl>"}  # fmt: skip
    args = [sys.executable, "-m", "sms_modem", "mail", "--lease-seconds", "3", "--retry-seconds", "0.2"]
    if once:
        args.append("--once")
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _all_handed_over() -> bool:
    counts = outbox.counts()
    return not counts.get("queued") and not counts.get("sending")


@pytest.mark.slow
def test_kill_dash_nine_of_the_mail_loop_loses_nothing(store, slow_relay):
    for i in range(ROWS):
        filing = register(email=f"applicant.{i:02d}@example.com", language="en")
        storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    kills = kill_at_random(lambda: _mail_process(store.url, slow_relay, once=False), KILLS, seed=20261203,
                           done=_all_handed_over)  # fmt: skip
    # The last killed loop's lease runs out while this one waits for it: --once sends until nothing is due.
    final = _mail_process(store.url, slow_relay, once=True)
    assert final.wait(timeout=120) == 0
    while not _all_handed_over():  # a row still leased to a killed loop when --once looked
        final = _mail_process(store.url, slow_relay, once=True)
        assert final.wait(timeout=120) == 0

    counts = {state: n for state, n in outbox.counts().items() if n}
    assert counts == {"sent": ROWS}, counts  # every row ended sent: none lost, none stuck
    copies = collections.defaultdict(list)
    for received in slow_relay.received:
        copies[tuple(received.rcpt_tos)].append(received.message["Message-ID"])
    assert set(copies) == {(f"applicant.{i:02d}@example.com",) for i in range(ROWS)}
    assert all(len(set(ids)) == 1 for ids in copies.values()), copies  # a resent e-mail keeps its Message-ID
    duplicates = sum(len(ids) - 1 for ids in copies.values())
    assert duplicates <= kills, f"{duplicates} duplicates from {kills} kills"
    print(f"\n[{store.backend}] {kills} kills, {duplicates} duplicate e-mails (same Message-ID), {ROWS} rows all sent")
