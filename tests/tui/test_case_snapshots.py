"""The case screen and the stage confirmation at the documented minimum, 120×35, with nothing cut
off: a long note wraps inside its column, back and log-out lead the footer, the dialog shows
"from → to" and the applicant's explanation whole.

Update after an intended change with: pytest tests/tui/test_case_snapshots.py --snapshot-update
"""

from __future__ import annotations

import datetime as dt

import pytest

from storage import add_deficiency, mark_read, set_stage, write_message
from storage.clock import frozen
from tests.helpers import CLERK, register
from tests.tui.pictures import FROZEN_AT, PICTURED_APPLICANT, keys, on_case, pictured

LONG_NOTE = (
    "Oryginał albo kopia poświadczona za zgodność z oryginałem przez notariusza lub adwokata; dokument "
    "nie starszy niż trzy miesiące w dniu złożenia, w języku polskim albo z tłumaczeniem przysięgłym."
)


@pytest.fixture
def case_number(store) -> str:
    with frozen(FROZEN_AT):
        filing = register(
            **PICTURED_APPLICANT,
            filed_on=FROZEN_AT.date() - dt.timedelta(days=40),
            missing=["photos"],
            external_ref="MOS/2026/000123",
        )
        add_deficiency(
            filing.number,
            clerk=CLERK,
            free_text="Zaświadczenie o niezaleganiu w podatkach z urzędu skarbowego właściwego dla miejsca pobytu",
            note=LONG_NOTE,
        )
        set_stage(filing.number, "formal_check", clerk=CLERK)
        set_stage(filing.number, "card_ready", clerk=CLERK)
        write_message(filing.number, clerk=CLERK, template="bring_document",
                      values={"document": "passport_copy", "date": "2026-12-04"})  # fmt: skip
        mark_read(filing.number, 1)
    with frozen(FROZEN_AT + dt.timedelta(hours=1)):
        write_message(
            filing.number, clerk=CLERK, template="fingerprints", values={"date": "2026-12-07", "office": "SLU"}
        )
        write_message(filing.number, clerk=CLERK, text=LONG_NOTE, language="pl")
        return filing.number


def test_case_screen_at_120x35(snap_compare, case_number, settings):
    assert pictured(snap_compare, settings, on_case(case_number))


def test_stage_confirmation_at_120x35(snap_compare, case_number, settings):
    # From the proposed "closed" back to "decision issued".
    assert pictured(snap_compare, settings, on_case(case_number, keys("f2"), keys("up", "up", "up"), keys("enter")))


def test_closing_confirmation_at_120x35(snap_compare, case_number, settings):
    # The proposed stage after "card ready" closes the case.
    assert pictured(snap_compare, settings, on_case(case_number, keys("f2"), keys("enter")))


@pytest.mark.parametrize("tab", ["messages", "audit"])
def test_case_tab_at_120x35(snap_compare, case_number, settings, tab):
    async def on_tab(pilot) -> None:
        pilot.app.screen.query_one("#case-tabs").active = f"tab-{tab}"

    assert pictured(snap_compare, settings, on_case(case_number, on_tab))
