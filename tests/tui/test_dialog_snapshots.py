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

from counter_tui.screens.dialogs import CredentialsDialog, DeficiencyForm, PrintFailedDialog, StagePicker
from counter_tui.screens.message_form import OWN_WORDS, MessageForm
from storage import add_deficiency
from storage.clock import frozen
from tests.helpers import CLERK, register
from tests.tui.conftest import choose
from tests.tui.pictures import FROZEN_AT, PICTURED_APPLICANT, keys, on_case, pictured, showing

SAMPLE_PASSWORD = "7KQM-XR4T-PW9C"


@pytest.fixture
def case_number(store) -> str:
    with frozen(FROZEN_AT):
        filing = register(**PICTURED_APPLICANT, filed_on=FROZEN_AT.date() - dt.timedelta(days=12), missing=["photos"])
        add_deficiency(filing.number, clerk=CLERK, kind="flat_title", note="Umowa najmu na cały okres pobytu.")
        return filing.number


@pytest.fixture
def broken_printer(settings):
    return dataclasses.replace(settings, print_command="false {file}")


def credentials(reissued: bool):
    async def show(pilot) -> None:
        number = pilot.app.screen.number
        if not reissued:
            pilot.app.print_receipt(number)
        pilot.app.show_credentials(number, SAMPLE_PASSWORD, reissued=reissued)

    return show


def test_stage_picker_at_120x35(snap_compare, case_number, settings):
    run_before = on_case(case_number, keys("f2"), showing(StagePicker))
    assert pictured(snap_compare, settings, run_before)


def test_deficiency_form_keeping_a_refused_save_at_120x35(snap_compare, case_number, settings):
    async def photos_again(pilot) -> None:
        # Missing since the filing: the store refuses to record it again, and its whole reason shows.
        pilot.app.screen.query_one("#kind", Select).value = "photos"
        pilot.app.screen.query_one("#note", TextArea).focus()

    run_before = on_case(case_number, keys("f3"), photos_again, keys(*"Jasne tlo."), keys("ctrl+s"),
                         showing(DeficiencyForm))  # fmt: skip
    assert pictured(snap_compare, settings, run_before)


def test_message_form_with_preview_at_120x35(snap_compare, case_number, settings):
    async def bring_document(pilot) -> None:
        # The widest row of blanks: a document in the clerk's own words beside the date.
        await choose(pilot, "#msg-template", "bring_document")
        await choose(pilot, "#msg-document", OWN_WORDS)
        pilot.app.screen.query_one("#msg-document-words").focus()

    async def the_date(pilot) -> None:
        date = pilot.app.screen.query_one("#msg-date")
        date.cursor_blink = False  # a steady cursor: a blink caught on or off would change the picture
        date.focus()

    run_before = on_case(case_number, keys("ctrl+w"), bring_document, keys(*"umowa najmu"), the_date,
                         keys(*"2026-12-04"), showing(MessageForm))  # fmt: skip
    assert pictured(snap_compare, settings, run_before)


def test_credentials_window_after_printing_at_120x35(snap_compare, case_number, settings, printer):
    run_before = on_case(case_number, credentials(reissued=False), showing(CredentialsDialog))
    assert pictured(snap_compare, settings, run_before)
    assert len(printer.jobs()) == 2


def test_receipt_print_failure_at_120x35(snap_compare, case_number, broken_printer):
    run_before = on_case(case_number, keys("ctrl+r"), showing(PrintFailedDialog))
    assert pictured(snap_compare, broken_printer, run_before)


def test_letter_print_failure_at_120x35(snap_compare, case_number, broken_printer):
    run_before = on_case(case_number, credentials(reissued=True), showing(PrintFailedDialog))
    assert pictured(snap_compare, broken_printer, run_before)
