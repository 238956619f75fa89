"""Booking a visit online and at the counter, on both databases: the code, the seat, the limits."""

from __future__ import annotations

import datetime as dt
import json

import peewee as pw
import pytest

import storage
from storage import clock, desk, portal
from storage.db import unit_of_work, write_transaction
from storage.models import AuditEvent, LoginThrottle, SmsOutbox, Visit
from tests.helpers import CLERK, register, row_counts
from tests.storage.visit_helpers import CLIENT, NOW, TUESDAY, book, code_of, first_slot, hold


def visit_row(reference: str) -> Visit:
    with unit_of_work():
        return Visit.get(Visit.reference == reference)


def free_at(starts_at: dt.datetime, group: str = "filing", now: dt.datetime = NOW) -> int:
    day = clock.to_warsaw(starts_at).date()
    return next(t.free for t in portal.visit_times("GDA", group, day, now=now) if t.starts_at == starts_at)


def test_a_code_confirms_the_held_seat(store):
    slot = first_slot()
    assert free_at(slot) == 4
    held = hold()
    # Until its text goes out the hold has only a deadline for it; the code's 10 minutes start when
    # the modem takes the text (tests/storage/test_visit_texts.py).
    assert held.reference.startswith("GDA-") and held.hold_expires_at == NOW + dt.timedelta(minutes=20)
    assert free_at(slot) == 3  # held while the code is pending
    code = code_of(held.reference)
    assert len(code) == 6 and code.isdigit()
    row = visit_row(held.reference)
    assert row.state == "held" and code not in row.code_hash and row.code_tries_left == 3
    with unit_of_work():
        text = SmsOutbox.get(SmsOutbox.visit == row.id)
    assert text.priority > 0 and text.case_id is None and text.state == "queued"

    confirmed = portal.confirm_visit(held.reference, code, CLIENT, now=NOW + dt.timedelta(minutes=3))
    assert (confirmed.local_date, confirmed.local_time) == (TUESDAY, "11:00")  # 10:00 UTC in winter time
    assert confirmed.starts_at == slot and confirmed.group == "filing"
    assert {"pl", "en", "ru", "uk"} == set(confirmed.documents[0])
    row = visit_row(held.reference)
    assert row.state == "booked" and row.code_hash is None and row.booked_by_id is None
    assert free_at(slot) == 3
    with unit_of_work():
        assert SmsOutbox.get(SmsOutbox.visit == row.id).code is None  # the code is not kept once used


def test_three_wrong_codes_release_the_seat(store):
    slot = first_slot()
    held = hold()
    right = code_of(held.reference)
    wrong = "000000" if right != "000000" else "111111"
    for tries_left in (2, 1, 0):
        with pytest.raises(portal.WrongCode) as caught:
            portal.confirm_visit(held.reference, wrong, CLIENT, now=NOW)
        assert caught.value.tries_left == tries_left and caught.value.field == "code"
    assert visit_row(held.reference).state == "expired"
    assert free_at(slot) == 4
    with pytest.raises(portal.CodeExpired):
        portal.confirm_visit(held.reference, right, CLIENT, now=NOW)


def test_an_expired_code_releases_the_seat(store):
    slot = first_slot()
    held = hold()
    # Never sent (no loop here): the hold ends at its text's deadline.
    assert free_at(slot, now=NOW + dt.timedelta(minutes=20)) == 4  # a hold past its time counts as free
    with pytest.raises(portal.CodeExpired):
        portal.confirm_visit(held.reference, code_of(held.reference), CLIENT, now=NOW + dt.timedelta(minutes=20))
    assert visit_row(held.reference).state == "expired"


def test_a_full_slot_answers_slot_taken_and_expired_holds_are_released_by_the_next_booking(store):
    slot = first_slot()
    holds = [hold(f"+48 501 000 {i:03d}", client=f"198.51.100.{i}") for i in range(4)]
    assert free_at(slot) == 0
    texts = row_counts()["SmsOutbox"]
    with pytest.raises(portal.SlotTaken, match="nie jest już wolny"):
        hold("+48 501 000 099", client="198.51.100.99")
    # Answered from a plain read before anything is counted: no code request against the address
    # or the phone, no text, so a rush's many late askers never queue up for the seat lock.
    with unit_of_work():
        assert not LoginThrottle.select().where(LoginThrottle.key.contains("198.51.100.99")).exists()
    assert row_counts()["SmsOutbox"] == texts
    later = NOW + dt.timedelta(minutes=21)
    taken = hold("+48 501 000 099", client="198.51.100.99", now=later)
    # The new booking marked the abandoned holds expired inside its own transaction.
    assert [visit_row(h.reference).state for h in holds] == ["expired"] * 4
    assert visit_row(taken.reference).seat == 1


def test_one_visit_per_phone_per_day_except_groups_that_book_for_others(store):
    book()
    # The hold is taken as for any number (nobody learns what a number has); the owner, typing the
    # code, is told, and the second seat is free again.
    second = hold(group="case_question")
    with pytest.raises(portal.PhoneHasVisit, match="jedna wizyta dziennie") as caught:
        portal.confirm_visit(second.reference, code_of(second.reference), CLIENT, now=NOW)
    assert caught.value.field == "phone"
    assert visit_row(second.reference).state == "expired"
    # Invitations and work permits: the inviting person or employer books for several people.
    thursday = TUESDAY + dt.timedelta(days=2)
    invitations = portal.visit_times("GDA", "invitation", thursday, now=NOW)
    book(group="invitation", starts_at=invitations[0].starts_at)
    book(group="invitation", starts_at=invitations[1].starts_at)
    # Another day is another day.
    book(group="case_question", starts_at=portal.visit_times("GDA", "case_question", thursday, now=NOW)[0].starts_at)


def test_the_database_itself_refuses_a_second_booking_of_a_seat_or_a_phone_day(store):
    confirmed = book()
    row = visit_row(confirmed.reference)
    copy = {k: v for k, v in row.__data__.items() if k != "id"}
    for changes in ({"reference": "GDA-222222", "phone_day_key": None}, {"reference": "GDA-333333", "seat": 2}):
        with pytest.raises(pw.IntegrityError), write_transaction():
            Visit.insert(**(copy | changes)).execute()
    # A cancelled visit holds nothing: the same seat and phone day may be booked again.
    with write_transaction():
        Visit.update(state="cancelled").where(Visit.id == row.id).execute()
        Visit.insert(**(copy | {"reference": "GDA-444444"})).execute()


@pytest.mark.parametrize(
    ("field", "changes", "words"),
    [
        ("phone", {"phone": "+48 58 307 74 27"}, "stacjonarny"),
        ("phone", {"phone": ""}, "wymagane"),
        ("applicant_name", {"name": "   "}, "wymagane"),
        ("applicant_name", {"name": "12345"}, "litery"),
        ("language", {"language": "de"}, "pl, en, ru, uk"),
        ("starts_at", {"starts_at": dt.datetime(2027, 3, 23, 10, 5)}, "nie ma terminu"),
        ("starts_at", {"starts_at": dt.datetime(2027, 3, 22, 12, 0)}, "od 23.03.2027"),  # today
        ("starts_at", {"starts_at": dt.datetime(2027, 3, 24, 8, 0)}, "nie ma terminu"),  # Wednesday
        ("group", {"group": "pizza"}, "nieznana"),
        ("office", {"office": "WAW"}, "nie przyjmuje"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(store, field, changes, words):
    values = {"office": "GDA", "group": "filing", "starts_at": first_slot(), "name": "Olena Kovalenko",
              "phone": "+48 501 234 567", "language": "uk", "client": CLIENT} | changes  # fmt: skip
    before = row_counts()
    with pytest.raises(storage.DomainError) as caught:
        portal.request_visit(**values, now=NOW)
    assert caught.value.field == field and words in str(caught.value)
    assert row_counts() == before


def test_an_address_has_one_pending_hold_and_a_limit_of_code_requests(store):
    times = portal.visit_times("GDA", "invitation", TUESDAY + dt.timedelta(days=2), now=NOW)
    first = hold("+48 501 100 000", group="invitation", starts_at=times[0].starts_at)
    texts = SmsOutbox.select().count()
    with pytest.raises(portal.VisitThrottled) as caught:
        hold("+48 501 100 001", group="invitation", starts_at=times[1].starts_at)
    assert caught.value.reason == "pending" and 0 < caught.value.retry_after_s <= 20 * 60 + 1
    assert SmsOutbox.select().count() == texts
    # The browser that holds it may choose another time: the first hold ends, its text is dropped.
    second = hold("+48 501 100 000", group="invitation", starts_at=times[1].starts_at, replaces=first.reference)
    assert visit_row(first.reference).state == "expired" and visit_row(second.reference).state == "held"
    # Holds never confirmed, spread out so that the network's hourly count is not reached: the
    # address's 12th code request is its last for a while.
    for i in range(2, 12):
        later = NOW + dt.timedelta(minutes=21 * i)
        last = hold(f"+48 501 100 {i:03d}", group="invitation", starts_at=times[i % len(times)].starts_at, now=later)
    with pytest.raises(portal.VisitThrottled) as caught:
        hold("+48 501 100 999", group="invitation", starts_at=times[-1].starts_at, replaces=last.reference,
             now=later + dt.timedelta(seconds=30))  # fmt: skip
    assert caught.value.reason == "limits"
    # Another address is not held up by this one.
    hold("+48 501 100 999", group="invitation", starts_at=times[-1].starts_at, client="192.0.2.1",
         now=NOW + dt.timedelta(minutes=21 * 12))  # fmt: skip


def test_wrong_codes_for_a_phone_count_against_the_address_never_the_phone(store):
    # A stranger holds seats for someone's number and types wrong codes: the stranger's address is
    # counted; the owner, from anywhere, books as usual.
    for attempt in range(3):
        held = hold(client=f"198.51.100.{attempt}", now=NOW + dt.timedelta(minutes=attempt))
        for _ in range(3):
            with pytest.raises(portal.WrongCode):
                portal.confirm_visit(held.reference, "999999" if code_of(held.reference) != "999999" else "888888",
                                     f"198.51.100.{attempt}", now=NOW)  # fmt: skip
    book(client="192.0.2.77")
    with unit_of_work():
        keys = [row.key for row in LoginThrottle.select()]
    assert not any("phone" in key or "501234567" in key for key in keys)
    assert "visit-fail-addr:198.51.100.0" in keys


def test_cancellation_with_a_new_code_until_the_day_before(store):
    confirmed = book()
    slot = confirmed.starts_at
    portal.request_cancellation(confirmed.reference, CLIENT, now=NOW)
    code = code_of(confirmed.reference)
    with pytest.raises(portal.WrongCode):
        portal.confirm_cancellation(confirmed.reference, "000000" if code != "000000" else "111111", CLIENT, now=NOW)
    portal.confirm_cancellation(confirmed.reference, code, CLIENT, now=NOW)
    assert visit_row(confirmed.reference).state == "cancelled"
    assert free_at(slot) == 4

    again = book(client="192.0.2.5")
    on_the_day = dt.datetime(2027, 3, 22, 23, 30)  # 00:30 on Tuesday in Warsaw: the visit day has begun
    with pytest.raises(storage.DomainError, match="dnia przed wizytą"):
        portal.request_cancellation(again.reference, CLIENT, now=on_the_day)
    late_evening = dt.datetime(2027, 3, 22, 22, 50)  # 23:50 on Monday: still the day before
    portal.request_cancellation(again.reference, CLIENT, now=late_evening)


def test_a_card_collection_booked_from_the_status_page_shows_there(store):
    filing = register()
    starts = first_slot("card_collection")
    held = hold(group="card_collection", starts_at=starts, case_number=filing.number)
    assert portal.visit_of_case(filing.number, now=NOW) is None  # not yet confirmed
    portal.confirm_visit(held.reference, code_of(held.reference), CLIENT, now=NOW)
    shown = portal.visit_of_case(filing.number, now=NOW)
    assert shown.reference == held.reference and shown.state == "booked" and shown.local_time == "11:00"


def test_the_desk_lists_marks_and_cancels_visits_and_audits_without_personal_data(store):
    first = book()
    with clock.frozen(NOW):
        other = desk.book_visit_for("GDA", "filing", first_slot(), "Ivan Petrenko", None, "ru", CLERK)
        assert other.state == "booked" and other.booked_by == CLERK and other.phone == ""
        with pytest.raises(storage.DomainError, match="dopiero"):
            desk.mark_visit(first.reference, "arrived", CLERK)
    with clock.frozen(dt.datetime(2027, 3, 23, 9, 0)):
        listed = desk.visits_on("GDA")
        assert [(v.reference, v.name, v.local_time) for v in listed] == [
            (first.reference, "Olena Kovalenko", "11:00"), (other.reference, "Ivan Petrenko", "11:00")]  # fmt: skip
        assert listed[0].phone == "+48 501 234 567"
        assert desk.mark_visit(first.reference, "arrived", CLERK).state == "arrived"
        assert desk.mark_visit(first.reference, "served", CLERK).state == "served"
        desk.cancel_visit(other.reference, CLERK)
        assert [v.state for v in desk.visits_on("GDA")] == ["served"]
        assert desk.visits_on("GDA", group="invitation") == []
    with unit_of_work():
        events = [(e.action, e.detail_json) for e in AuditEvent.select().where(AuditEvent.action.startswith("visit"))]
    assert [a for a, _ in events] == ["visit_booked_for", "visit_marked", "visit_marked", "visit_cancelled"]
    for _, detail in events:
        assert "Petrenko" not in detail and "Kovalenko" not in detail and "501" not in detail
        assert json.loads(detail)["reference"]


def test_slots_in_the_week_the_clocks_go_forward_are_stored_by_the_summer_offset(store):
    tuesday_after = dt.date(2027, 3, 30)  # Easter Monday the 29th is closed
    days = {d.day: d for d in portal.visit_days("GDA", "filing", now=NOW)}
    assert not days[dt.date(2027, 3, 29)].open and days[tuesday_after].open
    first = portal.visit_times("GDA", "filing", tuesday_after, now=NOW)[0]
    assert (first.local, first.starts_at) == ("11:00", dt.datetime(2027, 3, 30, 9, 0))
    confirmed = book(starts_at=first.starts_at)
    assert confirmed.local_time == "11:00" and confirmed.local_date == tuesday_after


def test_a_filing_registered_from_a_visit_serves_it_once_and_links_the_case(store):
    visit = book()
    with clock.frozen(dt.datetime(2027, 3, 23, 9, 0)):
        filing = dict(clerk=CLERK, case_type="temp_work", applicant_name="Olena Kovalenko", language="uk")
        with pytest.raises(storage.DomainError, match="rodzaj"):  # a refused filing leaves the visit as it was
            desk.register_from_visit(visit.reference, **{**filing, "case_type": "holiday_visa"})
        assert desk.visit_by_reference(visit.reference).state == "booked"
        registered = desk.register_from_visit(visit.reference, **filing)
        served = desk.visit_by_reference(visit.reference)
        assert served.state == "served" and served.case_number == registered.number
        before = row_counts()
        with pytest.raises(storage.DomainError, match="zarejestrowano już wniosek"):
            desk.register_from_visit(visit.reference, **filing)
        assert row_counts() == before
