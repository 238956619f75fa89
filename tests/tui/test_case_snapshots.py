"""The case screen and the stage confirmation at the documented minimum, 120×35, with nothing cut
off: a long note wraps inside its column, back and log-out lead the footer, the dialog shows
"from → to" and the applicant's explanation whole.

Update after an intended change with: pytest tests/tui/test_case_snapshots.py --snapshot-update
"""

from __future__ import annotations

import datetime as dt

import pytest

from counter_tui.app import OkienkoApp
from storage import add_deficiency, mark_read, set_stage, write_message
from storage.clock import frozen
from tests.helpers import CLERK, register
from tests.tui.conftest import log_in, settle

MINIMUM = (120, 35)
FROZEN_AT = dt.datetime(2026, 11, 20, 9, 30)
LONG_NOTE = (
    "Oryginał albo kopia poświadczona za zgodność z oryginałem przez notariusza lub adwokata; dokument "
    "nie starszy niż trzy miesiące w dniu złożenia, w języku polskim albo z tłumaczeniem przysięgłym."
)


@pytest.fixture
def case_number(store) -> str:
    with frozen(FROZEN_AT):
        filing = register(
            applicant_name="Maria Santos Reyes",
            phone="+380 67 123 4567",
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


def still_app(settings) -> OkienkoApp:
    app = OkienkoApp(settings)
    app.animation_level = "none"
    return app


def _open(number: str):
    async def run_before(pilot):
        with frozen(FROZEN_AT):
            await log_in(pilot)
            pilot.app.open_case(number)
            await settle(pilot)

    return run_before


def test_case_screen_at_120x35(snap_compare, case_number, settings):
    with frozen(FROZEN_AT):
        assert snap_compare(still_app(settings), terminal_size=MINIMUM, run_before=_open(case_number))


def test_stage_confirmation_at_120x35(snap_compare, case_number, settings):
    async def run_before(pilot):
        await _open(case_number)(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("up", "up", "up")  # from the proposed "closed" back to "decision issued"
        await pilot.press("enter")
        await settle(pilot)

    with frozen(FROZEN_AT):
        assert snap_compare(still_app(settings), terminal_size=MINIMUM, run_before=run_before)


def test_closing_confirmation_at_120x35(snap_compare, case_number, settings):
    async def run_before(pilot):
        await _open(case_number)(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("enter")  # the proposed stage after "card ready" closes the case
        await settle(pilot)

    with frozen(FROZEN_AT):
        assert snap_compare(still_app(settings), terminal_size=MINIMUM, run_before=run_before)


def test_messages_tab_at_120x35(snap_compare, case_number, settings):
    async def run_before(pilot):
        await _open(case_number)(pilot)
        pilot.app.screen.query_one("#case-tabs").active = "tab-messages"
        await settle(pilot)

    with frozen(FROZEN_AT):
        assert snap_compare(still_app(settings), terminal_size=MINIMUM, run_before=run_before)


def test_audit_tab_at_120x35(snap_compare, case_number, settings):
    async def run_before(pilot):
        await _open(case_number)(pilot)
        pilot.app.screen.query_one("#case-tabs").active = "tab-audit"
        await settle(pilot)

    with frozen(FROZEN_AT):
        assert snap_compare(still_app(settings), terminal_size=MINIMUM, run_before=run_before)
