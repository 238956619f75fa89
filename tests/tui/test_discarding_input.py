"""Every form and dialog that holds typed input asks before dropping it (issue 19, problem 6):
Esc in the deficiency form, the correction form and the withdraw reason dialog, and Ctrl+Q from
a filled registration form. An untouched one closes at once."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

import storage
from counter_tui.app import OkienkoApp
from counter_tui.screens.case_detail import CaseDetailScreen
from counter_tui.screens.case_dialogs import CaseEditForm, ReasonDialog
from counter_tui.screens.dialogs import ConfirmDialog, DeficiencyForm
from counter_tui.screens.register import RegisterScreen
from tests.helpers import CLERK, register
from tests.tui.conftest import SIZE, log_in, settle, type_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def open_case(pilot, number: str) -> None:
    await log_in(pilot)
    pilot.app.open_case(number)
    await settle(pilot)


async def escape_asks_then_keeps(pilot, form, read) -> None:
    """Esc asks; "N" goes back to the form with the text; Esc again and "T" drops it."""
    typed = read(form)
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog), "the typed text went without a question"
    await pilot.press("escape")
    await settle(pilot)
    assert pilot.app.screen is form and read(form) == typed
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("tab", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CaseDetailScreen)


async def test_the_deficiency_form_asks_before_dropping_a_typed_note(app: OkienkoApp):
    filing = register()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        await pilot.press("f3")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, DeficiencyForm)
        form.query_one("#note", TextArea).focus()
        await type_text(pilot, "Jasne tlo")
        await escape_asks_then_keeps(pilot, form, lambda f: f.query_one("#note", TextArea).text)
        await pilot.press("f3")  # untouched: Esc closes at once
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen)


async def test_the_correction_form_asks_only_after_a_change(app: OkienkoApp):
    filing = register()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        await pilot.press("ctrl+d")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CaseEditForm)
        await type_text(pilot, "x")
        await escape_asks_then_keeps(pilot, form, lambda f: f.query_one("#edit-name", Input).value)
        assert storage.case_detail(filing.number).applicant_name == "Olena Kovalenko"  # as registered


async def test_the_withdraw_reason_dialog_asks_before_dropping_the_reason(app: OkienkoApp):
    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        await pilot.press("f6")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReasonDialog)
        await type_text(pilot, "pomylka")
        await escape_asks_then_keeps(pilot, form, lambda f: f.query_one("#reason", Input).value)
        assert storage.case_detail(filing.number).stage == "formal_check"


async def test_ctrl_q_from_a_filled_registration_form_asks_first(app: OkienkoApp):
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RegisterScreen)
        form.query_one("#applicant-name", Input).value = "Ivan Petrenko"
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form and form.query_one("#applicant-name", Input).value == "Ivan Petrenko"
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert not app.is_running
