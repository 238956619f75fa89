"""The statistics screen from the worklist: opened by its key, the storage figures in its
tables, the office filter recounts, Esc goes back."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Label, Select

import storage
from counter_tui.app import OkienkoApp
from counter_tui.screens.stats import ALL_OFFICES, StatsScreen
from counter_tui.screens.worklist import WorklistScreen
from storage.clock import frozen
from tests.tui.conftest import SIZE, log_in, settle
from tests.tui.test_stats_snapshot import NOW, fill_weeks


def table_rows(screen: StatsScreen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
async def test_statistics_from_the_worklist(store, settings):
    fill_weeks()
    with frozen(NOW):
        app = OkienkoApp(settings)
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot)
            assert isinstance(app.screen, WorklistScreen)
            await pilot.press("s")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, StatsScreen)

            gda = storage.head_of_unit_report(12, office="GDA")
            assert table_rows(screen, "#table-weekly") == [
                [f"{w.week:%d.%m.%Y}", str(w.filings), str(w.decisions), str(w.closures), str(w.backlog)]
                for w in gda.weekly
            ]
            stages = table_rows(screen, "#table-stages")
            assert stages[-1] == ["razem", str(gda.open_total), str(gda.overdue_total)]
            summary = str(screen.query_one("#stats-summary", Label).render())
            assert "Gdańsk" in summary and f"decyzje w okresie: {gda.decisions_total}" in summary

            screen.query_one("#stats-office", Select).value = ALL_OFFICES
            await settle(pilot)
            both = storage.head_of_unit_report(12)
            assert both.open_total > gda.open_total
            assert table_rows(screen, "#table-stages")[-1] == ["razem", str(both.open_total), str(both.overdue_total)]
            assert "oba oddziały" in str(screen.query_one("#stats-summary", Label).render())
            filings = table_rows(screen, "#table-filings")
            assert {row[1] for row in filings} == {"GDA", "SLU"}
            assert sum(int(row[3]) for row in filings) == sum(w.filings for w in both.weekly)

            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, WorklistScreen)
