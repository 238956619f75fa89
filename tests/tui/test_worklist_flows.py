"""Worklist points of issue 8 through Textual's pilot: scanned numbers, today's work, Esc,
the clock-aware overdue flag, Polish everywhere."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from textual.widgets import Checkbox, DataTable, Footer, Input, Label, Select

import storage
from counter_tui.app import OkienkoApp
from counter_tui.screens.case_detail import CaseDetailScreen
from counter_tui.screens.worklist import WorklistScreen
from storage.clock import frozen
from tests.helpers import CLERK, register
from tests.tui.conftest import SIZE, choose, log_in, press, press_at_once, press_to, settle, type_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ENGLISH = ("Dismiss menu", "Focus Next", "Focus Previous", "Maximize", "Keys", "Copy selected text", "palette",
           "Theme", "Screenshot", "Quit", "No matches found", "Search for commands")  # fmt: skip


def _screen_text(app: OkienkoApp) -> str:
    """What the terminal shows, from Textual's own SVG export."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def _numbers(app: OkienkoApp) -> list[str]:
    table = app.screen.query_one("#cases", DataTable)
    return [row.key.value for row in table.ordered_rows]


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
async def test_scanned_number_burst_opens_the_case_from_the_table(app: OkienkoApp):
    filings = [register(applicant_name=f"Hanna Koval{i}") for i in range(3)]
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        assert isinstance(app.focused, DataTable)  # the table has the focus, as after any return
        # A scanner: every key of the number and Enter, with no pause in between.
        await pilot.press(*storage.format_number(filings[1].number), "enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.number == filings[1].number
        await press_to(pilot, "escape", WorklistScreen)
        assert app.screen.query_one("#search", Input).value == ""  # ready for the next scan
        await pilot.press(*filings[2].number, "enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.number == filings[2].number


async def test_mistyped_number_clears_the_previous_result(app: OkienkoApp):
    filings = [register(applicant_name="Zhang Wei"), register(applicant_name="Tran Thi Lan")]
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("slash")
        await type_text(pilot, "zhang")
        await press(pilot, "enter")
        assert _numbers(app) == [filings[0].number]
        app.screen.query_one("#search", Input).value = ""
        number = filings[1].number
        typo = number[:-1] + str((int(number[-1]) + 1) % 10)
        await type_text(pilot, typo)
        await press(pilot, "enter")
        assert _numbers(app) == []
        assert "cyfra kontrolna" in str(app.screen.query_one("#search-error", Label).render())
        assert "Nic nie pokazano" in str(app.screen.query_one("#status-line", Label).render())


async def test_any_word_search_from_the_box(app: OkienkoApp):
    made = {n: register(applicant_name=n) for n in ("Fatima Zahra Benali", "Hanna Koval", "Taras Ševčenko")}
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        for typed, name in (("zahra", "Fatima Zahra Benali"), ("koval hanna", "Hanna Koval"),
                            ("sevcenko", "Taras Ševčenko")):  # fmt: skip
            await pilot.press("slash")
            app.screen.query_one("#search", Input).value = ""
            await type_text(pilot, typed)
            await press(pilot, "enter")
            assert _numbers(app) == [made[name].number], typed


async def test_today_and_mine_filters_and_esc_clears_everything(app: OkienkoApp):
    yesterday = dt.datetime.combine(storage.today_in_warsaw(), dt.time(12)) - dt.timedelta(days=1)
    with frozen(yesterday):
        old_mine = register(applicant_name="Olena Kovalenko")
    today_admin = register(clerk="admin", applicant_name="Rahul Sharma")
    today_mine = register(applicant_name="Priya Nair")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        assert set(_numbers(app)) == {old_mine.number, today_admin.number, today_mine.number}
        app.screen.query_one("#today-filter", Checkbox).value = True
        await settle(pilot)
        assert set(_numbers(app)) == {today_admin.number, today_mine.number}
        app.screen.query_one("#mine-filter", Checkbox).value = True
        await settle(pilot)
        assert _numbers(app) == [today_mine.number]
        app.screen.query_one("#today-filter", Checkbox).value = False
        await choose(pilot, "#stage-filter", "filed")
        assert _numbers(app) == [today_mine.number, old_mine.number]
        await pilot.press("slash")
        await type_text(pilot, "kovalenko")
        await press(pilot, "enter")
        assert _numbers(app) == [old_mine.number]
        await press(pilot, "escape")  # search text and every filter go at once
        screen = app.screen
        assert screen.query_one("#search", Input).value == ""
        assert not any(box.value for box in screen.query(Checkbox))
        assert screen.query_one("#stage-filter", Select).value is Select.NULL
        assert set(_numbers(app)) == {old_mine.number, today_admin.number, today_mine.number}


async def test_overdue_flag_follows_the_statutory_clock(app: OkienkoApp):
    long_ago = storage.today_in_warsaw() - dt.timedelta(days=200)
    running = register(applicant_name="Iryna Koval", filed_on=long_ago)
    stopped = register(applicant_name="Nino Beridze", filed_on=long_ago)
    storage.set_stage(stopped.number, "suspended", clerk=CLERK)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        table = app.screen.query_one("#cases", DataTable)
        flags = {row.key.value: str(table.get_row(row.key)[0]) for row in table.ordered_rows}
        assert flags == {running.number: "⚠", stopped.number: " "}
        app.screen.query_one("#overdue-filter", Checkbox).value = True
        await settle(pilot)
        assert _numbers(app) == [running.number]
        await press_at_once(pilot, "escape", "f4")  # by deadline: only the cases whose clock runs
        assert _numbers(app) == [running.number]
        assert "termin biegnie" in str(app.screen.query_one("#status-line", Label).render())


async def test_textual_strings_are_polish_or_gone(app: OkienkoApp):
    async with app.run_test(size=(120, 35)) as pilot:
        await log_in(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Wyloguj", "Nowy wniosek", "Szukaj", "Wyczyść"} <= titles
        assert not titles & set(ENGLISH)
        app.screen.query_one("#stage-filter", Select).focus()
        await pilot.press("enter")  # the open list shows its Esc in the footer
        await pilot.pause()
        shown = _screen_text(app)
        assert "Zamknij listę" in shown and "Dismiss" not in shown
        await pilot.press("escape")  # closes the list only: nothing is cleared or left
        await pilot.pause()
        assert isinstance(app.screen, WorklistScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "qqqzzz")
        await pilot.pause(1.0)
        palette_text = _screen_text(app)
        assert "Brak pasujących poleceń" in palette_text
        assert not any(word in palette_text for word in ENGLISH)


async def test_footer_at_the_minimum_size_reaches_log_out_and_every_column(app: OkienkoApp):
    register(applicant_name="Fatima Zahra Benali-Al-Hashimi", filed_on=storage.today_in_warsaw())
    async with app.run_test(size=(120, 35)) as pilot:
        await log_in(pilot)
        table = app.screen.query_one("#cases", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no column off screen
        footer = app.screen.query_one(Footer)
        keys = [w for w in footer.query("FooterKey")]
        visible = [k for k in keys if k.region.right <= 120 and k.region.width > 0]
        descriptions = {k.description for k in visible}
        assert {"Wyloguj", "Wyczyść", "Nowy wniosek", "Szukaj", "Statystyki", "Wizyty"} <= descriptions
        # Paging keys are announced in the status line instead.
        assert "ostatnia strona" in str(app.screen.query_one("#status-line").render())
