"""The mail loop against a real SMTP server (aiosmtpd on 127.0.0.1), on both databases: headers
and the UTF-8 body in each language, STARTTLS with a login, a 451 retried, a 550 failed, a relay
that is down or goes silent, and never a name, password or message text in any e-mail or log."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import time
from email.utils import parsedate_to_datetime

import pytest

import storage
from sms_modem.mail_loop import MailLoop, MailSettings, parse_sender
from sms_modem.smtp_relay import RelayConfig, SettingsError
from storage.db import unit_of_work
from storage.models import MailOutbox
from tests.helpers import CLERK, register
from tests.sms.smtp_server import PASSWORD, Relay, free_port

PORTAL = "https://status.example.gov.pl/"
SENDER = "PUW Gdańsk – Cudzoziemcy <powiadomienia@uw.gda.example.pl>"
NAMES = {"pl": "Zażółć Gęśląjaźń", "en": "John Smithson", "ru": "Наталья Кузнецова", "uk": "Олена Коваленко"}
SECRET_TEXT = "Prosimy o oryginał umowy najmu do 2030-01-31."
# What each language says, so a test sees the right language arrive, not just any text.
STAGE_WORDS = {"pl": "zmienił się etap", "en": "the stage of your case", "ru": "изменился этап",
               "uk": "змінився етап"}  # fmt: skip
MESSAGE_WORDS = {"pl": "nowa wiadomość z urzędu", "en": "a new message from the office",
                 "ru": "новое сообщение от управления", "uk": "нове повідомлення від управління"}  # fmt: skip


@pytest.fixture
def relay(tmp_path):
    server = Relay(tmp_path).start()
    yield server
    server.stop()


def settings(url: str, **overrides) -> MailSettings:
    values = dict(relay=RelayConfig.parse(url), sender=parse_sender(SENDER), portal_url=PORTAL, retry_base_s=0.2,
                  retry_cap_s=1.0, relay_down_cap_s=0.2, idle_poll_s=0.05)  # fmt: skip
    values.update(overrides)
    return MailSettings(**values)


def run_once(url: str, **overrides) -> int:
    return MailLoop(settings(url, **overrides)).run(once=True)


def our_log(caplog) -> str:
    """What the mail loop logged (the test server logs the envelope on its own)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("okienko"))


def mail_rows() -> list[MailOutbox]:
    with unit_of_work():
        return list(MailOutbox.select().order_by(MailOutbox.id))


def case_with_mail(language: str = "pl", **overrides):
    values = {"language": language, "applicant_name": NAMES[language], "email": f"applicant.{language}@example.com"}
    values.update(overrides)
    return register(**values)


def test_each_language_gets_both_notices_with_proper_headers_and_a_utf8_body(store, relay):
    filings = {}
    for lang in NAMES:
        filing = filings[lang] = case_with_mail(lang, office="SLU" if lang == "ru" else None)
        assert storage.set_stage(filing.number, "formal_check", clerk=CLERK).mail == "queued"
        assert storage.write_message(filing.number, clerk=CLERK, text=SECRET_TEXT).mail == "queued"
    assert run_once(relay.url) == 8
    assert {row.state for row in mail_rows()} == {"sent"}
    assert len(relay.received) == 8
    offices = {o.code: o.name for o in storage.offices()}
    kinds: list[tuple[str, str]] = []
    for got in relay.received:
        message = got.message
        lang = message["Content-Language"]
        assert lang in filings, got.raw[:700]
        filing = filings[lang]
        assert got.mail_from == "powiadomienia@uw.gda.example.pl"
        assert got.rcpt_tos == [f"applicant.{lang}@example.com"] == [message["To"]]
        assert str(message["From"]) == SENDER
        assert parsedate_to_datetime(message["Date"]) > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
        assert message["Message-ID"].startswith("<okienko.") and message["Message-ID"].endswith("@uw.gda.example.pl>")
        assert message["Auto-Submitted"] == "auto-generated"
        assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
        body = message.get_content()
        kind = "stage" if STAGE_WORDS[lang] in body.lower() else "message"
        assert kind == "stage" or MESSAGE_WORDS[lang] in body.lower(), body
        kinds.append((lang, kind))
        assert (offices["SLU"] if lang == "ru" else offices["GDA"]) in body  # the office that holds the case
        assert PORTAL in body
        # Every subject has non-ASCII letters: sent as RFC 2047 encoded words.
        assert message["Subject"] and "=?utf-8?" in got.raw.decode("ascii").split("\r\n\r\n")[0].lower()
        everything = got.raw.decode("ascii") + str(message["Subject"]) + body
        assert got.raw.isascii()  # quoted-printable and encoded words: any relay carries it
        for secret in (NAMES[lang], filing.password, SECRET_TEXT, "umowy", filing.display_number, filing.number):
            assert secret not in everything
    assert sorted(kinds) == sorted((lang, kind) for lang in NAMES for kind in ("stage", "message"))
    # The clerk sees each outcome on the case, beside the SMS.
    detail = storage.case_detail(filings["uk"].number)
    assert [(m.state, m.stage is not None, m.message is not None) for m in detail.mail] == [
        ("sent", True, False),
        ("sent", False, True),
    ]
    assert detail.messages[0].mail_state == "sent" and detail.email == "applicant.uk@example.com"


def test_starttls_with_a_login_and_the_password_never_shown(store, tmp_path, caplog):
    server = Relay(tmp_path, starttls=True).start()
    try:
        filing = case_with_mail("en")
        storage.set_stage(filing.number, "formal_check", clerk=CLERK)
        caplog.set_level(logging.INFO)
        assert run_once(server.url) == 1
        (got,) = server.received
        assert got.over_tls and got.logged_in
        assert "the stage of your case" in got.message.get_content().lower()
        # A wrong password: the relay refuses the login, the e-mail waits, the password is nowhere.
        storage.write_message(filing.number, clerk=CLERK, text=SECRET_TEXT)
        wrong = server.url.replace("Pa55", "Wr0ng")
        assert run_once(wrong) == 0
        row = mail_rows()[-1]
        assert (row.state, row.attempts, row.error_code) == ("queued", 0, "relay_down")
        assert "Wr0ng" not in row.last_error and "***" in row.last_error
        logged = our_log(caplog)
        assert "relay_down" in logged and "Wr0ng" not in logged and PASSWORD not in logged
        assert PASSWORD not in str(settings(wrong))
        assert len(server.received) == 1
        assert run_once(server.url) == 1 and len(server.received) == 2
    finally:
        server.stop()


def test_a_temporary_refusal_is_retried_then_sent(store, relay):
    filing = case_with_mail("ru")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    relay.recorder.data_replies.append("451 4.3.0 Mailbox busy, try again later")
    assert run_once(relay.url) == 0
    (row,) = mail_rows()
    assert (row.state, row.attempts, row.error_code) == ("queued", 1, "smtp:451")
    assert row.due_at > row.updated_at - dt.timedelta(seconds=1)
    assert storage.case_detail(filing.number).mail[0].error_code == "smtp:451"  # the clerk sees why it waits
    time.sleep(1.1)  # the backoff (0.2 s in this test, made a whole second: the store keeps seconds)
    assert run_once(relay.url) == 1
    (row,) = mail_rows()
    assert (row.state, row.attempts, row.error_code, row.last_error) == ("sent", 2, None, None)
    assert len(relay.received) == 1


def test_a_permanent_refusal_fails_the_mail_and_keeps_the_address_out_of_the_reason(store, relay, caplog):
    filing = case_with_mail("pl")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    relay.recorder.rcpt_replies.append("550 5.1.1 <applicant.pl@example.com>: Recipient address rejected")
    caplog.set_level(logging.INFO)
    assert run_once(relay.url) == 0
    (row,) = mail_rows()
    assert (row.state, row.attempts, row.error_code) == ("failed", 1, "smtp:550")
    assert "Recipient address rejected" in row.last_error and "applicant.pl@example.com" not in row.last_error
    assert "Recipient address rejected" in our_log(caplog) and "applicant.pl@example.com" not in our_log(caplog)
    assert run_once(relay.url) == 0 and relay.received == []  # never tried again
    (shown,) = storage.case_detail(filing.number).mail
    assert (shown.state, shown.error_code) == ("failed", "smtp:550")


def test_too_many_temporary_refusals_fail_the_mail(store, relay):
    filing = case_with_mail("en")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    relay.recorder.rcpt_replies += ["450 4.2.0 greylisted"] * 3
    for _ in range(3):
        run_once(relay.url, max_attempts=3, retry_base_s=0)
    (row,) = mail_rows()
    assert (row.state, row.attempts, row.error_code) == ("failed", 3, "smtp:450")


def test_a_relay_that_is_down_loses_nothing(store, tmp_path):
    port = free_port()
    filing = case_with_mail("uk")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    storage.write_message(filing.number, clerk=CLERK, text=SECRET_TEXT)
    down = Relay(tmp_path, port=port)  # not started: the connection is refused
    assert run_once(down.url) == 0
    for _ in range(3):  # a loop that keeps finding it down never uses up an attempt
        MailLoop(settings(down.url)).run(once=True)
    rows = mail_rows()
    # The first due one was tried (and given back with the reason); the loop stopped before the next.
    assert [(r.state, r.attempts, r.error_code) for r in rows] == [("queued", 0, "relay_down"), ("queued", 0, None)]
    down.start()
    try:
        assert run_once(down.url) == 2
        assert [r.state for r in mail_rows()] == ["sent", "sent"]
        assert len(down.received) == 2
    finally:
        down.stop()


def test_a_relay_that_goes_silent_after_the_message_is_not_sent_twice(store, relay):
    filing = case_with_mail("pl")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    relay.recorder.drop_after_data = True
    assert run_once(relay.url) == 0
    (row,) = mail_rows()
    assert (row.state, row.error_code) == ("unknown", "maybe_sent")
    relay.recorder.drop_after_data = False
    assert run_once(relay.url) == 0 and len(relay.received) == 1  # a person decides, not the loop
    # ...and the person finds it where the texts that need one are listed, with its case number.
    status = subprocess.run([sys.executable, "-m", "sms_modem", "status", "--json"], capture_output=True, text=True,
                            env={**os.environ, "OKIENKO_DB": store.url}, check=True)  # fmt: skip
    (listed,) = json.loads(status.stdout)["needs_attention"]
    assert (listed["channel"], listed["id"], listed["state"]) == ("e-mail", row.id, "unknown")
    assert listed["case_number"] == storage.format_number(filing.number)
    wide = {**os.environ, "OKIENKO_DB": store.url, "COLUMNS": "160"}
    shown = subprocess.run([sys.executable, "-m", "sms_modem", "status"], capture_output=True, text=True, env=wide,
                           check=True).stdout  # fmt: skip
    assert "Needs a person" in shown and "e-mail" in shown and storage.format_number(filing.number) in shown


def test_a_restarted_loop_sends_one_mail_per_message(store, relay):
    filing = case_with_mail("en")
    first = storage.write_message(filing.number, clerk=CLERK, text=SECRET_TEXT)
    # A loop that claimed it and died: the lease runs out and another loop takes the same row.
    from storage.delivery import mail_outbox

    (claimed,) = mail_outbox.claim_due("dead-loop", lease_seconds=0)
    assert claimed.kind == "message"
    time.sleep(1.1)
    assert run_once(relay.url) == 1
    assert run_once(relay.url) == 0
    (row,) = mail_rows()
    assert (row.message_id, row.state) == (first.id, "sent")
    assert mail_outbox.record_sent(row.id, "dead-loop", "<late@x>") is False  # the dead loop's word no longer counts
    assert len(relay.received) == 1


def test_the_cli_runs_the_loop_and_refuses_a_bad_relay_url_in_one_masked_line(store, relay):
    filing = case_with_mail("pl")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    env = {**os.environ, "OKIENKO_DB": store.url, "OKIENKO_SMTP": relay.url, "OKIENKO_MAIL_FROM": SENDER}
    storage.db.close_database()
    command = [sys.executable, "-m", "sms_modem", "mail", "--once", "--portal-url", PORTAL]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "sent 1" and len(relay.received) == 1
    assert '"event": "mail_attempt"' in done.stderr and "example.com" not in done.stderr
    status = subprocess.run([sys.executable, "-m", "sms_modem", "status", "--json"], env=env, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert json.loads(status.stdout)["mail_counts"]["sent"] == 1
    env["OKIENKO_SMTP"] = "smtp://user:Top$ecret@relay.example:587"  # a password without encryption
    bad = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "Top$ecret" not in bad.stderr and "starttls=1" in bad.stderr


@pytest.mark.parametrize(
    "url, complaint",
    [
        ("", "not set"),
        ("http://relay.example", "scheme"),
        ("smtp://relay.example?starttls=maybe", "starttls must be"),
        ("smtp://relay.example?tls=1", "unknown option 'tls'"),
        ("smtps://u:p@relay.example?starttls=1", "TLS already"),
        ("smtp://relay.example?timeout=0", "timeout"),
    ],
)
def test_relay_urls_that_cannot_work_are_refused(url, complaint):
    with pytest.raises(SettingsError, match=complaint):
        RelayConfig.parse(url)


def test_relay_url_defaults():
    config = RelayConfig.parse("smtp://u%40x:p%3Ass@relay.example?starttls=1&timeout=5")
    assert (config.host, config.port, config.starttls, config.username, config.password) == (
        "relay.example", 587, True, "u@x", "p:ss",
    )  # fmt: skip
    assert "p:ss" not in repr(config) and config.shown == "smtp://u@x:***@relay.example:587"
    assert RelayConfig.parse("smtps://relay.example").port == 465
    assert RelayConfig.parse("smtp://127.0.0.1").port == 25
    with pytest.raises(SettingsError, match="ASCII"):
        parse_sender("Urząd <powiadomienia@urząd.pl>")
