"""Stage corrections: the usual next stage, withdrawing a mistaken stage, reopening a closed case,
reopening a deficiency resolved by mistake."""

import datetime as dt

import pytest

import storage
from storage import clock
from storage.db import unit_of_work
from storage.errors import DomainError
from storage.models import SmsOutbox
from tests.helpers import ADMIN, CLERK, CLERK_SLU, register, register_closed, row_counts


def test_usual_next_stage_follows_the_catalogue_and_skips_detours(store):
    stages = storage.stages()
    codes = [s.code for s in stages]
    detours = {s.code for s in stages if not s.usual_path}
    assert detours == {"suspended", "appeal"}  # marked `detour = true` in fixtures/stages.toml
    for stage in stages:
        proposed = storage.usual_next_stage(stages, stage.code)
        if stage.closes_case:
            assert proposed is None
            continue
        later = [s for s in stages[codes.index(stage.code) + 1 :] if s.usual_path]
        assert proposed == later[0].code
    assert storage.usual_next_stage(stages, "evidence_closed") == "draft_decision"
    assert storage.usual_next_stage(stages, "card_ready") == "closed"


def test_clerk_withdraws_own_stage_history_audit_portal_and_sms(store):
    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    before = storage.check_applicant(filing.number, filing.password, "en").public_version
    done = storage.withdraw_stage(filing.number, clerk=CLERK)
    assert (done.withdrawn, done.stage, done.sms_cancelled) == ("formal_check", "filed", 1)
    detail = storage.case_detail(filing.number)
    assert detail.stage == "filed"
    # Kept for the clerks, marked withdrawn …
    assert [(h.stage, h.withdrawn_at is not None) for h in detail.history] == [
        ("filed", False),
        ("formal_check", True),
    ]
    assert [s.state for s in detail.sms] == ["cancelled"]
    assert detail.audit[-1].action == "stage_withdrawn"
    assert detail.audit[-1].text == (
        "Anna Nowak wycofała etap Sprawdzanie kompletności; sprawa wraca na etap Wniosek złożony, anulowano SMS: 1"
    )
    # … gone from the applicant's history, and the portal's page cache sees the change.
    view = storage.check_applicant(filing.number, filing.password, "en")
    assert [h.stage for h in view.history] == ["filed"]
    assert view.stage == "filed"
    assert view.public_version > before
    # No text is queued for the correction itself.
    assert [s.state for s in storage.case_detail(filing.number).sms] == ["cancelled"]


def test_a_text_already_sent_is_not_touched_and_nothing_new_is_queued(store):
    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    with unit_of_work():
        SmsOutbox.update(state="sent").execute()
    assert storage.withdraw_stage(filing.number, clerk=CLERK).sms_cancelled == 0
    assert [s.state for s in storage.case_detail(filing.number).sms] == ["sent"]


def test_withdraw_window_and_who_may_withdraw(store):
    start = dt.datetime(2026, 11, 23, 9, 0)
    with clock.frozen(start):
        filing = register()
        storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    counts = row_counts()
    # Another clerk may not, even at once.
    with pytest.raises(DomainError) as err:
        storage.withdraw_stage(filing.number, clerk=CLERK_SLU, now=start + dt.timedelta(minutes=1))
    assert err.value.field == "stage"
    # The same clerk after 15 minutes may not either.
    with pytest.raises(DomainError):
        storage.withdraw_stage(filing.number, clerk=CLERK, now=start + dt.timedelta(minutes=15, seconds=1))
    # An administrator may at any time, but only with a reason.
    with pytest.raises(DomainError) as err:
        storage.withdraw_stage(filing.number, clerk=ADMIN, now=start + dt.timedelta(days=3))
    assert err.value.field == "reason"
    assert row_counts() == counts
    storage.withdraw_stage(filing.number, clerk=ADMIN, reason="pomyłka sprawy", now=start + dt.timedelta(days=3))
    assert storage.case_detail(filing.number).audit[-1].detail["reason"] == "pomyłka sprawy"
    # The initial stage is not a mistake to withdraw.
    with pytest.raises(DomainError, match="początkowy"):
        storage.withdraw_stage(filing.number, clerk=ADMIN, reason="x")


def test_the_clerk_may_withdraw_within_the_window(store):
    start = dt.datetime(2026, 11, 23, 9, 0)
    with clock.frozen(start):
        filing = register()
        storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    storage.withdraw_stage(filing.number, clerk=CLERK, now=start + dt.timedelta(minutes=14, seconds=59))
    assert storage.case_detail(filing.number).stage == "filed"


def test_withdrawing_twice_steps_back_through_the_history(store):
    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    storage.set_stage(filing.number, "missing_documents", clerk=CLERK)
    assert storage.withdraw_stage(filing.number, clerk=CLERK).stage == "formal_check"
    assert storage.withdraw_stage(filing.number, clerk=CLERK).stage == "filed"
    view = storage.check_applicant(filing.number, filing.password)
    assert [h.stage for h in view.history] == ["filed"]


def test_only_an_admin_reopens_a_closed_case_with_a_reason(store):
    filing = register_closed()
    with pytest.raises(DomainError) as err:
        storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    assert err.value.field == "stage"
    counts = row_counts()
    with pytest.raises(DomainError) as err:
        storage.reopen_case(filing.number, clerk=CLERK, reason="pomyłka")
    assert err.value.field == "clerk"
    with pytest.raises(DomainError) as err:
        storage.reopen_case(filing.number, clerk=ADMIN, reason="  ")
    assert err.value.field == "reason"
    assert row_counts() == counts
    assert storage.reopen_case(filing.number, clerk=ADMIN, reason="zamknięta przez pomyłkę") == "decision_issued"
    detail = storage.case_detail(filing.number)
    assert not detail.closed and detail.stage == "decision_issued"
    assert detail.audit[-1].action == "case_reopened"
    assert detail.audit[-1].text.startswith("Katarzyna Zielińska wznowiła sprawę: Sprawa zakończona → Decyzja wydana")
    # The closing stays in the applicant's history (it was true); the reopening follows it.
    view = storage.check_applicant(filing.number, filing.password)
    assert [h.stage for h in view.history][-2:] == ["closed", "decision_issued"]
    assert not view.closed
    storage.set_stage(filing.number, "card_production", clerk=CLERK)
    with pytest.raises(DomainError, match="nie jest zakończona"):
        storage.reopen_case(filing.number, clerk=ADMIN, reason="x")


def test_deficiency_resolved_by_mistake_is_reopened_and_audited(store):
    filing = register(missing=["photos"])
    item = storage.case_detail(filing.number).deficiencies[0]
    storage.resolve_deficiency(item.id, clerk=CLERK)
    assert storage.check_applicant(filing.number, filing.password).deficiencies == []
    storage.reopen_deficiency(item.id, clerk=CLERK)
    detail = storage.case_detail(filing.number)
    assert detail.deficiencies[0].resolved_at is None
    assert detail.audit[-1].action == "deficiency_reopened"
    assert detail.audit[-1].text == f"Anna Nowak przywróciła brak nr {item.id} (uzupełniony omyłkowo)"
    assert len(storage.check_applicant(filing.number, filing.password).deficiencies) == 1
    with pytest.raises(DomainError, match="nie jest oznaczony"):
        storage.reopen_deficiency(item.id, clerk=CLERK)


def test_audit_reads_as_sentences(store):
    filing = register()
    storage.set_stage(filing.number, "fingerprints", clerk=CLERK)
    storage.set_sms_opt_out(filing.number, True, clerk=CLERK_SLU)
    texts = [a.text for a in storage.case_detail(filing.number).audit]
    assert texts == [
        "Anna Nowak zarejestrowała wniosek",
        "Anna Nowak zmieniła etap: Wniosek złożony → Odciski palców do pobrania (SMS w kolejce)",
        "Piotr Wiśniewski zapisał: SMS wyłączone (anulowano w kolejce: 1)",
    ]


def test_migrate_upgrades_a_store_from_before_the_corrections(store):
    """A store as 0004 left it (no withdrawn_at, no usual_path) gets both columns from `migrate`,
    every row intact, with the shipped detours marked."""
    from storage import schema
    from storage.db import database

    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    with unit_of_work():
        database.execute_sql("ALTER TABLE stage_history DROP COLUMN withdrawn_at")
        database.execute_sql("ALTER TABLE stage DROP COLUMN usual_path")
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0005_stage_corrections'")
    assert schema.pending_migrations() == ["0005_stage_corrections"]
    assert schema.migrate() == ["0005_stage_corrections"]
    assert schema.schema_drift() == ""
    assert {s.code for s in storage.stages() if not s.usual_path} == {"suspended", "appeal"}
    storage.load_fixtures()  # the catalogue says the same
    assert {s.code for s in storage.stages() if not s.usual_path} == {"suspended", "appeal"}
    assert storage.withdraw_stage(filing.number, clerk=CLERK).stage == "filed"
