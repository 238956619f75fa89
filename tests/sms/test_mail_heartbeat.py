"""The mail loop's heartbeat (issue 18), with the real loop against a real SMTP server (aiosmtpd on
127.0.0.1), on both databases: a working relay, a relay that goes away and comes back, a loop
stopped and a loop killed; what the desks' facade makes of each, and what `sms_modem status` shows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time

import storage
from sms_modem.delivery import ANSWERS
from sms_modem.mail_loop import MailLoop
from storage import desk
from storage.clock import frozen, utcnow
from storage.delivery import heartbeat
from tests.helpers import CLERK, register
from tests.sms.smtp_server import Relay
from tests.sms.test_mail import SENDER, settings

ADDRESS = "olena.kowalenko@example.com"


def wait_for_mail_beat(check, timeout: float = 30.0) -> heartbeat.Heartbeat:
    deadline = time.monotonic() + timeout
    while True:
        beat = heartbeat.latest(heartbeat.MAIL)
        if beat is not None and check(beat):
            return beat
        assert time.monotonic() < deadline, f"no such mail heartbeat; last: {beat}"
        time.sleep(0.05)


def queue_mail() -> None:
    filing = register(email=ADDRESS)
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)


def no_address_in(beat: heartbeat.Heartbeat) -> None:
    kept = json.dumps(beat.as_dict(), ensure_ascii=False)
    assert "olena" not in kept and "example.com" not in kept and "@" not in kept, kept


def test_the_loops_answers_are_the_heartbeats_words():
    assert set(ANSWERS.values()) == {heartbeat.TRY_OK, heartbeat.TRY_UNREACHABLE, heartbeat.TRY_REFUSED,
                                     heartbeat.TRY_MAYBE_SENT}  # fmt: skip


def test_the_header_state_follows_the_relay_and_the_loop(store, tmp_path):
    relay = Relay(tmp_path).start()
    loop = MailLoop(settings(relay.url, heartbeat_s=0.3))
    runner = threading.Thread(target=loop.run, daemon=True)
    runner.start()
    try:
        beat = wait_for_mail_beat(lambda b: b.looked_at is not None)
        assert beat.running and beat.sender == f"smtp://127.0.0.1:{relay.port}" and beat.channel == "mail"
        assert desk.mail_state().code == desk.OK and desk.modem_state().code == desk.NOT_RUNNING

        queue_mail()
        beat = wait_for_mail_beat(lambda b: b.last_try == "ok" and b.last_sent_at is not None)
        assert len(relay.received) == 1 and desk.mail_state().code == desk.OK
        no_address_in(beat)

        relay.stop()  # the relay goes away; the next e-mail finds nobody answering
        queue_mail()
        beat = wait_for_mail_beat(lambda b: b.last_try == "unreachable" and b.queue_depth == 1)
        state = desk.mail_state()
        assert (state.code, state.reason) == (desk.RELAY_FAILING, "unreachable")
        assert beat.last_error and "cannot connect" in beat.last_error
        no_address_in(beat)

        relay = Relay(tmp_path, port=relay.port).start()  # back: the waiting e-mail goes out
        wait_for_mail_beat(lambda b: b.last_try == "ok" and b.queue_depth == 0)
        assert len(relay.received) == 1 and desk.mail_state().code == desk.OK
    finally:
        loop.stop.set()
        runner.join(timeout=30)
        relay.stop()
    beat = heartbeat.latest(heartbeat.MAIL)
    assert not beat.running and desk.mail_state().reason == "stopped"


def test_a_relay_refusing_every_try_is_failing_once_e_mails_waited_too_long(store, tmp_path):
    relay = Relay(tmp_path).start()
    relay.recorder.rcpt_replies = ["421 4.3.2 service shutting down"] * 50
    queued_at = utcnow()
    with frozen(queued_at):
        queue_mail()
        queue_mail()
    try:
        # The loop comes round seven minutes on (the clock of storage.clock, not a real wait).
        with frozen(queued_at + dt.timedelta(minutes=7)):
            assert MailLoop(settings(relay.url, heartbeat_s=0.3)).run(once=True) == 0
            beat = heartbeat.latest(heartbeat.MAIL)
            assert (beat.last_try, beat.last_try_code, beat.queue_depth) == ("refused", "smtp:421", 2)
            assert (beat.oldest_due_at, beat.running) == (queued_at, False)
            # The --once loop has said goodbye; one still running with these figures says the relay refuses.
            state = heartbeat.mail_state(dataclasses.replace(beat, running=True), beat.seen_at)
            assert (state.code, state.reason, state.detail, state.minutes) == (desk.RELAY_FAILING, "refused",
                                                                                "smtp:421", 7)  # fmt: skip
    finally:
        relay.stop()
    assert not relay.received


def test_a_killed_loop_goes_stale_and_status_shows_both_channels(store, tmp_path):
    relay = Relay(tmp_path).start()
    env = {**os.environ, "OKIENKO_DB": store.url, "OKIENKO_SMTP": relay.url, "OKIENKO_MAIL_FROM": SENDER}
    loop = subprocess.Popen([sys.executable, "-m", "sms_modem", "mail"], env=env, stdout=subprocess.DEVNULL,
                            stderr=(tmp_path / "mail.log").open("w"))  # fmt: skip
    try:
        queue_mail()
        beat = wait_for_mail_beat(lambda b: b.last_try == "ok", timeout=60)
    finally:
        loop.send_signal(signal.SIGKILL)  # no goodbye: the row keeps saying "running"
        loop.wait(timeout=30)
        relay.stop()
    beat = heartbeat.latest(heartbeat.MAIL)
    assert beat.running
    # Nobody rewrites the row any more: the desks call it stale once three beats are missed.
    assert desk.mail_state(beat.seen_at + dt.timedelta(minutes=2)).code == desk.OK
    stale = desk.mail_state(beat.seen_at + dt.timedelta(minutes=12))
    assert (stale.code, stale.reason, stale.minutes) == (desk.NOT_RUNNING, "stale", 12)

    status = subprocess.run([sys.executable, "-m", "sms_modem", "status", "--json"], env=env, capture_output=True,
                            text=True, timeout=60, check=True)  # fmt: skip
    shown = json.loads(status.stdout)
    assert shown["mail"]["state"] == "ok" and shown["modem"]["state"] == "not_running"
    (mail_beat,) = shown["mail_heartbeats"]
    assert (mail_beat["sender"], mail_beat["last_try"], mail_beat["channel"]) == (beat.sender, "ok", "mail")
    assert shown["heartbeats"] == []  # the SMS loop never ran here
    text = subprocess.run([sys.executable, "-m", "sms_modem", "status"], env={**env, "COLUMNS": "160"},
                          capture_output=True, text=True, timeout=60, check=True).stdout  # fmt: skip
    assert "e-mail: ok" in text and f"heartbeat of {beat.sender}" in text and "last try" in text
    assert "no SMS heartbeat yet" in text and ADDRESS not in text
