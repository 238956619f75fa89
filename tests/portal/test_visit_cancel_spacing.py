"""Issue 17, outside trial, finding F4: whoever knows a booking reference could make the portal text a
new cancellation code to the visit's owner again and again (from any number of addresses, no spacing
per reference). Now a reference gets one cancellation-code text per spell and a bounded number a day;
asking again meanwhile gets the very answer a first request gets (the earlier code still works), and
an unknown reference the answer it always had – so the answer never tells whether a reference exists."""

from __future__ import annotations

import datetime as dt

from storage.visits import cancelling, limits
from tests.portal.conftest import Portal
from tests.portal.visit_helpers import CSRF, ask_for_code, confirm, sms_code, visit_state
from tests.storage.visit_helpers import NOW, book

STRANGERS = [f"198.51.{n}.{n + 10}" for n in range(1, 9)]  # eight networks, as a patient stranger would use


def booked_reference(portal: Portal) -> str:
    path, reference = ask_for_code(portal)
    assert confirm(portal, path, sms_code(reference)).status_code == 200
    return reference


def ask_to_cancel(portal_app, address: str, reference: str):
    stranger = Portal(portal_app, address)
    token = CSRF.search(stranger.get("/visit/cancel").get_data(as_text=True))[1]
    return stranger.post("/visit/cancel", data={"csrf_token": token, "reference": reference})


def texts_of(reference: str) -> int:
    """Every text queued for the visit so far (the booking's code text among them)."""
    from storage.db import unit_of_work
    from storage.models import SmsOutbox, Visit

    with unit_of_work():
        return SmsOutbox.select().join(Visit).where(Visit.reference == reference).count()


def test_strangers_who_know_a_reference_get_one_cancel_code_text_sent_not_one_each(portal, portal_app):
    reference = booked_reference(portal)
    after_booking = texts_of(reference)
    answers = [ask_to_cancel(portal_app, address, reference) for address in STRANGERS]
    # Every request is answered as a first one is: on to the code page, nothing that tells them apart.
    assert {(a.status_code, a.headers["Location"]) for a in answers} == {(303, f"/visit/cancel/{reference}")}
    assert texts_of(reference) - after_booking == 1  # was 8: one text per request, to the owner's phone
    # The owner, who got that one text, still cancels with its code.
    owner_code = sms_code(reference)
    assert confirm(portal, f"/visit/cancel/{reference}", owner_code).status_code == 200
    assert visit_state(reference) == "cancelled"


def test_an_unknown_reference_is_answered_as_before_whatever_the_spacing(portal_app):
    unknown = "GDA-ZZZZZZ"
    for address in STRANGERS[:3]:
        answer = ask_to_cancel(portal_app, address, unknown)
        assert answer.status_code == 400
        assert 'id="reference-error"' in answer.get_data(as_text=True)  # "No booking with this reference …"


def test_the_spacing_lets_a_text_through_again_later_and_bounds_a_day(store):
    """Asked every 5 minutes from ever new addresses for the 13 hours the visit can still be
    cancelled: a text at once, the next after the spacing, then ever further apart."""
    booked = book()
    after_booking = texts_of(booked.reference)
    sent_at = []
    for minute in range(0, 13 * 60, 5):
        at, address = NOW + dt.timedelta(minutes=minute), f"192.0.2.{minute // 5 + 1}"
        if cancelling.request_cancellation(booked.reference, address, now=at):
            sent_at.append(minute)
    assert sent_at[:3] == [0, 10, 30]
    assert len(sent_at) <= limits.CANCEL_TEXTS_A_DAY
    assert texts_of(booked.reference) - after_booking == len(sent_at)
