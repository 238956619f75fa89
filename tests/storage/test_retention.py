"""Retention: each kind of expired personal data is erased, nothing else changes, and a repeat erases nothing."""

import datetime as dt
import json

import pytest

import storage
from storage.accounts import throttle
from storage.admin import retention
from storage.clock import utcnow
from storage.delivery import sms_outbox as outbox
from storage.models import AuditEvent, Case, LoginThrottle, SmsOutbox
from tests.helpers import CLERK, every_row, register

POLICY = retention.RetentionPolicy(closed_case_days=30, sms_days=3)
OWNER = "test-loop"
SENDER = "test-host:/dev/ttyGSM0"


def changed_tables(before: dict, after: dict) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def close_case(number: str) -> None:
    storage.set_stage(number, "closed", clerk=CLERK)


def test_phone_of_a_case_closed_long_enough_ago_is_erased_and_nothing_else(store):
    expired = register(applicant_name="Olena Kovalenko", phone="+48 501 234 567")
    close_case(expired.number)
    no_phone = register(applicant_name="Ivan Petrenko", phone=None)
    close_case(no_phone.number)
    still_open = register(applicant_name="Anh Nguyen", phone="+48 502 345 678")
    storage.set_stage(still_open.number, "formal_check", clerk=CLERK)
    closed_at = Case.get(Case.number == expired.number).stage_changed_at

    # One day short of the period: nothing is due yet.
    before = every_row()
    too_early = retention.purge(POLICY, now=closed_at + dt.timedelta(days=29))
    assert too_early == retention.PurgeCounts(0, 0, 0)
    assert changed_tables(before, every_row()) == {"AuditEvent"}

    before = every_row()
    now = closed_at + dt.timedelta(days=31)
    counts = retention.purge(POLICY, now=now)
    after = every_row()
    assert counts.case_contacts == 2  # the closed one with a phone, and the closed one without (marked)
    assert changed_tables(before, after) == {"Case", "AuditEvent"}
    purged = Case.get(Case.number == expired.number).id
    for case_id, row in before["Case"].items():
        new = after["Case"][case_id]
        if case_id == purged:
            assert new["phone"] is None and new["personal_data_purged_at"] == now
            # Everything but the contact data stays: the file of the proceeding is the office's record.
            assert {k for k in row if row[k] != new[k]} == {"phone", "personal_data_purged_at", "updated_at"}
            assert new["applicant_name"] == "Olena Kovalenko"
        elif row["number"] == still_open.number:
            assert new == row
    (audit_row,) = [a for a in after["AuditEvent"].values() if a["id"] not in before["AuditEvent"]]
    assert audit_row["action"] == "retention_purge" and audit_row["case"] is None
    assert "501" not in audit_row["detail_json"] and "Kovalenko" not in audit_row["detail_json"]
    assert json.loads(audit_row["detail_json"])["case_contacts"] == 2

    detail = storage.case_detail(expired.number)
    assert detail.phone is None and detail.personal_data_purged_at == now
    # The applicant's view never showed the phone and still works.
    view = storage.check_applicant(expired.number, expired.password, "uk")
    assert view.stage == "closed"

    again_before = every_row()
    assert retention.purge(POLICY, now=now + dt.timedelta(hours=1)) == retention.PurgeCounts(0, 0, 0)
    assert changed_tables(again_before, every_row()) == {"AuditEvent"}


def _send(number: str, stage: str) -> int:
    """Change the stage and take the queued text as the loop would; returns the outbox id."""
    storage.set_stage(number, stage, clerk=CLERK)
    (claimed,) = outbox.claim_due(OWNER, lease_seconds=60)
    return claimed.id


def test_finished_texts_go_after_the_period_and_waiting_ones_stay(store):
    delivered_case, failed_case, sent_case, unknown_case, queued_case, cancelled_case = (
        register(applicant_name=f"Osoba {name}", phone=f"+48 50{i} 234 567")
        for i, name in enumerate(("Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"), start=1)
    )
    delivered = _send(delivered_case.number, "formal_check")
    outbox.record_sent(delivered, OWNER, message_ref=11, sender=SENDER)
    outbox.record_delivery(SENDER, 11, delivered=True, status_code=0)
    failed = _send(failed_case.number, "formal_check")
    outbox.record_failed(failed, OWNER, "CMS 21", "+CMS ERROR: 21")
    sent = _send(sent_case.number, "formal_check")
    outbox.record_sent(sent, OWNER, message_ref=12, sender=SENDER)
    unknown = _send(unknown_case.number, "formal_check")
    outbox.record_unknown(unknown, OWNER, "no answer after the text")
    storage.set_stage(cancelled_case.number, "formal_check", clerk=CLERK)
    storage.set_sms_opt_out(cancelled_case.number, True, clerk=CLERK)
    storage.set_stage(queued_case.number, "formal_check", clerk=CLERK)
    states = {row.id: row.state for row in SmsOutbox.select()}
    assert sorted(states.values()) == ["cancelled", "delivered", "failed", "queued", "sent", "unknown"]
    start = utcnow()

    before = every_row()
    assert retention.purge(POLICY, now=start + dt.timedelta(days=2)).sms_rows == 0
    assert before["SmsOutbox"] == every_row()["SmsOutbox"]

    counts = retention.purge(POLICY, now=start + dt.timedelta(days=4))
    after = every_row()
    gone = set(before["SmsOutbox"]) - set(after["SmsOutbox"])
    cancelled = next(i for i, s in states.items() if s == "cancelled")
    assert counts.sms_rows == 3 and gone == {delivered, failed, cancelled}
    # What remains is untouched, and no other table but the audit moved.
    assert all(after["SmsOutbox"][i] == before["SmsOutbox"][i] for i in after["SmsOutbox"])
    assert changed_tables(before, after) == {"SmsOutbox", "AuditEvent"}

    # A report can still match a "sent" text within the delivery window (7 days); after it, the text is final.
    assert retention.purge(POLICY, now=start + dt.timedelta(days=6)).sms_rows == 0
    assert retention.purge(POLICY, now=start + dt.timedelta(days=8)).sms_rows == 1
    left = {row.id: row.state for row in SmsOutbox.select()}
    assert left == {unknown: "unknown", next(i for i, s in states.items() if s == "queued"): "queued"}
    assert retention.purge(POLICY, now=start + dt.timedelta(days=8)).sms_rows == 0


def test_stale_throttle_rows_are_forgotten(store):
    now = utcnow()
    old, fresh = throttle.address_key("203.0.113.7"), throttle.address_key("198.51.100.4")
    throttle.record_failure({old: throttle.ADDRESS_POLICY}, now=now - dt.timedelta(hours=25))
    throttle.record_failure({fresh: throttle.ADDRESS_POLICY}, now=now - dt.timedelta(hours=23))
    before = every_row()
    counts = retention.purge(POLICY, now=now)
    assert counts == retention.PurgeCounts(0, 0, 1)
    assert {row.key for row in LoginThrottle.select()} == {fresh}
    assert changed_tables(before, every_row()) == {"LoginThrottle", "AuditEvent"}
    audit_detail = AuditEvent.select().order_by(AuditEvent.id.desc()).first().detail
    assert audit_detail["throttle_rows"] == 1 and "203.0.113.7" not in json.dumps(audit_detail)


def test_periods_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OKIENKO_RETAIN_CLOSED_DAYS", "90")
    monkeypatch.setenv("OKIENKO_RETAIN_SMS_DAYS", "0")
    assert retention.RetentionPolicy.from_environment() == retention.RetentionPolicy(90, 0)
    monkeypatch.delenv("OKIENKO_RETAIN_CLOSED_DAYS")
    assert retention.RetentionPolicy.from_environment().closed_case_days == 30
    monkeypatch.setenv("OKIENKO_RETAIN_SMS_DAYS", "a week")
    with pytest.raises(storage.DomainError, match="OKIENKO_RETAIN_SMS_DAYS"):
        retention.RetentionPolicy.from_environment()
