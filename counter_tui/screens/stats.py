"""Statystyki: the head of unit's figures — charts for the weekly flow and the backlog, the
same numbers in tables. Counted by storage in a thread worker; the screen only draws."""

from __future__ import annotations

import math

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Label, Select, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from counter_tui.messages import StoreResult
from counter_tui.screens.base import StoreScreen
from counter_tui.widgets.literal import literal, markup
from storage import desk as store
from storage.desk import PROCESSING_MIN_CASES, ProcessingFigure, Report

ALL_OFFICES = "*"
WEEK_CHOICES = {
    4: "Ostatnie 4 tygodnie",
    12: "Ostatnie 12 tygodni",
    26: "Ostatnie 26 tygodni",
    52: "Ostatnie 52 tygodnie",
}


def decimal_pl(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def whole_ticks(top: int, count: int = 4) -> list[int]:
    """Counts are whole numbers: ticks at 0 and a few round steps up to the top."""
    step = max(1, math.ceil(top / count))
    return list(range(0, top + step, step))


def week_ticks(labels: list[str], most: int = 7) -> tuple[list[int], list[str]]:
    """Fixed x ticks (every week, or every second, third …, ending on the latest) so the axis
    does not depend on how plotext happens to thin out labels that do not fit."""
    step = max(1, math.ceil(len(labels) / most))
    positions = list(range(len(labels), 0, -step))[::-1]
    return positions, [labels[p - 1] for p in positions]


def right(value: object) -> Text:
    return literal(value, justify="right")


class StatsScreen(StoreScreen):
    CSS_PATH = "stats.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Wróć", id="back"),
        Binding("f5", "refresh", "Odśwież", id="refresh"),
    ]

    class ReportReady(StoreResult[Report]):
        pass

    class ProcessingReady(StoreResult[list[ProcessingFigure]]):
        pass

    def __init__(self, weeks: int = 12, office: str | None = None) -> None:
        super().__init__()
        self.weeks = weeks
        self.office = office

    def compose(self) -> ComposeResult:
        offices = self.app.catalog.offices if self.app.catalog else []
        yield Header()
        with Horizontal(id="stats-controls"):
            yield Select(
                [(literal(f"Oddział: {o.city}"), o.code) for o in offices] + [("Oddział: oba", ALL_OFFICES)],
                value=self.office or ALL_OFFICES,
                allow_blank=False,
                id="stats-office",
            )
            yield Select(
                [(literal(label), n) for n, label in WEEK_CHOICES.items()],
                value=self.weeks,
                allow_blank=False,
                id="stats-weeks",
            )
        yield Label("Liczę…", id="stats-summary")
        with Horizontal(id="stats-charts"):
            yield PlotextPlot(id="chart-weekly")
            yield PlotextPlot(id="chart-backlog")
        with TabbedContent(id="stats-tabs"):
            with TabPane("Tygodniowo", id="tab-weekly"):
                yield DataTable(id="table-weekly", cursor_type="row", zebra_stripes=True)
            with TabPane("Otwarte według etapu", id="tab-stages"):
                yield DataTable(id="table-stages", cursor_type="row", zebra_stripes=True)
            with TabPane("Wpływ według rodzaju", id="tab-filings"):
                yield DataTable(id="table-filings", cursor_type="row", zebra_stripes=True)
            with TabPane("Czas załatwiania", id="tab-processing"):
                yield Label(
                    markup(
                        "Od złożenia do pierwszej decyzji, sprawy rozstrzygnięte w ostatnich 12 miesiącach; "
                        "poniżej $least spraw bez liczb (tak samo w portalu).",
                        least=PROCESSING_MIN_CASES,
                    ),
                    id="processing-note",
                )
                yield DataTable(id="table-processing", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#table-weekly", DataTable).add_columns(
            "tydzień od", "wpływ", "decyzje", "zakończone", "otwarte na koniec"
        )
        self.query_one("#table-stages", DataTable).add_columns("etap", "otwarte", "po terminie")
        self.query_one("#table-filings", DataTable).add_columns("tydzień od", "oddział", "rodzaj sprawy", "wpływ")
        self.query_one("#table-processing", DataTable).add_columns(
            "rodzaj sprawy", "oddział", "rozstrzygnięte", "mediana dni", "8 na 10 w dniach"
        )
        self.load()

    def load(self) -> None:
        self.query_one("#stats-summary", Label).update("Liczę…")
        self.run_store(self.ReportReady, store.head_of_unit_report, weeks=self.weeks, office=self.office)
        self.run_store(self.ProcessingReady, store.stored_processing_times, self.office)

    def action_refresh(self) -> None:
        self.load()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "stats-office":
            office = None if event.value == ALL_OFFICES else str(event.value)
            if office == self.office:
                return
            self.office = office
        elif event.select.id == "stats-weeks":
            if event.value == self.weeks:
                return
            self.weeks = int(event.value)
        self.load()

    @on(ReportReady)
    def _report_ready(self, message: ReportReady) -> None:
        if not message.ok:
            self.query_one("#stats-summary", Label).update(markup("[b red]$error[/]", error=message.error))
            return
        report: Report = message.value
        if (report.weeks, report.office) != (self.weeks, self.office):
            return  # an older request answered after the clerk changed the filters
        where = next((o.city for o in self.app.catalog.offices if o.code == report.office), "oba oddziały")
        self.query_one("#stats-summary", Label).update(
            markup(
                "[b]$where[/], od $first_week · otwarte: [b]$open[/] · po terminie: [b]$overdue[/]"
                " · decyzje w okresie: [b]$decisions[/]\n"
                "Dni od złożenia do decyzji: mediana [b]$median[/], 90. percentyl [b]$p90[/]",
                where=where,
                first_week=f"{report.first_week:%d.%m.%Y}",
                open=report.open_total,
                overdue=report.overdue_total,
                decisions=report.decisions_total,
                median=decimal_pl(report.median_days),
                p90=decimal_pl(report.p90_days),
            )
        )
        self._draw_charts(report)
        self._fill_tables(report)

    @on(ProcessingReady)
    def _processing_ready(self, message: ProcessingReady) -> None:
        table = self.query_one("#table-processing", DataTable)
        table.clear()
        if not message.ok:
            self.query_one("#processing-note", Label).update(markup("[b red]$error[/]", error=message.error))
            return
        cities = {o.code: o.city for o in self.app.catalog.offices} if self.app.catalog else {}
        types = {t.code: t.label["pl"] for t in self.app.catalog.case_types} if self.app.catalog else {}
        for f in message.value:
            if f.measure != "decision" or (self.office and f.office != self.office):
                continue
            table.add_row(
                literal(types.get(f.case_type, f.case_type)),
                literal(cities.get(f.office, f.office)),
                right(f.cases),
                right(decimal_pl(f.median_days)),
                right(decimal_pl(f.p80_days)),
            )

    def _draw_charts(self, report: Report) -> None:
        weeks = [f"{w.week:%d.%m}" for w in report.weekly]
        weekly = self.query_one("#chart-weekly", PlotextPlot)
        plt = weekly.plt
        plt.clear_data()
        plt.clear_figure()
        plt.multiple_bar(
            weeks,
            [[w.filings for w in report.weekly], [w.decisions for w in report.weekly]],
            labels=["wpływ", "decyzje"],
        )
        plt.yticks(whole_ticks(max((max(w.filings, w.decisions) for w in report.weekly), default=0)))
        plt.xticks(*week_ticks(weeks))
        plt.title("Wpływ i decyzje tygodniowo")
        weekly.refresh()

        backlog = self.query_one("#chart-backlog", PlotextPlot)
        plt = backlog.plt
        plt.clear_data()
        plt.clear_figure()
        plt.bar(weeks, [w.backlog for w in report.weekly], width=0.6)
        plt.yticks(whole_ticks(max((w.backlog for w in report.weekly), default=0)))
        plt.xticks(*week_ticks(weeks))
        plt.title("Sprawy otwarte na koniec tygodnia")
        backlog.refresh()

    def _fill_tables(self, report: Report) -> None:
        table = self.query_one("#table-weekly", DataTable)
        table.clear()
        for w in report.weekly:
            table.add_row(literal(f"{w.week:%d.%m.%Y}"), *map(right, (w.filings, w.decisions, w.closures, w.backlog)))
        table = self.query_one("#table-stages", DataTable)
        table.clear()
        for s in report.by_stage:
            table.add_row(literal(s.label), right(s.open), right(s.overdue))
        table.add_row(literal("razem", style="bold"), right(report.open_total), right(report.overdue_total))
        table = self.query_one("#table-filings", DataTable)
        table.clear()
        for f in report.filings:
            table.add_row(literal(f"{f.week:%d.%m.%Y}"), literal(f.office), literal(f.case_type_label), right(f.count))
