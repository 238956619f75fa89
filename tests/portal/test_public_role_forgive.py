"""Issue 20, problems 7 and 8, as the portal's PostgreSQL role (no right on sms_outbox): a wrong number
releases the hold and drops its text, a resend and a booking's confirmation text are queued only
through the SECURITY DEFINER functions – the confirmation only for a visit booked in that very
transaction, and once – and the role still cannot read or write the outbox itself."""

from __future__ import annotations

import datetime as dt

import pytest

import storage
from storage.db import database
from tests.portal.test_public_role import public_role  # noqa: F401 – the fixture
from tests.portal.test_public_role_outbox import queued_texts, refused
from tests.portal.test_public_role_visits import as_owner
from tests.storage.visit_helpers import NOW, code_of, first_slot

pytestmark = pytest.mark.parametrize("store", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
CLIENT = "203.0.113.7"


def as_role(role_url: str) -> None:
    storage.db.close_database()
    storage.open_database(role_url)


def hold(phone: str = "+48 501 234 567", client: str = CLIENT):
    return storage.portal.request_visit("GDA", "filing", first_slot(), "Olena Kovalenko", phone, "uk", client, now=NOW)


def texts_of(visit_id: int) -> list[tuple]:
    return [(code is not None, state) for _, v, _, code, state in queued_texts() if v == visit_id]


def visit_id(reference: str) -> int:
    with storage.unit_of_work():
        return database.execute_sql("SELECT id FROM visit WHERE reference = %s", (reference,)).fetchone()[0]


def test_the_role_releases_a_hold_for_a_wrong_number_and_its_text_is_dropped(store, public_role):  # noqa: F811
    _role, role_url = public_role
    as_role(role_url)
    held = hold()
    assert storage.portal.release_hold(held.reference, "198.51.100.1", now=NOW) is False  # another address
    assert storage.portal.release_hold(held.reference, CLIENT, now=NOW) is True
    with as_owner(store, role_url):
        assert texts_of(visit_id(held.reference)) == [(False, "cancelled")]
        with storage.unit_of_work():
            (state,) = database.execute_sql(
                "SELECT state FROM visit WHERE reference = %s", (held.reference,)
            ).fetchone()
        assert state == "expired"
    again = hold("+48 501 234 568")  # the address may book at once
    assert again.reference != held.reference


def test_the_role_resends_once_and_queues_the_confirmation_only_through_its_functions(store, public_role):  # noqa: F811
    _role, role_url = public_role
    as_role(role_url)
    held = hold()
    vid = visit_id(held.reference)
    assert storage.portal.code_resend(held.reference, CLIENT, now=NOW).offered_at is None  # not sent yet
    with as_owner(store, role_url):
        first = code_of(held.reference)
        with storage.unit_of_work():  # the loop hands the text to the modem
            database.execute_sql("UPDATE sms_outbox SET state = 'sent', sent_at = %s, code = NULL WHERE visit_id = %s",
                                 (NOW, vid))  # fmt: skip
    later = NOW + dt.timedelta(seconds=61)
    offer = storage.portal.code_resend(held.reference, CLIENT, now=later)
    assert offer.ready and offer.offered_at == NOW + dt.timedelta(seconds=60)
    storage.portal.resend_code(held.reference, CLIENT, now=later)
    assert not storage.portal.code_resend(held.reference, CLIENT, now=later).ready  # once
    with pytest.raises(storage.DomainError):
        storage.portal.resend_code(held.reference, CLIENT, now=later)
    with as_owner(store, role_url):
        second = code_of(held.reference)
        assert texts_of(vid) == [(False, "sent"), (True, "queued")]
    if second != first:
        with pytest.raises(storage.portal.WrongCode):
            storage.portal.confirm_visit(held.reference, first, CLIENT, now=later)
    storage.portal.confirm_visit(held.reference, second, CLIENT, now=later)
    with as_owner(store, role_url):
        assert texts_of(vid)[-1] == (False, "queued")  # the confirmation
    with storage.unit_of_work():
        # Not again, not for another moment, not for a visit not booked: only the booking's own transaction.
        fn = "SELECT okienko_queue_visit_booked(%s, %s, %s)"
        refused(fn, (vid, "x", later), match="not booked just now")
        refused(fn, (vid, "x", later + dt.timedelta(seconds=1)), match="not booked just now")
        refused(fn, (vid + 1000, "x", later), match="not booked just now")
        refused("SELECT id FROM sms_outbox")
        refused("UPDATE sms_outbox SET state = 'queued'")
        # When a visit's first text went out is all the other function tells.
        (sent_at,) = database.execute_sql("SELECT okienko_visit_code_sent_at(%s)", (vid,)).fetchone()
        assert sent_at == NOW
    with as_owner(store, role_url):
        assert len(texts_of(vid)) == 3
