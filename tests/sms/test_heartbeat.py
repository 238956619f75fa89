"""The loop's heartbeat against the simulated modem: connected, unplugged, back, stopped; both databases."""

from __future__ import annotations

import threading
import time

import storage
from sms_modem.loop import SendLoop
from storage.delivery import heartbeat
from tests.helpers import CLERK, register
from tests.sms.conftest import fast_settings


def wait_for(check, timeout: float = 20.0) -> heartbeat.Heartbeat:
    deadline = time.monotonic() + timeout
    while True:
        beat = heartbeat.latest()
        if beat is not None and check(beat):
            return beat
        assert time.monotonic() < deadline, f"no such heartbeat; last: {beat}"
        time.sleep(0.05)


def test_heartbeat_follows_the_modem_and_the_loop(store, modem):
    loop = SendLoop(fast_settings(modem.path, heartbeat_s=0.3))
    runner = threading.Thread(target=loop.run, daemon=True)
    runner.start()
    try:
        beat = wait_for(lambda b: b.connected)
        assert (beat.signal, beat.network, beat.registration) == (21, "Orange PL", "home network")
        assert beat.sender == loop.settings.sender and beat.running and beat.quiet_hours is None
        assert heartbeat.current_state().code == heartbeat.OK

        filing = register(phone="+48 501 234 567")
        storage.set_stage(filing.number, "formal_check", clerk=CLERK)
        beat = wait_for(lambda b: b.last_sent_at is not None)
        assert len(modem.received) == 1

        modem.unplug()
        beat = wait_for(lambda b: not b.connected and b.last_error)
        assert heartbeat.current_state().code == heartbeat.NOT_RUNNING
        assert "501" not in beat.last_error  # no phone number in what the desks read
        seen = beat.seen_at
        wait_for(lambda b: b.seen_at > seen)  # still beating while it reconnects

        modem.plug_in()
        wait_for(lambda b: b.connected)
    finally:
        loop.stop.set()
        runner.join(timeout=20)
    beat = heartbeat.latest()
    assert not beat.running and not beat.connected and beat.last_sent_at is not None
    assert heartbeat.current_state().reason == "stopped"


def test_a_due_text_is_counted_while_the_modem_is_away(store, modem):
    modem.unplug()
    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    loop = SendLoop(fast_settings(modem.path, heartbeat_s=0.3))
    runner = threading.Thread(target=loop.run, daemon=True)
    runner.start()
    try:
        beat = wait_for(lambda b: b.seen_at is not None)
        assert beat.queue_depth == 1 and beat.oldest_due_at is not None and not beat.connected
    finally:
        loop.stop.set()
        runner.join(timeout=20)
