"""A visit's code through the real loop and the simulated modem: it goes first, it goes in quiet
hours, it says only the code and the office, and it is not kept once sent."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from gsmmodem.pdu import encodeSmsSubmitPdu

import storage
from sms_modem.loop import QuietHours
from sms_modem.texts import VISIT_CODE_TEMPLATES, encoding_of, text_for
from storage import portal
from storage.db import unit_of_work, write_transaction
from storage.models import SmsOutbox, Visit
from tests.helpers import CLERK, register
from tests.sms.conftest import run_once as run_loop_once
from tests.storage.visit_helpers import NOW, TUESDAY, code_of, hold


def run_once(port: str, **overrides) -> int:
    """The loop at the visits' fixed moment (the code texts were queued then), seconds later."""
    with storage.clock.frozen(NOW + dt.timedelta(seconds=5)):
        return run_loop_once(port, **overrides)


def outbox_rows() -> list[tuple]:
    with unit_of_work():
        return list(SmsOutbox.select(SmsOutbox.visit, SmsOutbox.state, SmsOutbox.code).order_by(SmsOutbox.id).tuples())


def test_the_code_reaches_the_phone_first_and_is_not_kept(store, modem):
    first = register(phone="+48 501 000 001", language="pl")
    storage.set_stage(first.number, "formal_check", clerk=CLERK)  # a stage text queued before the code
    held = hold("+48 501 234 567")
    code = code_of(held.reference)
    assert run_once(modem.path) == 2
    assert [s.number for s in modem.received] == ["+48501234567", "+48501000001"]  # the code went first
    text = modem.received[0].text
    assert text == f"PUW Gdansk: код для візиту до установи (Gdansk): {code}"
    assert [(state, kept) for _, state, kept in outbox_rows()] == [("delivered", None), ("delivered", None)]
    # The person types the code from the phone.
    assert portal.confirm_visit(held.reference, code, "203.0.113.7", now=NOW).local_date == TUESDAY


def test_in_quiet_hours_only_code_texts_go_out(store, modem):
    stage = register(phone="+48 501 000 001", language="en")
    storage.set_stage(stage.number, "formal_check", clerk=CLERK)
    held = portal.request_visit("SLU", "filing", portal.visit_times("SLU", "filing", TUESDAY, now=NOW)[0].starts_at,
                                "Anh Nguyen", "+48 502 345 678", "pl", "203.0.113.8", now=NOW)  # fmt: skip
    code = code_of(held.reference)
    now = dt.datetime.now(storage.clock.WARSAW)
    around_now = QuietHours((now - dt.timedelta(hours=1)).time(), (now + dt.timedelta(hours=1)).time())
    assert run_once(modem.path, quiet=around_now) == 1
    (sms,) = modem.received
    assert sms.number == "+48502345678" and sms.text == f"PUW Gdansk: kod wizyty w urzedzie (Slupsk): {code}"
    assert [state for _, state, _ in outbox_rows()] == ["queued", "delivered"]  # the stage text waits for morning
    assert held.office == "SLU"


def test_a_code_no_longer_valid_is_cancelled_not_sent(store, modem):
    held = hold()
    portal.confirm_visit(held.reference, code_of(held.reference), "203.0.113.7", now=NOW)  # typed before it was sent
    second = hold("+48 502 345 678", client="203.0.113.9")
    with write_transaction():  # the modem was down longer than the code lives
        Visit.update(code_expires_at=dt.datetime(2000, 1, 1)).where(Visit.reference == second.reference).execute()
    assert run_once(modem.path) == 1  # only the first visit's confirmation (issue 20): no code text
    (sms,) = modem.received
    assert sms.text.startswith("PUW Gdansk: візит 23.03.2027 ") and sms.text.endswith(held.reference)
    assert [(state, code) for _, state, code in outbox_rows()] == [
        ("cancelled", None), ("delivered", None), ("cancelled", None)
    ]  # fmt: skip


@pytest.mark.parametrize("lang", sorted(VISIT_CODE_TEMPLATES))
@pytest.mark.parametrize("office", ["Gdansk", "Slupsk", "X" * 20])
def test_each_code_text_fits_one_sms_and_says_only_the_code_and_the_office(lang, office):
    text = text_for("visit_code", lang, "https://okienko.example/status", "123456", office)
    encoding = encoding_of(text)
    assert encoding.name == ("GSM-7" if lang in ("pl", "en") else "UCS-2") and encoding.fits
    assert len(encodeSmsSubmitPdu("+48501234567", text)) == 1
    assert re.findall(r"\d+", text) == ["123456"]  # no date, time, amount or case number
    assert office in text and "http" not in text
