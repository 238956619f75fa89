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
from tests.tui.conftest import SIZE, log_in, press, press_to, settle
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
            screen = await press_to(pilot, "f3", StatsScreen)

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

            await press_to(pilot, "escape", WorklistScreen)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_processing_times_tab_shows_the_portals_figures_per_office(store, settings):
    import random

    from storage.admin.demo_history import add_decided_history
    from storage.cases.processing_times import refresh_processing_times, stored_processing_times

    add_decided_history(random.Random(3))
    refresh_processing_times()
    gda_work = next(f for f in stored_processing_times("GDA") if (f.case_type, f.measure) == ("temp_work", "decision"))
    app = OkienkoApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await press(pilot, "f3")
        screen = app.screen
        rows = table_rows(screen, "#table-processing")
        work = next(row for row in rows if row[0].startswith("Pobyt czasowy i praca"))
        assert work[1:] == ["Gdańsk", str(gda_work.cases), f"{gda_work.median_days:.1f}".replace(".", ","),
                            f"{gda_work.p80_days:.1f}".replace(".", ",")]  # fmt: skip
        assert {row[1] for row in rows} == {"Gdańsk"}  # the clerk's office only
        # Słupsk decided fewer than 20 family cases: counted, without figures.
        screen.query_one("#stats-office", Select).value = "SLU"
        await settle(pilot)
        family = next(row for row in table_rows(screen, "#table-processing") if "rodzin" in row[0])
        assert family[1:] == ["Słupsk", "9", "–", "–"]
