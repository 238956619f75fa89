"""Snapshots of the main screens (SVG, compared by pytest-textual-snapshot).

The clock is frozen, so dates, deadlines and case numbers are the same on any day.
Update after an intended change with: pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Select

from counter_tui.screens.register import RegisterScreen
from storage import add_deficiency, set_stage
from storage.clock import frozen
from tests.helpers import CLERK, CLERK_SLU, register
from tests.tui.conftest import log_in, logged_in_to, open_case, settle
from tests.tui.pictures import FROZEN_AT, still_app

SNAPSHOT_SIZE = (130, 40)


@pytest.fixture
def frozen_store(store):
    with frozen(FROZEN_AT):
        today = FROZEN_AT.date()
        people = [("Olena Kovalenko", "temp_work", 70), ("Rahul Sharma", "temp_study", 20),
                  ("Iryna Bondarenko", "card_exchange", 45), ("Nino Beridze", "permanent", 3),
                  ("Giorgi Kapanadze", "eu_long_term", 10)]  # fmt: skip
        filings = [
            register(
                applicant_name=name,
                case_type=ctype,
                filed_on=today - dt.timedelta(days=ago),
                missing=["photos"] if ctype != "permanent" else [],
            )
            for name, ctype, ago in people
        ]
        register(clerk=CLERK_SLU, applicant_name="Mehmet Yilmaz")
        set_stage(filings[0].number, "missing_documents", clerk=CLERK)
        add_deficiency(filings[0].number, clerk=CLERK, kind="flat_title", note="Umowa najmu na cały okres pobytu.")
        set_stage(filings[1].number, "fingerprints", clerk=CLERK)
        yield filings


def test_login_screen(snap_compare, frozen_store, settings):
    assert snap_compare(still_app(settings), terminal_size=SNAPSHOT_SIZE)


def test_worklist_screen(snap_compare, frozen_store, settings):
    async def run_before(pilot):
        await log_in(pilot)

    assert snap_compare(still_app(settings), terminal_size=SNAPSHOT_SIZE, run_before=run_before)


def test_worklist_at_the_minimum_size(snap_compare, frozen_store, settings):
    """120×35, the documented minimum: full titles and dates, log-out and Esc in the footer."""

    async def run_before(pilot):
        await log_in(pilot)

    assert snap_compare(still_app(settings), terminal_size=(120, 35), run_before=run_before)


def test_register_screen(snap_compare, frozen_store, settings):
    async def run_before(pilot):
        await logged_in_to(pilot, "ctrl+n", RegisterScreen)
        pilot.app.screen.query_one("#case-type", Select).value = "temp_family"
        # The name field has the focus: a steady cursor, not one caught on or off in its blink.
        pilot.app.screen.query_one("#applicant-name").cursor_blink = False
        await settle(pilot)

    assert snap_compare(still_app(settings), terminal_size=SNAPSHOT_SIZE, run_before=run_before)


def test_case_detail_screen(snap_compare, frozen_store, settings):
    async def run_before(pilot):
        await open_case(pilot, frozen_store[0].number)

    assert snap_compare(still_app(settings), terminal_size=SNAPSHOT_SIZE, run_before=run_before)
