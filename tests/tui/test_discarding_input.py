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
from tests.tui.conftest import SIZE, logged_in_to, open_case, press, press_at_once, press_to, type_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def escape_asks_then_keeps(pilot, form, read) -> None:
    """Esc asks; "N" goes back to the form with the text; Esc again and "T" drops it."""
    typed = read(form)
    await press(pilot, "escape")
    assert isinstance(pilot.app.screen, ConfirmDialog), "the typed text went without a question"
    await press(pilot, "escape")
    assert pilot.app.screen is form and read(form) == typed
    await press(pilot, "escape")
    await press_at_once(pilot, "tab", "enter")
    assert isinstance(pilot.app.screen, CaseDetailScreen)


async def test_the_deficiency_form_asks_before_dropping_a_typed_note(app: OkienkoApp):
    filing = register()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        form = await press_to(pilot, "f3", DeficiencyForm)
        form.query_one("#note", TextArea).focus()
        await type_text(pilot, "Jasne tlo")
        await escape_asks_then_keeps(pilot, form, lambda f: f.query_one("#note", TextArea).text)
        await press(pilot, "f3")  # untouched: Esc closes at once
        await press_to(pilot, "escape", CaseDetailScreen)


async def test_the_correction_form_asks_only_after_a_change(app: OkienkoApp):
    filing = register()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        form = await press_to(pilot, "ctrl+d", CaseEditForm)
        await type_text(pilot, "x")
        await escape_asks_then_keeps(pilot, form, lambda f: f.query_one("#edit-name", Input).value)
        assert storage.case_detail(filing.number).applicant_name == "Olena Kovalenko"  # as registered


async def test_the_withdraw_reason_dialog_asks_before_dropping_the_reason(app: OkienkoApp):
    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        form = await press_to(pilot, "f6", ReasonDialog)
        await type_text(pilot, "pomylka")
        await escape_asks_then_keeps(pilot, form, lambda f: f.query_one("#reason", Input).value)
        assert storage.case_detail(filing.number).stage == "formal_check"


async def test_ctrl_q_from_a_filled_registration_form_asks_first(app: OkienkoApp):
    async with app.run_test(size=SIZE) as pilot:
        form = await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        form.query_one("#applicant-name", Input).value = "Ivan Petrenko"
        await press(pilot, "ctrl+q")
        assert app.is_running and isinstance(app.screen, ConfirmDialog)
        await press(pilot, "escape")
        assert app.screen is form and form.query_one("#applicant-name", Input).value == "Ivan Petrenko"
        await press(pilot, "ctrl+q")
        await press_at_once(pilot, "tab", "enter")
        assert not app.is_running
