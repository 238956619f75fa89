"""What the trial clerk could not read at 120×35 (issue 19, after the first round): a ticked
document and a missing one differed only by colour, and the worklist named the office by its code."""

from __future__ import annotations

import pytest

from counter_tui.app import OkienkoApp
from counter_tui.screens.register import RegisterScreen
from counter_tui.widgets.case_table import CaseTable
from counter_tui.widgets.document_checklist import DocumentChecklist
from tests.helpers import register
from tests.tui.conftest import choose, log_in, logged_in_to, press, press_at_once, settle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SMALL = (120, 35)


async def test_a_missing_document_says_so_in_words(app: OkienkoApp):
    async with app.run_test(size=SMALL) as pilot:
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        await choose(pilot, "#case-type", "temp_work")
        checklist = app.screen.query_one(DocumentChecklist)
        checklist.focus()
        await press_at_once(pilot, "4", "7")
        prompts = [str(checklist.get_option_at_index(i).prompt) for i in range(checklist.option_count)]
        assert [n for n, p in enumerate(prompts, 1) if "BRAK" in p] == [4, 7], prompts
        assert all("jest" in p for n, p in enumerate(prompts, 1) if n not in (4, 7)), prompts
        await press(pilot, "4")  # brought after all
        assert "jest" in str(checklist.get_option_at_index(3).prompt)


async def test_the_worklist_names_the_office_not_its_code(app: OkienkoApp):
    register()
    async with app.run_test(size=SMALL) as pilot:
        await log_in(pilot)
        await settle(pilot)
        table = app.screen.query_one(CaseTable)
        office = str(table.get_row_at(0)[-1])
        assert office == "Gdańsk"
