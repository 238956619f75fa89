"""Seats: counting the occupied ones, taking the lowest free one in turn, letting expired holds go,
and one visit per phone per day where a group says so.

The database keeps the promises, not only this code: a partial unique index lets no seat be
taken twice and no phone hold two visits on one day, on SQLite and PostgreSQL alike. Holds whose
time ran out are marked `expired` inside the very transaction that takes a seat."""

from __future__ import annotations

import datetime as dt
import hashlib

import peewee as pw

from storage.catalog.visit_calendar import (
    CalendarRules,
    as_utc,
    booking_window,
    is_bookable_day,
    slot_of,
)
from storage.catalog.visit_groups import GroupAtOffice, group_at_office
from storage.db import database, is_postgres
from storage.errors import DomainError
from storage.models import (
    SEAT_STATES,
    Visit,
)
from storage.visits.fields import as_datetime, new_reference, phone_key
from storage.visits.results import PhoneHasVisit, SlotTaken


def seat_counts(where: GroupAtOffice, first: dt.date, last: dt.date, now: dt.datetime) -> dict[dt.datetime, int]:
    """Occupied seats per slot start between two days (a hold whose time ran out is free)."""
    occupied = Visit.state.in_(SEAT_STATES) & ((Visit.state != "held") | (Visit.hold_expires_at > now))
    query = (
        Visit.select(Visit.starts_at, pw.fn.COUNT(Visit.id))
        .where(
            (Visit.office == where.office)
            & (Visit.group == where.group)
            & Visit.visit_day.between(first, last)
            & occupied
        )
        .group_by(Visit.starts_at)
        .tuples()
    )
    return {as_utc(as_datetime(starts)): count for starts, count in query}


def release_expired_holds(now: dt.datetime, where: pw.Expression | None = None) -> int:
    """Mark holds whose time ran out `expired` (inside the caller's transaction): their seats and
    phone days are free again."""
    which = (Visit.state == "held") & (Visit.hold_expires_at <= now)
    if where is not None:
        which &= where
    return (
        Visit.update(
            state="expired", phone_day_key=None, code_hash=None, code_purpose=None, client_key=None, updated_at=now
        )
        .where(which)
        .execute()
    )


def check_slot(where: GroupAtOffice, rules: CalendarRules, starts_at: dt.datetime, today: dt.date) -> dt.date:
    """The Warsaw day of a slot that exists and may be booked now; DomainError('starts_at') otherwise."""
    day = slot_of(starts_at, where.hours, where.slot_minutes, rules)
    if day is None:
        raise DomainError("starts_at", "o tej godzinie nie ma terminu w tej sprawie")
    if not is_bookable_day(day, today, where.hours, rules):
        first, last = booking_window(today, rules)
        raise DomainError("starts_at", f"termin można zarezerwować od {first:%d.%m.%Y} do {last:%d.%m.%Y}")
    return day


def take_seat(
    where: GroupAtOffice,
    starts_at: dt.datetime,
    day: dt.date,
    now: dt.datetime,
    *,
    phone_day: bool = True,
    **values,
) -> Visit:
    """Insert a visit on the lowest free seat of a slot, inside the caller's write transaction.

    Rows of the group at the office are taken in turn (a row lock on PostgreSQL, BEGIN IMMEDIATE
    on SQLite); the partial unique indexes are the guarantee behind that. SlotTaken when no seat
    is free; with `phone_day` (the desk), PhoneHasVisit when the phone already has a visit that
    day. An online hold leaves the phone's day to the confirmation (claim_phone_day)."""
    values["phone_key"] = phone_key(values.get("phone"))
    phone_day_key = values["phone_key"] if where.one_per_phone_per_day and phone_day else None
    slot_rows = (Visit.office == where.office) & (Visit.group == where.group) & (Visit.starts_at == starts_at)
    release_expired_holds(now, slot_rows)
    if phone_day_key:
        release_expired_holds(now, (Visit.phone_day_key == phone_day_key) & (Visit.visit_day == day))
    _take_turns(where)
    if phone_day_key and _phone_busy(phone_day_key, day):
        raise phone_taken()
    taken = {seat for (seat,) in Visit.select(Visit.seat).where(slot_rows & Visit.state.in_(SEAT_STATES)).tuples()}
    free = [seat for seat in range(1, where.desks + 1) if seat not in taken]
    if not free:
        raise SlotTaken()
    for _ in range(3):  # a clashing reference (one in ~10⁹) gets a new one
        try:
            with database.atomic():
                return Visit.create(
                    reference=new_reference(where.office),
                    office=where.office,
                    group=where.group,
                    starts_at=starts_at,
                    visit_day=day,
                    seat=free[0],
                    phone_day_key=phone_day_key,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
        except pw.IntegrityError as exc:
            message = str(exc)
            if "phone_day" in message:
                raise phone_taken() from None
            if "reference" not in message:
                raise SlotTaken() from None
    raise SlotTaken()


def seat_may_be_free(where: GroupAtOffice, starts_at: dt.datetime, now: dt.datetime) -> bool:
    """A plain read before any count or lock. When a day opens, most people who ask for a time ask
    for one that is already taken; answering them here keeps them out of the queue of seat takers
    (one at a time per group), where each would hold up the next person who can still get a seat.
    It can only err towards "taken" for a hold expiring this very moment; take_seat decides the rest."""
    occupied = Visit.state.in_(SEAT_STATES) & ((Visit.state != "held") | (Visit.hold_expires_at > now))
    slot_rows = (Visit.office == where.office) & (Visit.group == where.group) & (Visit.starts_at == starts_at)
    return Visit.select(Visit.id).where(slot_rows & occupied).count() < where.desks


def take_network_turn(prefix: str) -> None:
    """Hold requests from one network go one at a time through its limits (PostgreSQL: an advisory
    lock, taken before the group's; SQLite's BEGIN IMMEDIATE serialises every writer already)."""
    if is_postgres():
        digest = hashlib.sha256(f"okienko-visit-network:{prefix}".encode()).digest()
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (int.from_bytes(digest[:8], "big", signed=True),))


def _take_turns(where: GroupAtOffice) -> None:
    """Seat takers of one group at one office go one at a time. On PostgreSQL a transaction-scoped
    advisory lock: unlike a row lock (SELECT … FOR UPDATE) it needs no UPDATE right on the
    catalogue, which the portal's role has not. SQLite's BEGIN IMMEDIATE already serialises writers."""
    if is_postgres():
        digest = hashlib.sha256(f"okienko-visit-seats:{where.office}:{where.group}".encode()).digest()
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (int.from_bytes(digest[:8], "big", signed=True),))


def _phone_busy(phone_day_key: str, day: dt.date, other_than: int | None = None) -> bool:
    query = Visit.select(Visit.id).where(
        (Visit.phone_day_key == phone_day_key) & (Visit.visit_day == day) & Visit.state.in_(SEAT_STATES)
    )
    if other_than is not None:
        query = query.where(Visit.id != other_than)
    return query.exists()


def claim_phone_day(visit: Visit, now: dt.datetime) -> None:
    """At confirmation, inside its transaction: a group with one visit per phone per day takes the
    phone's day now, when the owner has proved the number with the code. PhoneHasVisit when the
    number already has one that day (the index decides a race)."""
    where = group_at_office(visit.office_id, visit.group_id)
    if not where.one_per_phone_per_day or not visit.phone_key:
        return
    release_expired_holds(now, (Visit.phone_day_key == visit.phone_key) & (Visit.visit_day == visit.visit_day))
    if _phone_busy(visit.phone_key, visit.visit_day, other_than=visit.id):
        raise phone_taken()
    try:
        with database.atomic():
            Visit.update(phone_day_key=visit.phone_key).where(Visit.id == visit.id).execute()
    except pw.IntegrityError:
        raise phone_taken() from None


def phone_taken() -> DomainError:
    return PhoneHasVisit()
