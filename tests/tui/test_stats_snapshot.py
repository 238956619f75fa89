"""Snapshot of the statistics screen: frozen clock, a fixed set of filings and decisions.

Update after an intended change with: pytest tests/tui/test_stats_snapshot.py --snapshot-update
"""

from __future__ import annotations

import datetime as dt

import pytest

from counter_tui.app import OkienkoApp
from storage import register_filing, set_stage
from storage.clock import frozen
from tests.helpers import CLERK, CLERK_SLU
from tests.tui.conftest import log_in, press

SNAPSHOT_SIZE = (130, 45)
NOW = dt.datetime(2026, 11, 20, 9, 30)  # a Friday; the screen's 12 weeks start on Monday 31 August
WEEKS = 12


def fill_weeks() -> None:
    """Filings every week (more in autumn), a decision for every third filing some weeks
    later, and one case closed after its decision; both offices."""
    first_monday = dt.date(2026, 8, 31)
    serial = 0
    for week in range(WEEKS):
        monday = first_monday + dt.timedelta(weeks=week)
        for k in range(2 + (week * 5) % 7):
            serial += 1
            filed_on = monday + dt.timedelta(days=k % 5)
            with frozen(dt.datetime.combine(filed_on, dt.time(9, 0))):
                if filed_on > NOW.date():
                    continue
                number = register_filing(
                    clerk=CLERK if serial % 4 else CLERK_SLU,
                    case_type=("temp_work", "permanent", "card_exchange")[serial % 3],
                    applicant_name=f"Wnioskodawca {serial}",
                    phone=None,
                    language="pl",
                    filed_on=filed_on,
                ).number
            if serial % 3 == 0:
                decided = dt.datetime.combine(filed_on, dt.time(12, 0)) + dt.timedelta(days=9 + serial % 20)
                if decided < NOW:
                    with frozen(decided):
                        set_stage(number, "decision_issued", clerk=CLERK)
                    if serial % 9 == 0 and decided + dt.timedelta(days=3) < NOW:
                        with frozen(decided + dt.timedelta(days=3)):
                            set_stage(number, "closed", clerk=CLERK)
            elif serial % 3 == 1:
                with frozen(dt.datetime.combine(filed_on, dt.time(14, 0))):
                    set_stage(number, "formal_check", clerk=CLERK)


@pytest.fixture
def stats_store(store):
    fill_weeks()
    return store


def test_statistics_screen(snap_compare, stats_store, settings):
    app = OkienkoApp(settings)
    app.animation_level = "none"

    async def run_before(pilot):
        await log_in(pilot)
        await press(pilot, "f3")

    with frozen(NOW):
        assert snap_compare(app, terminal_size=SNAPSHOT_SIZE, run_before=run_before)
