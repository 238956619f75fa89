"""Registration form points of issue 8: Esc asks before discarding, the summary before saving,
the phone's country code suggests the language."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, Select, Static

import storage
from counter_tui.app import OkienkoApp
from counter_tui.screens.dialogs import ConfirmDialog
from counter_tui.screens.register import RegisterScreen
from counter_tui.screens.worklist import WorklistScreen
from tests.tui.conftest import SIZE, logged_in_to, press, press_at_once, press_to, settle, type_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def test_esc_on_a_filled_form_asks_and_esc_on_an_open_list_only_closes_it(app: OkienkoApp):
    async with app.run_test(size=SIZE) as pilot:
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        await press(pilot, "escape")  # empty form: nothing to lose
        assert isinstance(app.screen, WorklistScreen)
        await press(pilot, "ctrl+n")
        app.screen.query_one("#applicant-name", Input).focus()
        await type_text(pilot, "Hanna Koval")
        app.screen.query_one("#language", Select).focus()
        await pilot.press("enter")  # open the language list …
        await pilot.pause()
        await pilot.press("escape")  # … and close it: the form stays, nothing asked
        await pilot.pause()
        assert isinstance(app.screen, RegisterScreen)
        assert app.screen.query_one("#applicant-name", Input).value == "Hanna Koval"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "Porzucić" in str(app.screen.query_one(Static).render())
        await pilot.press("escape")  # back to the form, everything kept
        await pilot.pause()
        assert isinstance(app.screen, RegisterScreen)
        assert app.screen.query_one("#applicant-name", Input).value == "Hanna Koval"
        await press_at_once(pilot, "escape", "tab", "enter")
        assert isinstance(app.screen, WorklistScreen)
    assert storage.store_stats()["cases"] == 0


async def test_summary_can_send_the_clerk_back_to_the_form(app: OkienkoApp):
    async with app.run_test(size=SIZE) as pilot:
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        app.screen.query_one("#case-type", Select).value = "permanent"
        app.screen.query_one("#applicant-name", Input).value = "Zhang Wei"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        summary = str(app.screen.query_one(Static).render())
        assert "Pobyt stały" in summary and "Telefon: brak" in summary and "Braki: żadne" in summary  # all ticked
        await press_to(pilot, "escape", RegisterScreen)
    assert storage.store_stats()["cases"] == 0


@pytest.mark.parametrize(
    ("phone", "language"),
    [("+380 67 123 4567", "uk"), ("+7 912 345 67 89", "ru"), ("+48 501 234 567", "pl"),
     ("+91 98765 43210", "en"), ("+995 555 12 34 56", "en")],
)  # fmt: skip
async def test_country_code_suggests_the_language_until_the_clerk_picks_one(app: OkienkoApp, phone, language):
    async with app.run_test(size=SIZE) as pilot:
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        app.screen.query_one("#phone", Input).focus()
        await type_text(pilot, phone)
        await pilot.pause()
        assert app.screen.query_one("#language", Select).value == language
        hint = str(app.screen.query_one("#language-hint", Label).render())
        # A guess, said to be one; a Polish number guesses nothing and asks the clerk to ask (issue 19, 11).
        assert ("Przypuszczenie" in hint) == (language != "pl")
        assert ("zapytaj wnioskodawcę" in hint) == (language == "pl")
        app.screen.query_one("#language", Select).value = "en" if language != "en" else "ru"
        await pilot.pause()
        picked = app.screen.query_one("#language", Select).value
        app.screen.query_one("#phone", Input).value = "+380 67 123 4567"
        await pilot.pause()
        assert app.screen.query_one("#language", Select).value == picked  # the clerk decides
