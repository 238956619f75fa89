"""What the clerk must look at (issue 19, problem 11): a language guessed from a phone's country code
("angielski" for a Vietnamese applicant with a +84 number) is said to be a guess on the form and
again in the summary read before saving; a message's preview shows the Polish text beside the
applicant's language, so the clerk can proofread what was chosen."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, Select, Static

from counter_tui.app import OkienkoApp
from counter_tui.screens.dialogs import ConfirmDialog
from counter_tui.screens.message_form import MessageForm
from counter_tui.screens.register import RegisterScreen
from tests.helpers import register
from tests.tui.conftest import SIZE, choose, logged_in_to, open_case, press, press_to, settle, type_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def test_a_language_guessed_from_the_phone_is_marked_for_a_look_before_saving(app: OkienkoApp):
    async with app.run_test(size=SIZE) as pilot:
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        await type_text(pilot, "Nguyen Van An")
        await pilot.press("tab")
        await type_text(pilot, "+84 912 345 678")
        await settle(pilot)
        assert app.screen.query_one("#language", Select).value == "en"
        assert "Przypuszczenie" in str(app.screen.query_one("#language-hint", Label).render())
        await choose(pilot, "#case-type", "temp_work")
        await press_to(pilot, "ctrl+s", ConfirmDialog)
        summary = str(app.screen.query_one(Static).render())
        assert "angielski – PRZYPUSZCZENIE z numeru +84, zapytaj wnioskodawcę" in summary
        await press(pilot, "escape")
        # Chosen by the clerk: no longer a guess.
        form = app.screen
        form.query_one("#language", Select).value = "ru"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        summary = str(app.screen.query_one(Static).render())
        assert "Język listów i SMS: rosyjski ·" in summary and "PRZYPUSZCZENIE" not in summary


async def test_the_message_preview_shows_the_polish_text_beside_the_applicants(app: OkienkoApp):
    filing = register()  # Ukrainian
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        form = await press_to(pilot, "ctrl+w", MessageForm)
        form.query_one("#msg-template", Select).value = "bring_document"
        await settle(pilot)
        form.query_one("#msg-document", Select).value = "photos"
        form.query_one("#msg-date", Input).value = "2027-01-15"
        await settle(pilot)
        applicant = str(form.query_one("#msg-preview", Static).render())
        polish = str(form.query_one("#msg-preview-pl", Static).render())
        assert "2027-01-15" in applicant and "2027-01-15" in polish
        assert "Aktualne zdjęcia" in polish and "Aktualne zdjęcia" not in applicant
        assert "Po polsku" in str(form.query_one("#msg-preview-pl-title", Label).render())
        assert form.query_one("#msg-preview-pl").region.area  # on screen, beside the other
