"""The filing form at 120×35 (issue 19, problem 5): a save refused for a field shows the reason
where the clerk is looking, naming the field; the checklist waits for the case type, and a
document ticked stays ticked when the type changes."""

from __future__ import annotations

import pytest
from textual.widgets import Label, Select
from textual.widgets._select import SelectOverlay

from counter_tui.app import OkienkoApp
from counter_tui.screens.register import RegisterScreen
from counter_tui.widgets.document_checklist import DocumentChecklist
from tests.tui.conftest import choose, logged_in_to, press, press_at_once, settle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SMALL = (120, 35)


def on_screen_saying(app: OkienkoApp, text: str) -> list[Label]:
    """Labels that say `text` and are drawn within the terminal."""
    screen = app.screen
    return [
        label
        for label in screen.query(Label)
        if text in str(label.render()) and label.region.area and screen.region.contains_region(label.region)
    ]


async def test_saving_without_a_case_type_says_so_on_screen(app: OkienkoApp):
    async with app.run_test(size=SMALL) as pilot:
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        await pilot.press("tab", "tab", "tab", "tab", "tab")  # somewhere down the form
        await press(pilot, "ctrl+s")
        assert on_screen_saying(app, "Rodzaj sprawy: wybierz z listy"), "the reason is off screen"
        assert app.focused is app.screen.query_one("#case-type", Select)


async def test_the_checklist_waits_for_the_case_type_and_keeps_what_was_ticked(app: OkienkoApp):
    async with app.run_test(size=SMALL) as pilot:
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        checklist = app.screen.query_one(DocumentChecklist)
        assert checklist.disabled and not checklist.focusable  # no ticks that go nowhere
        await choose(pilot, "#case-type", "temp_work")
        assert not checklist.disabled and checklist.option_count
        first = checklist.get_option_at_index(0).value
        checklist.select(first)
        await choose(pilot, "#case-type", "temp_seasonal")  # the same first document
        assert checklist.get_option_at_index(0).value == first and first in checklist.selected


async def open_case_type_list(pilot) -> SelectOverlay:
    await logged_in_to(pilot, "ctrl+n", RegisterScreen)
    await pilot.press("tab", "tab")  # name, phone, then the case type
    await press(pilot, "enter")  # its list opens
    overlay = pilot.app.screen.query_one("#case-type").query_one(SelectOverlay)
    assert overlay.has_focus
    return overlay


def highlighted_label(overlay: SelectOverlay) -> str:
    return str(overlay.get_option_at_index(overlay.highlighted).prompt) if overlay.highlighted is not None else ""


async def test_a_letter_typed_on_the_closed_case_type_opens_its_list_searching(app: OkienkoApp):
    async with app.run_test(size=SMALL) as pilot:
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        await press_at_once(pilot, "tab", "tab", "p", "r", "a")
        overlay = app.screen.query_one("#case-type").query_one(SelectOverlay)
        assert overlay.has_focus and "Szukaj: pra" in str(overlay.border_title)
        assert highlighted_label(overlay) == "Pobyt czasowy i praca (zezwolenie jednolite)"


async def test_the_checklist_starts_all_brought_and_a_digit_unticks_a_document(app: OkienkoApp):
    async with app.run_test(size=SMALL) as pilot:
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        await choose(pilot, "#case-type", "temp_work")
        checklist = app.screen.query_one(DocumentChecklist)
        assert checklist.missing() == []
        checklist.focus()
        await pilot.press("4", "7")
        assert checklist.missing() == ["fee_proof", "health_insurance"]
        await pilot.press("4")
        assert checklist.missing() == ["health_insurance"]


async def test_the_case_type_list_shows_the_typed_text_and_finds_any_word_without_diacritics(app: OkienkoApp):
    async with app.run_test(size=SMALL) as pilot:
        overlay = await open_case_type_list(pilot)
        await pilot.press("w")  # "w" for "Wydanie…" landed on "wybierz…"
        assert highlighted_label(overlay) == "Wydanie lub wymiana karty pobytu"
        assert "Szukaj: w" in str(overlay.border_title)
        await pilot.press("backspace")
        for key in "rod":  # slowly: Textual's search forgot the text after 0.7 s
            await pilot.press(key)
            await pilot.pause(0.8)
        assert "Szukaj: rod" in str(overlay.border_title)
        assert highlighted_label(overlay) == "Pobyt czasowy – połączenie z rodziną"
        for _ in "rod":
            await pilot.press("backspace")
        for key in ["p", "o", "l", "a", "c", "z"]:  # "połącz" typed without Polish letters
            await pilot.press(key)
        assert highlighted_label(overlay) == "Pobyt czasowy – połączenie z rodziną"
        await press(pilot, "enter")
        assert app.screen.query_one("#case-type", Select).value == "temp_family"


async def test_the_placeholder_never_matches(app: OkienkoApp):
    async with app.run_test(size=SMALL) as pilot:
        overlay = await open_case_type_list(pilot)
        for key in "wybierz":
            await pilot.press(key)
        assert highlighted_label(overlay) != "wybierz…"
        await press(pilot, "enter")
        assert app.screen.query_one("#case-type", Select).value is Select.NULL


@pytest.mark.parametrize(("typed", "language"), [("ukr", "uk"), ("uk", "uk"), ("ros", "ru"), ("ang", "en")])
async def test_the_language_list_is_searched_by_typing(app: OkienkoApp, typed: str, language: str):
    async with app.run_test(size=SMALL) as pilot:
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        app.screen.query_one("#language", Select).focus()
        await settle(pilot)
        for key in typed:
            await pilot.press(key)
        await settle(pilot)
        overlay = app.screen.query_one("#language").query_one(SelectOverlay)
        assert f"Szukaj: {typed}" in str(overlay.border_title)
        await press(pilot, "enter")
        assert app.screen.query_one("#language", Select).value == language


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("pob st", "Pobyt stały"),
        ("pobyt stały", "Pobyt stały"),
        ("czas stud", "Pobyt czasowy – studia"),
    ],
)
async def test_the_case_type_search_ranks_the_closest_label_first(app: OkienkoApp, typed: str, label: str):
    async with app.run_test(size=SMALL) as pilot:
        overlay = await open_case_type_list(pilot)
        for key in typed:
            await pilot.press({" ": "space"}.get(key, key))
        assert highlighted_label(overlay) == label


def in_form_view(app: OkienkoApp, text: str) -> bool:
    """A label saying `text` lies wholly inside the form's visible area (not scrolled under the header)."""
    form = app.screen.query_one("#register-form")
    return any(form.region.contains_region(label.region) and text in str(label.render()) for label in form.query(Label))


async def test_the_name_and_email_labels_are_whole_on_screen_at_120x35(app: OkienkoApp):
    async with app.run_test(size=SMALL) as pilot:
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        assert app.focused is app.screen.query_one("#applicant-name")
        assert in_form_view(app, "Imię i nazwisko wnioskodawcy"), "the name field has no label in view"
        [email] = [label for label in app.screen.query(Label) if str(label.render()).startswith("E-mail")]
        assert email.region.right <= email.parent.region.right and email.region.width >= len(str(email.render()))
        for _ in range(6):  # down the form and back: each field's label comes into view with it
            await pilot.press("tab")
        for _ in range(6):
            await pilot.press("shift+tab")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#applicant-name")
        assert in_form_view(app, "Imię i nazwisko wnioskodawcy")
