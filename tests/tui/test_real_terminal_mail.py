"""Both channels in the clerk app's header in a real terminal (issue 18), 80 columns wide: tmux runs
the desk, the mail loop (`python -m sms_modem mail`) runs as its own process against a real SMTP
server (aiosmtpd on 127.0.0.1) on the same store. The header says that e-mail works; the relay
then goes away, and the loop is stopped: the header follows without a key being pressed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

import storage
from tests.sms.smtp_server import Relay
from tests.sms.test_mail import SENDER
from tests.tui.terminal import demo_store, desk_in_tmux, log_in, need_tmux
from tests.tui.test_real_terminal_modem import _stop

SIZE = (80, 30)


@pytest.fixture
def office(tmp_path):
    need_tmux()
    db_url = demo_store(tmp_path, cases=4)
    relay = Relay(tmp_path).start()
    env = {**os.environ, "OKIENKO_DB": db_url, "OKIENKO_SMTP": relay.url, "OKIENKO_MAIL_FROM": SENDER}
    loop = subprocess.Popen([sys.executable, "-m", "sms_modem", "mail"], env=env, stdout=subprocess.DEVNULL,
                            stderr=(tmp_path / "mail.log").open("w"))  # fmt: skip
    storage.open_database(db_url)
    relay_up = [True]
    try:
        with desk_in_tmux(tmp_path, db_url, SIZE, "OKIENKO_MODEM_REFRESH_S=0.5") as term:
            yield term, relay, relay_up, loop, tmp_path
    finally:
        _stop(loop)
        if relay_up[0]:
            relay.stop()
        storage.db.close_database()


def _header(screen: str) -> str:
    return screen.splitlines()[0].rstrip()


def test_header_shows_e_mail_at_80_columns_in_tmux(office):
    term, relay, relay_up, loop, tmp_path = office
    log_in(term)
    screen = term.wait_for("e-mail: działa", timeout=60)
    assert _header(screen).endswith("Modem: nie działa · e-mail: działa"), screen
    (tmp_path / "screen-ok.txt").write_text(screen, encoding="utf-8")

    relay.stop()
    relay_up[0] = False
    filing = storage.register_filing(clerk="demo", case_type="temp_work", applicant_name="Test Poczty",
                                     email="applicant@example.com", language="pl")  # fmt: skip
    storage.set_stage(filing.number, "formal_check", clerk="demo")
    screen = term.wait_for("e-mail: serwer nieosiągalny", timeout=60)
    assert _header(screen).endswith("e-mail: serwer nieosiągalny"), screen
    (tmp_path / "screen-relay-down.txt").write_text(screen, encoding="utf-8")

    loop.send_signal(signal.SIGTERM)
    loop.wait(timeout=30)
    screen = term.wait_for("e-mail: nie działa", timeout=60)
    assert _header(screen).endswith("Modem: nie działa · e-mail: nie działa"), screen
    assert "e-mail: działa" not in screen and "nieosiągalny" not in screen
    (tmp_path / "screen-stopped.txt").write_text(screen, encoding="utf-8")
