"""A rush on the seats: separate processes, each with its own connection, book at once.

The seats are counted by the database (a partial unique index), so whatever the interleaving:
exactly as many bookings as seats, every other attempt a clear SlotTaken, on both databases."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest

from storage import portal
from storage.db import unit_of_work
from storage.models import Visit
from tests.desk_processes import run_together
from tests.storage.visit_helpers import NOW, TUESDAY

PROCESSES = 8
SLOTS = 5  # × 4 desks of the filing group in Gdańsk = 20 seats


def _attempts(jobs: list[tuple]) -> list[str]:
    """One desk: request and confirm each job in turn."""
    import storage as st
    from tests.storage.visit_helpers import code_of

    outcomes = []
    for group, starts_at, phone, client, now, confirm in jobs:
        try:
            held = portal.request_visit("GDA", group, starts_at, "Rush Applicant", phone, "en", client, now=now)
            if confirm:
                portal.confirm_visit(held.reference, code_of(held.reference), client, now=now)
            outcomes.append("booked" if confirm else "held")
        except portal.SlotTaken:
            outcomes.append("slot_taken")
        except st.DomainError as exc:
            outcomes.append(f"{exc.field}: {exc.rule}")
        except Exception as exc:  # reported to the parent, which fails the test
            outcomes.append(repr(exc))
    return outcomes


def rush(url: str, jobs: list[tuple]) -> tuple[dict[str, int], float]:
    results, seconds = run_together(_attempts, url, [(jobs[i::PROCESSES],) for i in range(PROCESSES)])
    counts: dict[str, int] = {}
    for outcome in (o for part in results for o in part):
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts, seconds


def seats() -> list[dt.datetime]:
    return [t.starts_at for t in portal.visit_times("GDA", "filing", TUESDAY, now=NOW)[:SLOTS]]


def booked_rows() -> list[tuple]:
    with unit_of_work():
        return list(
            Visit.select(Visit.starts_at, Visit.seat).where(Visit.state == "booked").order_by(Visit.id).tuples()
        )


def test_200_confirmations_for_20_seats_make_exactly_20_bookings(store, record_property):
    slots = seats()
    jobs = [("filing", slots[i % SLOTS], f"+48 502 {i:06d}", f"10.1.{i // 250}.{i % 250}", NOW, True)
            for i in range(200)]  # fmt: skip
    counts, elapsed = rush(store.url, jobs)
    assert counts == {"booked": 20, "slot_taken": 180}
    rows = booked_rows()
    assert len(rows) == len(set(rows)) == 20  # no seat twice
    assert all(t.free == 0 for t in portal.visit_times("GDA", "filing", TUESDAY, now=NOW)[:SLOTS])
    record_property("seconds", round(elapsed, 2))


def test_abandoned_holds_give_their_seats_to_the_next_rush(store):
    slots = seats()
    # One address per network: the per-network bound on unconfirmed holds is not what this test is about.
    first = [("filing", slots[i % SLOTS], f"+48 503 {i:06d}", f"10.2.{i}.1", NOW, False) for i in range(20)]
    counts, _ = rush(store.url, first)
    assert counts == {"held": 20}
    later = NOW + dt.timedelta(minutes=21)  # every hold's text deadline has passed, nobody confirmed
    second = [("filing", slots[i % SLOTS], f"+48 504 {i:06d}", f"10.3.{i}.1", later, True) for i in range(60)]
    counts, _ = rush(store.url, second)
    assert counts == {"booked": 20, "slot_taken": 40}
    with unit_of_work():
        states = dict(Visit.select(Visit.state, pw.fn.COUNT(Visit.id)).group_by(Visit.state).tuples())
    assert states == {"expired": 20, "booked": 20}


def test_one_phone_gets_one_visit_a_day_under_concurrency(store):
    groups = ["filing", "case_question", "card_collection", "eu_registration", "filing"]
    jobs = []
    for i in range(10):
        group = groups[i % len(groups)]
        starts = portal.visit_times("GDA", group, TUESDAY, now=NOW)[i].starts_at
        jobs.append((group, starts, "+48 505 000 000", f"10.4.0.{i}", NOW, True))
    counts, _ = rush(store.url, jobs)
    phone_rule = "phone: na ten numer jest już zarezerwowana wizyta tego dnia (jedna wizyta dziennie)"
    assert counts == {"booked": 1, phone_rule: 9}


pytestmark = pytest.mark.slow
