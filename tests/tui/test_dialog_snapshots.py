"""The dialogs at the documented minimum, 120×35, over the case screen they belong to: the stage
picker, the message form with a template's blanks and its preview, the deficiency form keeping
what was typed when the store refuses it, the credentials window once both documents are
printed, and the print failure dialogs for a receipt (may be saved) and a credential letter (may
not). Nothing may be cut off.

The credentials window is opened with a fixed sample password (a real one is random); everything
else — printing included — runs as at the counter. The clock is frozen.

Update after an intended change with: pytest tests/tui/test_dialog_snapshots.py --snapshot-update
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from textual.widgets import Select, TextArea

from counter_tui.app import OkienkoApp
from counter_tui.screens.dialogs import CredentialsDialog, DeficiencyForm, PrintFailedDialog, StagePicker
from counter_tui.screens.message_form import OWN_WORDS, MessageForm
from storage import add_deficiency
from storage.clock import frozen
from tests.helpers import CLERK, register
from tests.tui.conftest import log_in, settle

MINIMUM = (120, 35)
FROZEN_AT = dt.datetime(2026, 11, 20, 9, 30)
SAMPLE_PASSWORD = "7KQM-XR4T-PW9C"


@pytest.fixture
def case_number(store) -> str:
    with frozen(FROZEN_AT):
        filing = register(
            applicant_name="Maria Santos Reyes",
            phone="+380 67 123 4567",
            filed_on=FROZEN_AT.date() - dt.timedelta(days=12),
            missing=["photos"],
        )
        add_deficiency(filing.number, clerk=CLERK, kind="flat_title", note="Umowa najmu na cały okres pobytu.")
        return filing.number


@pytest.fixture
def broken_printer(settings):
    return dataclasses.replace(settings, print_command="false {file}")


def still_app(settings) -> OkienkoApp:
    app = OkienkoApp(settings)
    app.animation_level = "none"
    return app


def on_case(number: str, *then):
    """Log in, open the case, then run each step of `then` (an async callable of the pilot)."""

    async def run_before(pilot):
        with frozen(FROZEN_AT):
            await log_in(pilot)
            pilot.app.open_case(number)
            await settle(pilot)
            for step in then:
                await step(pilot)
                await settle(pilot)

    return run_before


def keys(*names: str):
    async def press(pilot) -> None:
        await pilot.press(*names)

    return press


def showing(dialog: type):
    async def check(pilot) -> None:
        # Toasts ("Wydrukowano: …") expire on a timer: they are not what these pictures show.
        pilot.app.clear_notifications()
        assert isinstance(pilot.app.screen, dialog)

    return check


def credentials(reissued: bool):
    async def show(pilot) -> None:
        number = pilot.app.screen.number
        if not reissued:
            pilot.app.print_receipt(number)
        pilot.app.show_credentials(number, SAMPLE_PASSWORD, reissued=reissued)

    return show


def test_stage_picker_at_120x35(snap_compare, case_number, settings):
    run_before = on_case(case_number, keys("f2"), showing(StagePicker))
    with frozen(FROZEN_AT):
        assert snap_compare(still_app(settings), terminal_size=MINIMUM, run_before=run_before)


def test_deficiency_form_keeping_a_refused_save_at_120x35(snap_compare, case_number, settings):
    async def photos_again(pilot) -> None:
        # Missing since the filing: the store refuses to record it again, and its whole reason shows.
        pilot.app.screen.query_one("#kind", Select).value = "photos"
        pilot.app.screen.query_one("#note", TextArea).focus()

    run_before = on_case(case_number, keys("f3"), photos_again, keys(*"Jasne tlo."), keys("ctrl+s"),
                         showing(DeficiencyForm))  # fmt: skip
    with frozen(FROZEN_AT):
        assert snap_compare(still_app(settings), terminal_size=MINIMUM, run_before=run_before)


def test_message_form_with_preview_at_120x35(snap_compare, case_number, settings):
    async def bring_document(pilot) -> None:
        # The widest row of blanks: a document in the clerk's own words beside the date.
        pilot.app.screen.query_one("#msg-template", Select).value = "bring_document"
        await settle(pilot)
        pilot.app.screen.query_one("#msg-document", Select).value = OWN_WORDS
        await settle(pilot)
        pilot.app.screen.query_one("#msg-document-words").focus()

    async def the_date(pilot) -> None:
        date = pilot.app.screen.query_one("#msg-date")
        date.cursor_blink = False  # a steady cursor: a blink caught on or off would change the picture
        date.focus()

    run_before = on_case(case_number, keys("ctrl+w"), bring_document, keys(*"umowa najmu"), the_date,
                         keys(*"2026-12-04"), showing(MessageForm))  # fmt: skip
    with frozen(FROZEN_AT):
        assert snap_compare(still_app(settings), terminal_size=MINIMUM, run_before=run_before)


def test_credentials_window_after_printing_at_120x35(snap_compare, case_number, settings, printer):
    run_before = on_case(case_number, credentials(reissued=False), showing(CredentialsDialog))
    with frozen(FROZEN_AT):
        assert snap_compare(still_app(settings), terminal_size=MINIMUM, run_before=run_before)
    assert len(printer.jobs()) == 2


def test_receipt_print_failure_at_120x35(snap_compare, case_number, broken_printer):
    run_before = on_case(case_number, keys("ctrl+r"), showing(PrintFailedDialog))
    with frozen(FROZEN_AT):
        assert snap_compare(still_app(broken_printer), terminal_size=MINIMUM, run_before=run_before)


def test_letter_print_failure_at_120x35(snap_compare, case_number, broken_printer):
    run_before = on_case(case_number, credentials(reissued=True), showing(PrintFailedDialog))
    with frozen(FROZEN_AT):
        assert snap_compare(still_app(broken_printer), terminal_size=MINIMUM, run_before=run_before)
