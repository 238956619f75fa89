"""The second busy-morning trial (issue 19): `/` in the middle of a typed name started no fresh
search ("Chatterjee/kovalenko"), the rows of the last search stayed under a new name being typed
("Znaleziono 1" for a name nobody has), the booking dialog's list of matters ignored typed letters,
and the page line said "33 spraw"."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from counter_tui.app import OkienkoApp
from counter_tui.screens.visit_form import VisitBookingForm
from counter_tui.screens.worklist import WorklistScreen, cases_pl
from counter_tui.widgets.case_table import CaseTable
from tests.helpers import register
from tests.tui.conftest import SIZE, log_in, press, press_to, settle, type_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def status(app: OkienkoApp) -> str:
    return str(app.screen.query_one("#status-line").render())


async def test_slash_in_the_middle_of_a_typed_name_starts_a_fresh_search(app: OkienkoApp):
    register(applicant_name="Olena Kovalenko")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await type_text(pilot, "chatterjee")  # typed on the list, the focus still on the rows
        await pilot.press("slash")
        await type_text(pilot, "kovalenko")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == "kovalenko"
        await press(pilot, "enter")
        assert "Znaleziono 1" in status(app)


async def test_a_new_name_being_typed_never_shows_the_last_searchs_rows(app: OkienkoApp):
    register(applicant_name="Olena Kovalenko")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await type_text(pilot, "kovalenko")
        await press(pilot, "enter")
        assert "Znaleziono 1" in status(app)
        await type_text(pilot, "chatterjee")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WorklistScreen)
        assert screen.query_one(CaseTable).row_count == 0
        assert "Znaleziono" not in status(app) and "Enter: szukaj" in status(app)


async def test_the_booking_dialogs_matter_list_is_searched_by_typing(app: OkienkoApp):
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await press(pilot, "f2")
        await press_to(pilot, "ctrl+b", VisitBookingForm)
        await type_text(pilot, "odbi")
        await press(pilot, "enter")
        chosen = app.screen.query_one("#visit-group").value
        assert chosen == "card_collection", chosen


def test_the_page_line_counts_cases_in_polish():
    assert [cases_pl(n) for n in (1, 2, 5, 12, 22, 33, 104, 111)] == [
        "1 sprawa", "2 sprawy", "5 spraw", "12 spraw", "22 sprawy", "33 sprawy", "104 sprawy", "111 spraw",
    ]  # fmt: skip
