"""Issue 20, problem 8: a confirmed booking's text through the real loop and the simulated modem – the
day, time, office and booking reference (what cancelling online asks for), in the applicant's
language, one SMS, no name; sent once, and not at all for a visit cancelled before it went out."""

from __future__ import annotations

import datetime as dt

import pytest

import storage
from sms_modem.texts import encoding_of
from storage import portal
from storage.db import unit_of_work
from storage.models import SmsOutbox
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
    code = modem.received[0].text.rsplit(" ", 1)[1]
    assert code == code_of(held.reference) or code_of(held.reference) is None
    with unit_of_work():
        from storage.models import Visit

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
