"""Worklist pages and searches as the clerk app issues them."""

import datetime as dt

import pytest

import storage
from storage import schema
from storage.clock import frozen
from storage.errors import DomainError
from tests.helpers import CLERK, CLERK_SLU, register


@pytest.fixture
def cases(store):
    """Nine Gdańsk cases and two Słupsk ones, filed 0..10 days ago; two of them overdue."""
    today = storage.today_in_warsaw()
    made = []
    names = [
        "Olena Kovalenko",
        "Ivan Kovač",
        "Iryna Koval",
        "Łukasz Żółć",
        "Anna Kowalska",
        "Rahul Sharma",
        "Priya Nair",
        "Nino Beridze",
        "Jose Dela Cruz",
    ]
    for i, name in enumerate(names):
        ctype = "card_exchange" if i < 2 else "temp_work"
        made.append(register(applicant_name=name, case_type=ctype, filed_on=today - dt.timedelta(days=40 - i * 4)))
    made.append(
        register(
            clerk=CLERK_SLU, applicant_name="Giorgi Kapanadze", external_ref="MOS/2026/000777", channel="electronic"
        )
    )
    made.append(register(clerk=CLERK_SLU, applicant_name="Mehmet Yilmaz"))
    storage.set_stage(made[2].number, "formal_check", clerk=CLERK)
    storage.set_stage(made[3].number, "closed", clerk=CLERK)
    return made


def test_default_page_is_my_offices_open_cases_newest_first(cases):
    page = storage.worklist("GDA")
    numbers = [r.number for r in page.rows]
    expected = [c.number for c in reversed(cases[:9]) if c.number != cases[3].number]
    assert numbers == expected and page.next_cursor is None
    assert {r.office for r in page.rows} == {"GDA"}


def test_keyset_paging_walks_every_row_once(cases):
    seen, cursor = [], None
    while True:
        page = storage.worklist(None, limit=3, after=cursor)
        seen += [r.number for r in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 10


def test_deadline_order_pages_and_marks_overdue(cases):
    first = storage.worklist("GDA", order="deadline", limit=2)
    second = storage.worklist("GDA", order="deadline", limit=2, after=first.next_cursor)
    rows = first.rows + second.rows
    assert [r.deadline_on for r in rows] == sorted(r.deadline_on for r in rows)
    assert rows[0].overdue and rows[0].number == cases[0].number
    overdue = storage.worklist("GDA", overdue_only=True)
    assert [r.number for r in overdue.rows] == [cases[1].number, cases[0].number]
    assert all(r.overdue for r in overdue.rows)


def test_filters_by_stage_type_and_closed(cases):
    assert [r.number for r in storage.worklist("GDA", stage="formal_check").rows] == [cases[2].number]
    assert {r.case_type for r in storage.worklist("GDA", case_type="card_exchange").rows} == {"card_exchange"}
    assert [r.number for r in storage.worklist("GDA", closed=True).rows] == [cases[3].number]


def test_search_by_number_surname_and_external_ref(cases):
    target = cases[5]
    spaced = f"{target.number[:2]} {target.number[2:5]}-{target.number[5:]}"
    assert [r.number for r in storage.search_cases(spaced)] == [target.number]
    kov = storage.search_cases("kov")
    assert {r.applicant_name for r in kov} == {"Olena Kovalenko", "Ivan Kovač", "Iryna Koval"}
    assert [r.applicant_name for r in storage.search_cases("ZOLC")] == ["Łukasz Żółć"]
    assert [r.applicant_name for r in storage.search_cases("kowal")] == ["Anna Kowalska"]
    assert [r.applicant_name for r in storage.search_by_surname("ko", office="SLU")] == []
    assert [r.applicant_name for r in storage.search_cases("MOS/2026/000777")] == ["Giorgi Kapanadze"]
    assert storage.search_cases("MOS/2026/000778") == []


def test_mistyped_number_is_reported_at_once(cases):
    number = cases[0].number
    typo = number[:-2] + number[-1] + number[-2] if number[-1] != number[-2] else number[:-1] + "0"
    with pytest.raises(DomainError) as err:
        storage.search_cases(typo)
    assert err.value.field == "case_number" and "źle przepisany" in str(err.value)


def test_too_short_or_odd_surname_prefix(cases):
    with pytest.raises(DomainError, match="co najmniej 2"):
        storage.search_cases("k")
    with pytest.raises(DomainError, match="litery"):
        storage.search_cases("ko%")


def test_frozen_clock_makes_dates_repeatable(store):
    at = dt.datetime(2026, 3, 2, 10, 0)
    with frozen(at):
        filing = register()
        assert storage.today_in_warsaw() == dt.date(2026, 3, 2)
    assert filing.number.startswith("26")
    assert storage.case_detail(filing.number).filed_on == dt.date(2026, 3, 2)


def test_schema_still_matches_models_with_backend_extras(store):
    assert schema.schema_drift() == ""


def test_receipt_and_letter_data(store):
    filing = register(missing=["photos", "fee_proof"], applicant_name="Iryna Bondarenko")
    receipt = storage.filing_receipt(filing.number)
    assert receipt.applicant_name == "Iryna Bondarenko" and receipt.clerk_name == "Anna Nowak"
    assert receipt.missing_at_intake == ["Aktualne zdjęcia 35×45 mm", "Dowód wniesienia opłaty skarbowej"]
    assert "Okopowa" in receipt.office_address
    letter = storage.credential_letter(filing.number)
    assert letter.language == "uk" and letter.case_type_label.startswith("Тимчасове")


def test_overdue_only_while_the_statutory_clock_runs(cases):
    """A past deadline at a stage where the office owes nothing (suspended, decision issued…)
    is not overdue: flag, "overdue only", the deadline order and the rule agree."""
    oldest, second = cases[0], cases[1]
    assert {r.number for r in storage.worklist("GDA", overdue_only=True).rows} == {oldest.number, second.number}
    for stage in ("suspended", "decision_issued", "card_production", "card_ready"):
        storage.set_stage(oldest.number, stage, clerk=CLERK)
        page = storage.worklist("GDA")
        row = next(r for r in page.rows if r.number == oldest.number)
        assert row.overdue is False, stage
        assert [r.number for r in storage.worklist("GDA", overdue_only=True).rows] == [second.number]
        by_deadline = storage.worklist("GDA", order="deadline").rows
        assert oldest.number not in {r.number for r in by_deadline} and by_deadline[0].number == second.number
        assert storage.case_detail(oldest.number).overdue is False
        assert storage.store_stats()["overdue_cases"] == 1
    storage.set_stage(oldest.number, "appeal", clerk=CLERK)  # the clock runs again
    assert storage.worklist("GDA", order="deadline").rows[0].number == oldest.number
    assert storage.case_detail(oldest.number).overdue and storage.store_stats()["overdue_cases"] == 2
    assert {s.code for s in storage.stages() if not s.clock_runs} == {
        "suspended",
        "decision_issued",
        "card_production",
        "card_ready",
        "closed",
    }


def test_registered_today_and_mine(store):
    today = storage.today_in_warsaw()
    at = dt.datetime.combine(today, dt.time(12, 0)) - dt.timedelta(days=1)
    with frozen(at):  # registered yesterday (Warsaw), by Anna
        yesterday = register(applicant_name="Olena Kovalenko")
    mine_today = register(applicant_name="Iryna Koval")
    by_admin = register(clerk="admin", applicant_name="Rahul Sharma")
    changed_by_admin = register(applicant_name="Priya Nair")
    storage.set_stage(changed_by_admin.number, "formal_check", clerk="admin")
    admin_then_anna = register(clerk="admin", applicant_name="Nino Beridze")
    storage.set_stage(admin_then_anna.number, "formal_check", clerk=CLERK)

    today_rows = storage.worklist("GDA", registered_today=True).rows
    assert yesterday.number not in {r.number for r in today_rows}
    assert {r.number for r in today_rows} == {
        mine_today.number,
        by_admin.number,
        changed_by_admin.number,
        admin_then_anna.number,
    }
    anna = {r.number for r in storage.worklist("GDA", mine=CLERK).rows}
    # Registered by Anna (even if changed by someone else since) or last changed by her.
    assert anna == {yesterday.number, mine_today.number, changed_by_admin.number, admin_then_anna.number}
    admin = {r.number for r in storage.worklist("GDA", mine="admin").rows}
    assert admin == {by_admin.number, changed_by_admin.number, admin_then_anna.number}
    assert {r.number for r in storage.worklist("GDA", mine="admin", registered_today=True).rows} == admin
