"""The case screen's keyboard (issue 19, trial after the first round): a name typed there is a
search for the next person, never a command; a question is answered by Enter on a button, never
by a letter; Ctrl+N starts the next filing from the case the last one left the clerk on."""

from __future__ import annotations

import pytest
from textual.keys import _character_to_key
from textual.screen import ModalScreen

import storage
from counter_tui.app import OkienkoApp
from counter_tui.screens.case_detail import CaseDetailScreen
from counter_tui.screens.confirm import ConfirmDialog
from counter_tui.screens.dialogs import CredentialsDialog
from counter_tui.screens.register import RegisterScreen
from counter_tui.screens.worklist import WorklistScreen
from tests.helpers import CLERK, register, row_counts
from tests.tui.conftest import SIZE, log_in, press, press_at_once, press_to, settle, show_case

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# Every letter a Polish or foreign name can hold, and the digits and marks of a name or a scanned case number.
LOWER = "abcdefghijklmnopqrstuvwxyząćęłńóśźż"
PRINTABLE = LOWER + LOWER.upper() + "0123456789-'."
# Pressed one by one (each press leaves the case, so each costs a case screen): some of every kind the
# case screen could treat apart — ASCII and Polish, lower and upper case, digit, mark.
PRESSED = "aeknrsyząłżCHSZĄŁŻ07-'."
# In three tests of eight keys, so that test processes share them (one test of 24 was the suite's longest).
PRESSED_GROUPS = [PRESSED[i : i + 8] for i in range(0, len(PRESSED), 8)]


def key_names(char: str) -> set[str]:
    """The names a binding may give the key that types `char` (Textual's, and shift+letter)."""
    names = {_character_to_key(char), char}
    if char.isupper():
        names.add(f"shift+{char.lower()}")
    return names


def printable_bindings(screen) -> dict[str, str]:
    """Every key of `screen`'s active bindings (app, screen, focused widget) that a typed character is."""
    typed = set().union(*(key_names(char) for char in PRINTABLE))
    return {key: active.binding.action for key, active in screen.active_bindings.items() if key in typed}


def what_the_store_holds(number: str) -> tuple:
    detail = storage.case_detail(number)
    return (
        row_counts(),
        detail.stage,
        detail.credential_version,
        detail.sms_opt_out,
        [(d.id, d.resolved_at, d.note) for d in detail.deficiencies],
        [(a.action, a.detail) for a in detail.audit],
    )


async def test_a_name_typed_on_a_case_searches_for_the_next_person_and_changes_nothing(app: OkienkoApp):
    filing = register(missing=["photos"])
    nextone = register(applicant_name="Priya Chatterjee")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)  # (a sign-in is audited: the store is read after it)
        before = what_the_store_holds(filing.number)
        await show_case(pilot, filing.number)
        for char in "Chatterjee":
            await pilot.press(char)
            await settle(pilot)
            assert not isinstance(app.screen, ModalScreen), f"{char!r} opened {type(app.screen).__name__}"
        assert isinstance(app.screen, WorklistScreen)
        assert app.screen.search_box.value == "Chatterjee"
        await press(pilot, "enter")
        table = app.screen.query_one("#cases")
        assert [table.get_row_at(i) for i in range(table.row_count)] and table.row_count == 1
        assert str(table.coordinate_to_cell_key((0, 0)).row_key.value) == nextone.number
    assert what_the_store_holds(filing.number) == before


async def test_no_binding_of_a_case_at_any_focus_stop_is_a_printable_key(app: OkienkoApp):
    filing = register(missing=["photos", "fee_proof"])
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await show_case(pilot, filing.number)
        # No binding of the case screen, wherever the focus stands, is a key a name is typed with.
        seen = set()
        while app.focused not in seen:
            seen.add(app.focused)
            assert printable_bindings(app.screen) == {}, f"focus on {app.focused!r}"
            await press(pilot, "tab")
            assert isinstance(app.screen, CaseDetailScreen)
        assert len(seen) >= 2, "the case screen has more than one place to stand"


@pytest.mark.parametrize("pressed", PRESSED_GROUPS)
async def test_no_printable_key_on_a_case_opens_anything_or_changes_the_case(app: OkienkoApp, pressed: str):
    filing = register(missing=["photos", "fee_proof"])
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)  # (a sign-in is audited: the store is read after it)
        before = what_the_store_holds(filing.number)
        for char in pressed:
            await show_case(pilot, filing.number)
            await pilot.press(char)
            await settle(pilot)
            assert isinstance(app.screen, WorklistScreen), f"{char!r} left {type(app.screen).__name__} on screen"
            assert app.screen.search_box.value.endswith(char)
    assert what_the_store_holds(filing.number) == before


async def test_a_question_takes_no_letter_and_a_new_password_defaults_to_no(app: OkienkoApp):
    filing = register()
    version = storage.case_detail(filing.number).credential_version
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await show_case(pilot, filing.number)
        await press_to(pilot, "f9", ConfirmDialog)
        for char in "tTyYnNzs ":
            await pilot.press({" ": "space"}.get(char, char))
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog), f"{char!r} answered the question"
        await press(pilot, "enter")  # "no" has the focus: an Enter typed ahead issues nothing
        assert isinstance(app.screen, CaseDetailScreen)
        assert storage.case_detail(filing.number).credential_version == version
        await press_at_once(pilot, "f9", "right", "enter")  # the explicit choice
        assert isinstance(app.screen, CredentialsDialog)
    assert storage.case_detail(filing.number).credential_version == version + 1


async def test_ctrl_n_on_a_case_starts_the_next_filing_and_filings_do_not_pile_up(app: OkienkoApp):
    first = register()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await show_case(pilot, first.number)
        depth = len(app.screen_stack)
        for name in ("Jan Kowalski", "Maria Lopez", "Ali Hassan"):
            await press_to(pilot, "ctrl+n", RegisterScreen)
            filing = register(applicant_name=name, clerk=CLERK)
            app.filing_registered(filing)  # what the form does once the store accepted it
            await settle(pilot)
            await press(pilot, "enter")  # the credentials window closes on the new case
            assert isinstance(app.screen, CaseDetailScreen) and app.screen.number == filing.number
            assert len(app.screen_stack) == depth
        await press_to(pilot, "escape", WorklistScreen)


async def test_f7_and_f8_move_between_the_case_tabs_round_the_end(app: OkienkoApp):
    from textual.widgets import TabbedContent

    filing = register()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await show_case(pilot, filing.number)
        tabs = app.screen.query_one(TabbedContent)
        assert tabs.active == "tab-deficiencies"
        await press(pilot, "f8")
        assert tabs.active == "tab-messages"
        await press_at_once(pilot, "f7", "f7")  # back past the first: the last tab, the audit
        assert tabs.active == "tab-audit"
        from counter_tui.screens.help import KEY_MAP

        assert "F7/F8 poprzednia/następna karta" in KEY_MAP
