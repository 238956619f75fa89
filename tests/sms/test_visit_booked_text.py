"""Issue 20, problem 8: a confirmed booking's text through the real loop and the simulated modem – the
day, time, office and booking reference (what cancelling online asks for), in the applicant's
language, one SMS, no name; sent once, and not at all for a visit cancelled before it went out."""

from __future__ import annotations

import datetime as dt

import pytest
from gsmmodem.pdu import encodeSmsSubmitPdu

import storage
from sms_modem.texts import VISIT_BOOKED_TEMPLATES, encoding_of, text_for
from storage import portal
from storage.db import unit_of_work, write_transaction
from storage.models import SmsOutbox, Visit
from tests.sms.conftest import run_once as run_loop_once
from tests.storage.visit_helpers import NOW, TUESDAY, code_of, hold


def run_once(port: str, at: dt.datetime = NOW) -> int:
    with storage.clock.frozen(at + dt.timedelta(seconds=5)):
        return run_loop_once(port)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("uk", "PUW Gdansk: візит 23.03.2027 {time}, Gdansk, №{ref}"),
        ("pl", "PUW Gdansk: wizyta w urzedzie (Gdansk) zarezerwowana na 23.03.2027 godz. {time}. "
               "Numer rezerwacji (do odwolania): {ref}"),
    ],
)  # fmt: skip
def test_a_confirmed_booking_texts_its_day_time_office_and_reference(store, modem, lang, expected):
    held = hold("+48 501 234 567")
    assert run_once(modem.path) == 1  # the code
    code = modem.received[0].text.rsplit(" ", 1)[1]  # as the phone shows it
    with write_transaction():  # the applicant's language
        Visit.update(language=lang).where(Visit.reference == held.reference).execute()
    booked = portal.confirm_visit(held.reference, code, "203.0.113.7", now=NOW + dt.timedelta(minutes=1))
    assert booked.local_date == TUESDAY
    assert run_once(modem.path, NOW + dt.timedelta(minutes=1)) == 1
    sms = modem.received[1]
    assert sms.number == "+48501234567"
    assert sms.text == expected.format(time=booked.local_time, ref=booked.reference)
    assert "Olena" not in sms.text and "Kovalenko" not in sms.text
    assert encoding_of(sms.text).fits
    assert run_once(modem.path, NOW + dt.timedelta(minutes=2)) == 0  # once


def test_a_visit_cancelled_before_its_confirmation_went_out_gets_none(store, modem):
    held = hold("+48 501 234 567")
    booked = portal.confirm_visit(held.reference, code_of(held.reference), "203.0.113.7", now=NOW)
    with unit_of_work():
        queued = SmsOutbox.select().where(SmsOutbox.state == "queued", SmsOutbox.code.is_null()).count()
    assert queued == 1
    portal.request_cancellation(booked.reference, "203.0.113.7", now=NOW)
    portal.confirm_cancellation(booked.reference, code_of(booked.reference), "203.0.113.7", now=NOW)
    assert run_once(modem.path) == 0
    assert modem.received == []


@pytest.mark.parametrize("lang", sorted(VISIT_BOOKED_TEMPLATES))
@pytest.mark.parametrize("office", ["Gdansk", "Slupsk", "X" * 20])
def test_each_confirmation_text_fits_one_sms_with_the_longest_office_and_reference(lang, office):
    text = text_for("visit_booked", lang, "https://okienko.example/status", office=office,
                    reference="GDAX-7K3M9Q", day=dt.date(2027, 12, 31), time="23:59")  # fmt: skip
    encoding = encoding_of(text)
    assert encoding.name == ("GSM-7" if lang in ("pl", "en") else "UCS-2") and encoding.fits
    assert len(encodeSmsSubmitPdu("+48501234567", text)) == 1
    assert "31.12.2027" in text and "23:59" in text and "GDAX-7K3M9Q" in text and office in text
