"""Changing the stage: history, audit and the SMS outbox move together or not at all."""

import pytest

import storage
from storage.db import unit_of_work
from storage.errors import DomainError
from storage.models import Case, SmsOutbox
from tests.helpers import CLERK, register, row_counts


def outbox_states(number: str) -> list[str]:
    return [s.state for s in storage.case_detail(number).sms]


def test_stage_change_writes_history_audit_and_one_sms(store):
    filing = register()
    change = storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    assert change.sms_queued
    detail = storage.case_detail(filing.number)
    assert detail.stage == "formal_check"
    assert [h.stage for h in detail.history] == ["filed", "formal_check"]
    assert detail.audit[-1].action == "stage_changed"
    assert detail.audit[-1].detail == {"old": "filed", "new": "formal_check", "sms": "queued"}
    assert outbox_states(filing.number) == ["queued"]


def test_one_sms_per_burst_of_changes(store):
    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    second = storage.set_stage(filing.number, "missing_documents", clerk=CLERK)
    assert not second.sms_queued and second.sms_skipped_because == "already_queued"
    assert outbox_states(filing.number) == ["queued"]
    with unit_of_work():
        SmsOutbox.update(state="sent").execute()
    assert storage.set_stage(filing.number, "fingerprints", clerk=CLERK).sms_queued
    assert outbox_states(filing.number) == ["sent", "queued"]


def test_no_sms_without_a_phone_or_after_opt_out(store):
    no_phone = register(phone=None)
    assert storage.set_stage(no_phone.number, "formal_check", clerk=CLERK).sms_skipped_because == "no_phone"
    opted = register(sms_opt_out=True)
    assert storage.set_stage(opted.number, "formal_check", clerk=CLERK).sms_skipped_because == "opted_out"
    assert outbox_states(no_phone.number) == [] and outbox_states(opted.number) == []


def test_closing_stage_closes_the_case_and_freezes_it(store):
    filing = register()
    assert storage.set_stage(filing.number, "closed", clerk=CLERK).closed
    before = row_counts()
    with pytest.raises(DomainError) as err:
        storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    assert err.value.field == "stage" and "zakończona" in str(err.value)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("number", "stage", "clerk", "field"),
    [
        (None, "no_such_stage", CLERK, "stage"),
        (None, "filed", CLERK, "stage"),  # already there
        (None, "formal_check", "ghost", "clerk"),
        ("26-999999-0", "formal_check", CLERK, "case_number"),
    ],
)
def test_refused_stage_changes_write_nothing(store, number, stage, clerk, field):
    filing = register()
    before = row_counts()
    with pytest.raises(DomainError) as err:
        storage.set_stage(number or filing.number, stage, clerk=clerk)
    assert err.value.field == field
    assert row_counts() == before


def test_failure_after_the_outbox_row_rolls_back_the_whole_change(store, monkeypatch):
    from storage import audit

    filing = register()
    before = row_counts()
    monkeypatch.setattr(audit, "record", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("crash")))
    with pytest.raises(RuntimeError):
        storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    assert row_counts() == before
    with unit_of_work():
        assert Case.get(Case.number == filing.number).stage_id == "filed"
