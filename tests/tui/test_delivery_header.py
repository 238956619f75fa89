"""Both delivery channels in the clerk app's header (issue 18), with the real mail loop against a
real SMTP server (aiosmtpd on 127.0.0.1) on both databases: e-mail works, the relay goes away, the
loop is killed and goes stale (the store's clock moved on, not a real wait). The words alone say
the state; the colour only repeats the worse channel."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading

import pytest

from counter_tui.widgets.delivery_status import DeliveryStatus
from sms_modem.mail_loop import MailLoop
from storage.clock import frozen
from storage.delivery import heartbeat
from tests.sms.smtp_server import Relay
from tests.sms.test_mail import SENDER, settings
from tests.sms.test_mail_heartbeat import queue_mail, wait_for_mail_beat
from tests.tui.conftest import log_in, until

SIZE = (130, 40)
pytestmark = pytest.mark.parametrize(
    "store", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


def header(pilot) -> DeliveryStatus:
    return pilot.app.screen.query_one(DeliveryStatus)


async def header_says(pilot, text: str) -> DeliveryStatus:
    """Wait until the header's timer has read the store and says `text` (a state, not a time)."""
    await until(pilot, lambda: str(header(pilot).render()) == text, f"the header says {text!r}")
    return header(pilot)


async def test_header_shows_e_mail_working_then_the_relay_gone(app, tmp_path, monkeypatch):
    monkeypatch.setenv("OKIENKO_MODEM_REFRESH_S", "0.2")
    relay = Relay(tmp_path).start()
    loop = MailLoop(settings(relay.url, heartbeat_s=0.2))
    runner = threading.Thread(target=loop.run, daemon=True)
    relay_up = True
    try:
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot)
            assert str(header(pilot).render()) == "Modem: nie działa"  # no mail loop ever: no e-mail part
            runner.start()
            shown = await header_says(pilot, "Modem: nie działa · e-mail: działa")
            assert "pętla e-mail działa" in str(shown.tooltip)

            relay.stop()
            relay_up = False
            queue_mail()
            shown = await header_says(pilot, "Modem: nie działa · e-mail: serwer nieosiągalny")
            assert shown.has_class("-error") and "serwer poczty nie odpowiada" in str(shown.tooltip)
    finally:
        loop.stop.set()
        runner.join(timeout=30)
        if relay_up:
            relay.stop()


async def test_header_shows_a_killed_mail_loop_as_not_working_for_minutes(app, store, tmp_path, monkeypatch):
    monkeypatch.setenv("OKIENKO_MODEM_REFRESH_S", "0.2")
    relay = Relay(tmp_path).start()
    env = {**os.environ, "OKIENKO_DB": store.url, "OKIENKO_SMTP": relay.url, "OKIENKO_MAIL_FROM": SENDER}
    loop = subprocess.Popen([sys.executable, "-m", "sms_modem", "mail"], env=env, stdout=subprocess.DEVNULL,
                            stderr=(tmp_path / "mail.log").open("w"))  # fmt: skip
    try:
        beat = wait_for_mail_beat(lambda b: b.looked_at is not None, timeout=60)
    finally:
        loop.send_signal(signal.SIGKILL)
        loop.wait(timeout=30)
        relay.stop()
    assert heartbeat.latest(heartbeat.MAIL).running  # killed: nobody said goodbye
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await header_says(pilot, "Modem: nie działa · e-mail: działa")  # the row is fresh
        with frozen(beat.seen_at + dt.timedelta(minutes=12)):
            shown = await header_says(pilot, "Modem: nie działa · e-mail: nie działa od 12 min")
        assert "nie odzywa się od 12 min" in str(shown.tooltip)
