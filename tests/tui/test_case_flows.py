"""The case screen's corrections, driven from the keyboard: the stage dialog and its confirmations,
withdrawing a stage, reopening a case, correcting registration data, deficiencies kept and reopened."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, OptionList, Select, Static

import storage
from counter_tui.app import OkienkoApp
from counter_tui.screens.case_detail import CaseDetailScreen
from counter_tui.screens.case_dialogs import CaseEditForm, ReasonDialog
from counter_tui.screens.dialogs import CredentialsDialog, DeficiencyForm, StageConfirm, StagePicker
from storage.delivery import sms_outbox as outbox
from tests.helpers import ADMIN, CLERK, register, register_closed
from tests.tui.conftest import (
    BOTH,
    SIZE,
    log_in,
    open_case,
    press,
    press_at_once,
    press_to,
    said,
    settle,
    text_of,
    type_text,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@BOTH
async def test_stage_dialog_proposes_the_usual_next_stage_and_asks_once_more(app: OkienkoApp):
    filing = register()
    stages = storage.stages()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        for current in ("filed", "formal_check"):
            await press_to(pilot, "f2", StagePicker)
            options = app.screen.query_one(OptionList)
            expected = storage.usual_next_stage(stages, current)
            assert options.get_option_at_index(options.highlighted).id == expected
            await press_to(pilot, "enter", StageConfirm)
            from_to = text_of(app, "#stage-from-to")
            target = next(s for s in stages if s.code == expected)
            source = next(s for s in stages if s.code == current)
            assert f"{source.label['pl']}  →  {target.label['pl']}" in from_to
            assert target.explanation["pl"] in text_of(app, "#stage-explanation")
            assert storage.case_detail(filing.number).stage == current  # nothing changed yet
            await press_to(pilot, "enter", CaseDetailScreen)
            assert storage.case_detail(filing.number).stage == expected
        # Esc in the confirmation goes back to the list, and nothing changes.
        await press(pilot, "f2", "enter")
        await press_to(pilot, "escape", StagePicker)
        await press(pilot, "escape")
    assert storage.case_detail(filing.number).stage == "missing_documents"


@BOTH
async def test_closing_needs_the_last_digits_of_the_case_number(app: OkienkoApp):
    filing = register()
    storage.set_stage(filing.number, "card_ready", clerk=CLERK)
    digits = filing.number[-4:]
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        # The old accident: s, End, Enter (and Enter again) must not close the case.
        await press_at_once(pilot, "f2", "end", "enter")
        assert isinstance(app.screen, StageConfirm) and app.screen.target.closes_case
        await press(pilot, "enter")
        assert "sprawa nie została zakończona" in text_of(app, "#form-error")
        assert storage.case_detail(filing.number).closed is False
        await type_text(pilot, "0000" if digits != "0000" else "1111")
        await press_to(pilot, "enter", StageConfirm)
        app.screen.query_one("#confirm-digits", Input).value = ""
        await type_text(pilot, digits)
        await press_to(pilot, "enter", CaseDetailScreen)
        assert "ZAKOŃCZONA" in text_of(app, "#case-summary")
        # A clerk gets no reopen key, and no stage key on a closed case.
        assert app.screen.check_action("reopen_case", ()) is False
        assert app.screen.check_action("set_stage", ()) is False
    assert storage.case_detail(filing.number).closed


@BOTH
async def test_clerk_withdraws_own_stage(app: OkienkoApp):
    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        await press_to(pilot, "f6", ReasonDialog)
        await press_to(pilot, "enter", CaseDetailScreen)
        history = app.screen.query_one("#history", DataTable)
        assert "wycofany" in str(history.get_row_at(1)[3])
    detail = storage.case_detail(filing.number)
    assert detail.stage == "filed" and [s.state for s in detail.sms] == ["cancelled"]
    assert [h.stage for h in storage.check_applicant(filing.number, filing.password).history] == ["filed"]


async def test_another_clerk_is_refused_and_the_dialog_keeps_the_reason(app: OkienkoApp):
    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk="piotr")
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        await press(pilot, "f6")
        await type_text(pilot, "pomylka")
        await press_to(pilot, "enter", ReasonDialog)
        assert "15 minut" in text_of(app, "#form-error")
        assert app.screen.query_one("#reason", Input).value == "pomylka"
    assert storage.case_detail(filing.number).stage == "formal_check"


@BOTH
async def test_admin_reopens_a_closed_case_with_a_reason(app: OkienkoApp):
    filing = register_closed()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number, login=ADMIN)
        assert app.screen.check_action("reopen_case", ()) is True
        await press(pilot, "ctrl+z", "enter")  # no reason: refused, the dialog stays
        assert isinstance(app.screen, ReasonDialog) and "powód" in text_of(app, "#form-error")
        await type_text(pilot, "zamknieta omylkowo")
        await press_to(pilot, "enter", CaseDetailScreen)
        assert "ZAKOŃCZONA" not in text_of(app, "#case-summary")
        app.screen.query_one("#case-tabs").active = "tab-audit"
        await settle(pilot)
        audit = app.screen.query_one("#audit", DataTable)
        last = str(audit.get_row_at(audit.row_count - 1)[1])
        assert last.startswith("Katarzyna Zielińska wznowiła sprawę: Sprawa zakończona → Decyzja wydana")
    assert storage.case_detail(filing.number).stage == "decision_issued"


@BOTH
async def test_correct_phone_and_language_then_the_queued_text_goes_to_the_new_number(app: OkienkoApp):
    filing = register(phone="+48 501 234 567", language="uk")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        await press_to(pilot, "ctrl+d", CaseEditForm)
        await pilot.press("tab")
        phone = app.screen.query_one("#edit-phone", Input)
        phone.value = ""
        await type_text(pilot, "58 307 74 27")
        await press(pilot, "ctrl+s")
        # Refused with registration's rule; everything typed stays.
        assert isinstance(app.screen, CaseEditForm)
        assert "stacjonarny" in text_of(app, "#form-error")
        assert phone.value == "58 307 74 27"
        phone.value = ""
        await type_text(pilot, "+380 67 123 4567")
        app.screen.query_one("#edit-language", Select).value = "ru"
        await press_to(pilot, "ctrl+s", CaseDetailScreen)
        assert "+380 67 123 4567" in text_of(app, "#case-summary")
    detail = storage.case_detail(filing.number)
    assert (detail.phone, detail.language) == ("+380671234567", "ru")
    assert detail.audit[-1].detail == {"fields": ["phone", "language"]}
    claimed = outbox.claim_due("tui-test", lease_seconds=60)
    assert [(c.phone, c.language) for c in claimed] == [("+380671234567", "ru")]


@BOTH
async def test_refused_deficiency_keeps_what_was_typed_and_a_resolved_one_is_reopened(app: OkienkoApp):
    filing = register(missing=["photos"])
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        await press(pilot, "f3")
        app.screen.query_one("#kind", Select).value = "photos"  # already recorded and open: refused
        app.screen.query_one("#note").focus()
        await type_text(pilot, "Jasne tlo, bez okularow.")
        await press_to(pilot, "ctrl+s", DeficiencyForm)
        assert "jest już wpisany" in text_of(app, "#form-error")
        assert app.screen.query_one("#note").text == "Jasne tlo, bez okularow."
        app.screen.query_one("#kind", Select).value = "passport_copy"
        await press_to(pilot, "ctrl+s", CaseDetailScreen)
        table = app.screen.query_one("#deficiencies", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await press_at_once(pilot, "f4", "enter")
        assert storage.case_detail(filing.number).deficiencies[0].resolved_at is not None
        await press_at_once(pilot, "ctrl+u", "enter")
    detail = storage.case_detail(filing.number)
    assert [d.resolved_at for d in detail.deficiencies] == [None, None]
    assert detail.deficiencies[1].note == "Jasne tlo, bez okularow."
    assert detail.audit[-1].action == "deficiency_reopened"


async def test_audit_tab_and_opt_out_read_as_polish(app: OkienkoApp):
    filing = register()
    storage.set_stage(filing.number, "fingerprints", clerk=CLERK)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        await press_at_once(pilot, "ctrl+t", "tab", "enter")
        assert any("SMS wyłączone" in text for text in said(app))
        app.screen.query_one("#case-tabs").active = "tab-audit"
        await settle(pilot)
        audit = app.screen.query_one("#audit", DataTable)
        rows = [str(audit.get_row_at(i)[1]) for i in range(audit.row_count)]
        assert rows == [
            "Anna Nowak zarejestrowała wniosek",
            "Anna Nowak zmieniła etap: Wniosek złożony → Odciski palców do pobrania (SMS w kolejce)",
            "Anna Nowak zapisała: SMS wyłączone (anulowano w kolejce: 1)",
        ]
        await press_at_once(pilot, "ctrl+t", "enter")
        assert any("SMS włączone" in text for text in said(app))


async def test_credential_window_stops_saying_printing_once_printing_ended(app: OkienkoApp):
    filing = register()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        await press_at_once(pilot, "f9", "tab", "enter")
        assert isinstance(app.screen, CredentialsDialog)
        status = str(app.screen.query_one("#print-status", Static).render())
        assert "Drukuję" not in status
        assert "Wydrukowano: list z danymi logowania" in status


async def test_after_registration_the_window_reports_both_print_jobs(app: OkienkoApp, printer):
    filing = register()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        app.filing_registered(filing)  # what the registration form does once the store accepted it
        await settle(pilot)
        assert isinstance(app.screen, CredentialsDialog)
        status = str(app.screen.query_one("#print-status", Static).render())
        assert "Drukuję" not in status
        assert "Wydrukowano: list z danymi logowania" in status
        assert "Wydrukowano: potwierdzenie złożenia wniosku" in status
    assert len(printer.jobs()) == 2


async def test_a_failed_letter_print_is_reported_in_the_credential_window(store, settings):
    broken = type(settings)(**{**settings.__dict__, "print_command": "false {file}"})
    app = OkienkoApp(broken)
    filing = register()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        await press_at_once(pilot, "f9", "tab", "enter")
        await press(pilot, "escape")  # give up on the failed print
        assert isinstance(app.screen, CredentialsDialog)
        status = str(app.screen.query_one("#print-status", Static).render())
        assert "Drukuję" not in status and "Nie wydrukowano" in status
