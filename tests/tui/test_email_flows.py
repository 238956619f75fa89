"""The applicant's e-mail address in the clerk app: typed at registration and checked as typed,
corrected in the correction dialog, shown in the summary, and every e-mail's outcome shown on the
case screen beside the SMS (and beside each message)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select, Static, TabbedContent

import storage
from counter_tui.app import OkienkoApp
from counter_tui.screens.case_detail import CaseDetailScreen
from counter_tui.screens.case_dialogs import CaseEditForm
from counter_tui.screens.dialogs import ConfirmDialog
from counter_tui.screens.register import RegisterScreen
from storage.delivery import mail_outbox
from tests.helpers import CLERK, register
from tests.tui.conftest import (
    BOTH,
    SIZE,
    log_in,
    logged_in_to,
    open_case,
    press,
    press_to,
    said,
    settle,
    show_case,
    text_of,
    type_text,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@BOTH
async def test_registration_checks_the_address_as_typed_and_saves_it(app: OkienkoApp):
    async with app.run_test(size=SIZE) as pilot:
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        app.screen.query_one("#case-type", Select).value = "permanent"
        app.screen.query_one("#applicant-name", Input).value = "Zhang Wei"
        app.screen.query_one("#email", Input).focus()
        await type_text(pilot, "zhang.wei@gmail")
        await settle(pilot)
        assert "poprawny adres e-mail" in text_of(app, "#email-error")
        await press(pilot, "ctrl+s")  # refused before the summary, the address focused
        assert isinstance(app.screen, RegisterScreen) and app.screen.focused.id == "email"
        await type_text(pilot, ".com")
        await settle(pilot)
        assert text_of(app, "#email-error") == ""
        await press_to(pilot, "ctrl+s", ConfirmDialog)
        summary = str(app.screen.query_one(Static).render())
        assert "e-mail: zhang.wei@gmail.com" in summary and "powiadomienia: tak" in summary
        await press(pilot, "enter")
    (row,) = storage.worklist(None).rows
    assert storage.case_detail(row.number).email == "zhang.wei@gmail.com"


@BOTH
async def test_the_correction_dialog_corrects_and_removes_the_address(app: OkienkoApp):
    filing = register(email="olena@example.com")
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        assert "e-mail: olena@example.com" in text_of(app, "#case-summary")
        await press_to(pilot, "ctrl+d", CaseEditForm)
        email = app.screen.query_one("#edit-email", Input)
        assert email.value == "olena@example.com"
        email.value = ""
        email.focus()
        await type_text(pilot, "olena@")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CaseEditForm)  # refused; what was typed stays
        assert "e-mail" in text_of(app, "#form-error") and email.value == "olena@"
        email.value = "olena.kovalenko@gmail.com"
        await press_to(pilot, "ctrl+s", CaseDetailScreen)
        assert "e-mail: olena.kovalenko@gmail.com" in text_of(app, "#case-summary")
        await press(pilot, "ctrl+d")
        app.screen.query_one("#edit-email", Input).value = ""
        await press(pilot, "ctrl+s")
        assert "e-mail:" not in text_of(app, "#case-summary")
    detail = storage.case_detail(filing.number)
    assert detail.email is None
    assert [a.detail for a in detail.audit if a.action == "case_corrected"] == [{"fields": ["email"]}] * 2


@BOTH
async def test_each_emails_outcome_is_shown_beside_the_sms(app: OkienkoApp):
    filing = register(email="olena@example.com")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    (claimed,) = mail_outbox.claim_due("mail-loop", 60)
    mail_outbox.record_failed(claimed.id, "mail-loop", "smtp:550", "550 5.1.1 <adres>: user unknown")
    storage.write_message(filing.number, clerk=CLERK, text="Prosimy o zdjęcie.")
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        app.screen.query_one(TabbedContent).active = "tab-sms"
        await settle(pilot)
        mail = app.screen.query_one("#mail", DataTable)
        assert mail.row_count == 2
        first, second = (list(map(str, mail.get_row_at(i))) for i in range(2))
        assert first[1] == "nieudany" and "smtp:550" in first[6] and "user unknown" in first[6]
        assert first[2] == "Sprawdzanie kompletności"
        assert second[1] == "w kolejce" and second[2].startswith("wiadomość nr ")
        assert app.screen.query_one("#sms", DataTable).row_count == 2  # the texts, as before
        app.screen.query_one(TabbedContent).active = "tab-messages"
        await settle(pilot)
        message = list(map(str, app.screen.query_one("#messages", DataTable).get_row_at(0)))
        assert message[3] == "SMS w kolejce\ne-mail w kolejce"


@BOTH
async def test_the_stage_change_says_the_email_is_queued_beside_the_sms(app: OkienkoApp):
    with_address, without = register(email="olena@example.com"), register()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        for filing in (with_address, without):
            await show_case(pilot, filing.number)
            for key in ("f2", "enter", "enter"):  # the usual next stage, confirmed
                await pilot.press(key)
                await settle(pilot)
            assert isinstance(app.screen, CaseDetailScreen)
            await press(pilot, "escape")
        said_now = said(app)
    assert "Etap zmieniony (SMS w kolejce, e-mail w kolejce)" in said_now, said_now
    assert "Etap zmieniony (SMS w kolejce)" in said_now, said_now
