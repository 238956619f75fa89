"""Issue 20, problem 7: the code page's one resend, within issue 17's limits – only the address that
holds the seat, a minute after the first text went to the modem, once; counted as a code request of
the address; in the client's network's lane; refused (and kept for later) when the modem's queue is
too long for the new code to go out in time."""

from __future__ import annotations

import datetime as dt

import pytest

from storage import portal
from storage.accounts import throttle
from storage.db import unit_of_work
from storage.delivery.code_texts import client_prefix
from storage.models import SmsOutbox
from storage.visits.limits import limit_key
from tests.storage.test_visit_texts import fake_hold, seats, send_one
from tests.storage.visit_helpers import CLIENT, NOW, code_of, hold

MINUTE = dt.timedelta(seconds=60)


def test_a_resend_is_offered_a_minute_after_the_hand_off_once_and_only_to_the_holder(store):
    held = hold()
    assert portal.code_resend(held.reference, CLIENT, now=NOW).offered_at is None
    with pytest.raises(portal.DomainError):
        portal.resend_code(held.reference, CLIENT, now=NOW + 5 * MINUTE)  # the text has not gone out
    sent = NOW + dt.timedelta(seconds=20)
    assert send_one(sent) is not None
    offer = portal.code_resend(held.reference, CLIENT, now=sent + MINUTE - dt.timedelta(seconds=1))
    assert offer.offered_at == sent + MINUTE and not offer.ready and not offer.used
    with pytest.raises(portal.DomainError):
        portal.resend_code(held.reference, CLIENT, now=sent + MINUTE - dt.timedelta(seconds=1))
    assert portal.code_resend(held.reference, "198.51.100.9", now=sent + MINUTE) is None  # not the holder
    with pytest.raises(portal.DomainError):
        portal.resend_code(held.reference, "198.51.100.9", now=sent + MINUTE)
    requests = throttle.current_count(limit_key("code-addr", CLIENT), sent)
    portal.resend_code(held.reference, CLIENT, now=sent + MINUTE)
    assert throttle.current_count(limit_key("code-addr", CLIENT), sent) == requests + 1  # an address's code request
    with unit_of_work():
        newest = SmsOutbox.select().order_by(SmsOutbox.id.desc()).first()
        assert (newest.state, newest.lane) == ("queued", client_prefix(CLIENT))
    assert portal.code_resend(held.reference, CLIENT, now=sent + 2 * MINUTE).used
    with pytest.raises(portal.DomainError):
        portal.resend_code(held.reference, CLIENT, now=sent + 2 * MINUTE)
    # The new code's own life starts at its hand-off; it books the visit.
    resent_code = code_of(held.reference)
    assert send_one(sent + 2 * MINUTE) is not None
    portal.confirm_visit(held.reference, resent_code, CLIENT, now=sent + 3 * MINUTE)


def test_a_resend_the_modem_cannot_carry_in_time_is_refused_and_stays_offered(store):
    held = hold()
    sent = NOW + dt.timedelta(seconds=5)
    send_one(sent)
    slots = seats(30)
    for i in range(30):  # a long queue from 30 other networks
        fake_hold(i, slots[i], f"+48 514 {i:03d} 000", client=f"10.{i}.0.1", now=sent)
    with pytest.raises(portal.VisitThrottled) as caught:
        portal.resend_code(held.reference, CLIENT, now=sent + MINUTE)
    assert caught.value.reason == "modem"
    assert portal.code_resend(held.reference, CLIENT, now=sent + MINUTE).ready  # nothing sent: still to be had


def test_a_blocked_address_gets_no_resend(store):
    held = hold()
    send_one(NOW + dt.timedelta(seconds=5))
    throttle.record_failure({limit_key("fail-addr", CLIENT): throttle.Policy(0, 3600, 3600)}, NOW)
    with pytest.raises(portal.VisitThrottled):
        portal.resend_code(held.reference, CLIENT, now=NOW + 2 * MINUTE)
    with unit_of_work():
        assert SmsOutbox.select().count() == 1


def test_migration_0021_gives_an_older_postgresql_store_the_functions(store):
    from storage import schema
    from storage.db import database, is_postgres

    name = "0021_visit_booked_text"
    with unit_of_work():
        if is_postgres():
            database.execute_sql("DROP FUNCTION okienko_queue_visit_booked(bigint, text, timestamp)")
            database.execute_sql("DROP FUNCTION okienko_visit_code_sent_at(bigint)")
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0021_visit_booked_text'")
    assert name in schema.pending_migrations()
    assert name in schema.migrate()
    assert schema.schema_drift() == "" and schema.migrate() == []
    if is_postgres():
        with unit_of_work():
            found = database.execute_sql(
                "SELECT count(*) FROM pg_proc WHERE prosecdef AND proname IN "
                "('okienko_queue_visit_booked', 'okienko_visit_code_sent_at')"
            ).fetchone()[0]
        assert found == 2
    held = hold()  # and the whole path works on the upgraded store
    send_one(NOW + dt.timedelta(seconds=5))
    assert portal.code_resend(held.reference, CLIENT, now=NOW + 2 * MINUTE).ready
