"""The clerk's keyboard model (issue 19): on the list screens a printable key types into the
search box, and no printable key alone changes a record; marks use F keys and a mistaken mark is
taken back the same day, audited."""

from __future__ import annotations

import datetime as dt
import sqlite3
import string

import pytest
from textual.widgets import Input

from counter_tui.app import OkienkoApp
from counter_tui.screens.help import HelpScreen
from counter_tui.screens.visits import VisitsScreen
from counter_tui.screens.worklist import WorklistScreen
from storage import clock, desk
from storage.db import unit_of_work
from storage.models import AuditEvent
from tests.helpers import register
from tests.storage.visit_helpers import book
from tests.tui.conftest import BOTH, SIZE, log_in, logged_in_to, press, press_at_once, press_to, settle, type_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
VISIT_DAY_MORNING = dt.datetime(2027, 3, 23, 9, 30)  # Tuesday 10:30 in Warsaw, the visit at 11:00


def audit_actions() -> list[str]:
    with unit_of_work():
        return [row.action for row in AuditEvent.select(AuditEvent.action).order_by(AuditEvent.id)]


async def test_a_name_typed_on_the_worklist_without_slash_searches_and_changes_nothing(app: OkienkoApp):
    visit = book()  # Olena Kovalenko, today at 11:00
    with clock.frozen(VISIT_DAY_MORNING):
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot)
            before = audit_actions()
            await type_text(pilot, "kovalenko")  # "v" opened Wizyty, "n" marked a no-show
            await settle(pilot)
            assert isinstance(app.screen, WorklistScreen)
            assert app.screen.query_one("#search", Input).value == "kovalenko"
            await press(pilot, "enter")
            assert "Nic nie znaleziono" in str(app.screen.query_one("#status-line").render())
            assert desk.visit_by_reference(visit.reference).state == "booked"
            assert audit_actions() == before


@BOTH
async def test_no_printable_key_changes_a_visit_and_a_mistaken_mark_is_undone(app: OkienkoApp):
    visit = book()
    with clock.frozen(VISIT_DAY_MORNING):
        async with app.run_test(size=SIZE) as pilot:
            screen = await logged_in_to(pilot, "f2", VisitsScreen)
            before = audit_actions()
            for n, char in enumerate(string.ascii_letters + string.digits + string.punctuation.replace("/", "")):
                await pilot.press(char)  # (a binding's screen would be up once the key is handled)
                if n % 8 == 7:  # what the search's workers bring back, every few keys
                    await settle(pilot)
                assert app.screen is screen, f"{char!r} left Wizyty"
            await settle(pilot)
            assert desk.visit_by_reference(visit.reference).state == "booked"
            assert audit_actions() == before
            await press(pilot, "escape")  # the typed search goes; the day's list is back
            assert screen.query_one("#search", Input).value == "" and len(screen.shown) == 1

            await press(pilot, "f4")  # a no-show by mistake (before the visit's time, so asked first)…
            await press_at_once(pilot, "tab", "enter")
            assert desk.visit_by_reference(visit.reference).state == "no_show"
            for _ in range(400):  # the answer's mark is saved in a worker started after the dialog closed
                if screen.marking is None and "nie przyszedł" in str(screen.query_one("#visits").get_row_at(0)):
                    break
                await pilot.pause(0.05)
            await press(pilot, "f6")  # …taken back: booked again, and the audit says so
            assert desk.visit_by_reference(visit.reference).state == "booked"
            assert audit_actions()[-2:] == ["visit_marked", "visit_unmarked"]
            assert "umówiona" in str(screen.query_one("#visits").get_row_at(0))


async def test_typing_on_wizyty_finds_a_visitor_by_any_word_without_diacritics(app: OkienkoApp):
    book()
    with clock.frozen(VISIT_DAY_MORNING):
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot)
            await press(pilot, "f2")
            screen = app.screen
            await type_text(pilot, "kowal")
            await settle(pilot)
            assert screen.shown == []
            await pilot.press("escape")
            await type_text(pilot, "kova")
            await settle(pilot)
            assert [v.name for v in screen.shown] == ["Olena Kovalenko"]


async def test_f1_shows_the_key_map(app: OkienkoApp):
    async with app.run_test(size=SIZE) as pilot:
        await logged_in_to(pilot, "f1", HelpScreen)
        assert "F6 cofnij oznaczenie" in str(app.screen.query_one(".dialog-text").render())


async def test_slash_starts_a_fresh_search_after_coming_back_from_a_case(app: OkienkoApp):
    register(applicant_name="Olena Kovalenko")
    register(applicant_name="Zhang Wei")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("slash")
        await type_text(pilot, "kovalenko")
        await press(pilot, "enter", "enter")  # the search, then the one hit opened
        await press_to(pilot, "escape", WorklistScreen)
        await pilot.press("slash")
        await type_text(pilot, "zhang")  # was "kovalenkozhang": nobody found, a duplicate registered
        await press(pilot, "enter")
        assert app.screen.query_one("#search", Input).value == "zhang"
        assert "Znaleziono 1" in str(app.screen.query_one("#status-line").render())


async def test_arrived_to_served_asks_nothing_and_a_slow_mark_shows_it_and_ignores_repeats(app: OkienkoApp, store):
    visit = book()
    path = store.url.removeprefix("sqlite:///")
    with clock.frozen(VISIT_DAY_MORNING):
        desk.mark_visit(visit.reference, "arrived", "anna")
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot)
            await press(pilot, "f2")
            screen = app.screen
            before = audit_actions()
            blocker = sqlite3.connect(path)
            blocker.execute("BEGIN IMMEDIATE")  # another desk writing: the mark waits for it
            try:
                await pilot.press("f3")  # arrived → served: the usual step, no question
                await pilot.press("f3")  # pressed again while the first is being saved
                for _ in range(400):  # a state, not a time: at most 20 s for it to show
                    if "Zapisuję" in str(screen.query_one("#visit-status").render()):
                        break
                    await pilot.pause(0.05)
                assert "Zapisuję" in str(screen.query_one("#visit-status").render())
                assert app.screen is screen
            finally:
                blocker.rollback()
                blocker.close()
            await settle(pilot)
            assert desk.visit_by_reference(visit.reference).state == "served"
            assert audit_actions()[len(before) :] == ["visit_marked"]  # once, not "served → served"
