"""A booking's name and phone are erased a week after the visit day (nothing else), a repeat
erases nothing; and the admin CLI lists and cancels visits."""

from __future__ import annotations

import datetime as dt
import json

from storage import clock, desk, portal
from storage.admin import retention
from storage.db import unit_of_work
from storage.models import AuditEvent, Visit
from tests.helpers import CLERK, every_row, ok, refused, run_cli
from tests.storage.test_retention import POLICY, changed_tables
from tests.storage.visit_helpers import NOW, TUESDAY, book, first_slot, hold

NEXT_TUESDAY = TUESDAY + dt.timedelta(days=7)
ERASED = {
    "name",
    "phone",
    "phone_key",
    "client_prefix",
    "client_key",
    "phone_day_key",
    "code_hash",
    "code_purpose",
    "personal_data_purged_at",
    "updated_at",
}


def test_name_and_phone_go_a_week_after_the_visit_day_and_nothing_else(store):
    online = book()
    with clock.frozen(NOW):
        at_desk = desk.book_visit_for("GDA", "filing", first_slot(), "Ivan Petrenko", "+48 502 345 678", "ru", CLERK)
    abandoned = hold("+48 503 456 789", starts_at=first_slot(), client="192.0.2.9")  # never confirmed
    later = book("+48 504 567 890", starts_at=first_slot(day=NEXT_TUESDAY), client="192.0.2.10")

    # The day before the week is over nothing of the visits goes (the counters of a day ago do).
    retention.purge(POLICY, now=dt.datetime(2027, 3, 29, 12, 0))
    before = every_row()
    quiet = retention.purge(POLICY, now=dt.datetime(2027, 3, 29, 21, 59))  # 22:59 in Warsaw, still the 29th
    assert quiet.visit_contacts == 0
    assert changed_tables(before, every_row()) == {"AuditEvent"}

    before = every_row()
    now = dt.datetime(2027, 3, 29, 23, 0)  # 01:00 on the 30th in Warsaw: the 23rd is a week past
    counts = retention.purge(POLICY, now=now)
    after = every_row()
    assert counts.visit_contacts == 3
    assert changed_tables(before, after) == {"Visit", "AuditEvent"}
    purged = {v.reference for v in (online, at_desk, abandoned)}
    for visit_id, row in before["Visit"].items():
        new = after["Visit"][visit_id]
        if row["reference"] in purged:
            assert {k for k in row if row[k] != new[k]} <= ERASED
            assert new["name"] is None and new["phone"] is None and new["phone_key"] is None
            assert new["personal_data_purged_at"] == now
            # The anonymous record stays for statistics.
            assert (new["office"], new["group"], new["starts_at"], new["state"]) == (
                row["office"], row["group"], row["starts_at"], row["state"])  # fmt: skip
        else:
            assert row["reference"] == later.reference and new == row
    (audit_row,) = [a for a in after["AuditEvent"].values() if a["id"] not in before["AuditEvent"]]
    assert json.loads(audit_row["detail_json"])["visit_contacts"] == 3
    assert "Petrenko" not in audit_row["detail_json"] and "502" not in audit_row["detail_json"]

    again = every_row()
    assert retention.purge(POLICY, now=now + dt.timedelta(hours=1)).visit_contacts == 0
    assert changed_tables(again, every_row()) == {"AuditEvent"}
    with clock.frozen(dt.datetime(2027, 3, 23, 9, 0)):
        shown = desk.visits_on("GDA", TUESDAY)
    assert {v.name for v in shown} == {None} and {v.phone for v in shown} == {""}


def test_the_cli_lists_the_days_visits_and_cancels_one(store):
    confirmed = book()
    listed = json.loads(ok(run_cli(store.url, "visits", "--office", "GDA", "--day", TUESDAY.isoformat(), "--json")))
    assert [(v["reference"], v["name"], v["local_time"], v["state"]) for v in listed] == [
        (confirmed.reference, "Olena Kovalenko", "11:00", "booked")]  # fmt: skip
    table = ok(run_cli(store.url, "visits", "--day", TUESDAY.isoformat()))
    assert confirmed.reference in table and "zarezerwowana" in table
    assert "odwołana" in ok(run_cli(store.url, "cancel-visit", confirmed.reference.lower(), "--clerk", CLERK))
    assert json.loads(ok(run_cli(store.url, "visits", "--day", TUESDAY.isoformat(), "--json"))) == []
    assert portal.visit_times("GDA", "filing", TUESDAY, now=NOW)[0].free == 4
    refused(run_cli(store.url, "cancel-visit", confirmed.reference, "--clerk", CLERK), "nie można odwołać")
    refused(run_cli(store.url, "cancel-visit", "nonsense", "--clerk", CLERK), "GDA-7K3M9Q")
    with unit_of_work():
        action = AuditEvent.select().where(AuditEvent.action == "visit_cancelled").get()
        assert Visit.get(Visit.reference == confirmed.reference).state == "cancelled"
    assert action.actor == CLERK and "Kovalenko" not in action.detail_json
    purge = ok(run_cli(store.url, "purge"))
    assert "dane osobowe wizyt sprzed tygodnia: 0" in purge
