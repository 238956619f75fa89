"""Messages from the office, written from the case screen: a template with its blanks filled and
previewed, the clerk's own words in English, a refused save that keeps the input and names the
field, a closed case that says why it takes none, and the tab following the applicant's reading."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Label, Select, Static, TabbedContent, TextArea

import storage
from counter_tui.app import OkienkoApp
from counter_tui.screens.case_detail import CaseDetailScreen
from counter_tui.screens.dialogs import ConfirmDialog
from counter_tui.screens.message_form import OWN_TEXT, MessageForm
from storage.clock import today_in_warsaw
from tests.helpers import CLERK, register, register_closed
from tests.tui.conftest import BOTH, SIZE, open_case, press, press_at_once, press_to, said, settle, type_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def messages_tab(app: OkienkoApp) -> list[str]:
    """Each row of the messages tab as one line of its cells' text."""
    table = app.screen.query_one("#messages", DataTable)
    return [" | ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


def form_error(app: OkienkoApp) -> str:
    return str(app.screen.query_one("#form-error", Label).render())


async def open_form(pilot) -> MessageForm:
    return await press_to(pilot, "ctrl+w", MessageForm)


@BOTH
async def test_template_message_is_previewed_saved_and_listed_with_its_sms(app: OkienkoApp):
    filing = register()  # Ukrainian, with a phone
    due = (today_in_warsaw() + dt.timedelta(days=14)).isoformat()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        form = await open_form(pilot)
        # Only the chosen template's blanks are shown.
        assert not form.query_one("#msg-blanks").display and not form.query_one("#msg-own").display
        form.query_one("#msg-template", Select).value = "bring_document"
        await settle(pilot)
        assert form.query_one("#blank-document").display and form.query_one("#blank-date").display
        assert not form.query_one("#blank-office").display and not form.query_one("#blank-document-words").display
        form.query_one("#msg-document", Select).value = "passport_copy"
        form.query_one("#msg-date", Input).focus()
        await type_text(pilot, due)
        await settle(pilot)
        # The preview is the text the applicant will read, in the case's language.
        kind = next(k for k in storage.deficiency_kinds() if k.code == "passport_copy")
        preview = str(form.query_one("#msg-preview", Static).render())
        assert kind.label["uk"] in preview and due in preview and "Просимо надати документ" in preview
        assert "ukraiński" in str(form.query_one("#msg-preview-title", Label).render())
        await press_to(pilot, "ctrl+s", CaseDetailScreen)
        assert app.screen.query_one(TabbedContent).active == "tab-messages"
        [row] = messages_tab(app)
        assert CLERK in row and "Prosimy o dostarczenie dokumentu" in row and "ukraiński" in row
        assert kind.label["uk"] in row and "SMS w kolejce" in row and "nieprzeczytana" in row
        assert any("Wiadomość zapisana (SMS w kolejce)" in text for text in said(app))
    [message] = storage.case_detail(filing.number).messages
    assert message.template == "bring_document" and message.sms_state == "queued"
    assert message.body == preview


@BOTH
async def test_own_words_in_english(app: OkienkoApp):
    filing = register(phone=None, language="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        form = await open_form(pilot)
        form.query_one("#msg-template", Select).value = OWN_TEXT
        await settle(pilot)
        assert form.query_one("#msg-own").display and not form.query_one("#msg-preview-box").display
        assert form.query_one("#msg-language", Select).value == "pl"  # Polish unless said
        form.query_one("#msg-language", Select).value = "en"
        form.query_one("#msg-text", TextArea).focus()
        await type_text(pilot, "Please bring your passport on Monday.")
        await press_to(pilot, "ctrl+s", CaseDetailScreen)
        [row] = messages_tab(app)
        assert "własny tekst" in row and "angielski" in row and "Please bring your passport on Monday." in row
        assert "bez SMS: brak telefonu" in row
    [message] = storage.case_detail(filing.number).messages
    assert (message.template, message.language, message.sms_state) == (None, "en", None)


@BOTH
async def test_refused_save_keeps_the_input_and_names_the_field(app: OkienkoApp):
    filing = register()
    past = (today_in_warsaw() - dt.timedelta(days=1)).isoformat()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        form = await open_form(pilot)
        form.query_one("#msg-template", Select).value = "fingerprints"
        await settle(pilot)
        form.query_one("#msg-date", Input).focus()
        await type_text(pilot, past)
        await press(pilot, "ctrl+s")
        assert app.screen is form  # still open, with everything typed
        assert form_error(app) == "Data: data nie może być w przeszłości"
        assert form.query_one("#msg-date", Input).value == past and form.query_one("#msg-date", Input).has_focus
        assert form.query_one("#msg-template", Select).value == "fingerprints"
        assert form.query_one("#msg-office", Select).value == storage.case_detail(filing.number).office
        # Esc on a filled form asks first; "no" goes back to it.
        await press_to(pilot, "escape", ConfirmDialog)
        await press(pilot, "escape")
        assert app.screen is form and form.query_one("#msg-date", Input).value == past
        await press(pilot, "escape")
        await press_at_once(pilot, "tab", "enter")
        assert isinstance(app.screen, CaseDetailScreen)
        assert messages_tab(app) == []
    assert storage.case_detail(filing.number).messages == []


@BOTH
async def test_closed_case_says_why_it_takes_no_message(app: OkienkoApp):
    filing = register_closed()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        await press_to(pilot, "ctrl+w", CaseDetailScreen)
        assert any("Sprawa jest zakończona" in text for text in said(app))


@BOTH
async def test_tab_shows_when_the_applicant_read_the_message(app: OkienkoApp):
    filing = register()
    storage.write_message(filing.number, clerk=CLERK, text="Proszę o kontakt z urzędem.")
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        [row] = messages_tab(app)
        assert "nieprzeczytana" in row
        assert storage.mark_read(filing.number, storage.case_detail(filing.number).credential_version) == 1
        await press(pilot, "f5")
        [row] = messages_tab(app)
        read_at = storage.case_detail(filing.number).messages[0].read_at
        assert f"przeczytana\n{storage.to_warsaw(read_at):%Y-%m-%d %H:%M}" in row
        assert "nieprzeczytana" not in row
