"""Wizyty: the day's visits at the counter – marking who came, registering a filing from a visit
with the form prefilled, booking for someone without a code, cancelling, and the wrong keys."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Label, Select

import storage
from counter_tui.app import OkienkoApp
from counter_tui.screens.case_detail import CaseDetailScreen
from counter_tui.screens.dialogs import ConfirmDialog
from counter_tui.screens.register import RegisterScreen
from counter_tui.screens.visit_form import VisitBookingForm
from counter_tui.screens.visits import VisitsScreen
from storage import clock, desk
from tests.helpers import CLERK
from tests.storage.visit_helpers import NOW, TUESDAY, book, first_slot
from tests.tui.conftest import BOTH, SIZE, logged_in_to, press, press_at_once, press_to, said, settle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
VISIT_DAY_MORNING = dt.datetime(2027, 3, 23, 9, 30)  # Tuesday 10:30 in Warsaw, before the first visit


def rows(app: OkienkoApp) -> list[str]:
    table = app.screen.query_one("#visits", DataTable)
    return [" | ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def open_visits(pilot) -> VisitsScreen:
    return await logged_in_to(pilot, "f2", VisitsScreen)


@BOTH
async def test_arrived_then_a_filing_registered_from_the_visit_marks_it_served(app: OkienkoApp):
    visit = book()  # Olena Kovalenko, +48 501 234 567, Ukrainian, Tuesday 11:00
    with clock.frozen(VISIT_DAY_MORNING):
        async with app.run_test(size=SIZE) as pilot:
            await open_visits(pilot)
            [row] = rows(app)
            assert "11:00" in row and "Olena Kovalenko" in row and "umówiona" in row and visit.reference in row
            await press(pilot, "f2")
            assert "przybył(a)" in rows(app)[0]
            assert "czeka w sali: 1" in str(app.screen.query_one("#visit-status", Label).render())
            form = await press_to(pilot, "ctrl+n", RegisterScreen)
            assert form.query_one("#applicant-name", Input).value == "Olena Kovalenko"
            assert form.query_one("#phone", Input).value == "+48 501 234 567"
            assert form.query_one("#language", Select).value == "uk"
            assert visit.reference in form.sub_title
            form.query_one("#case-type", Select).value = "temp_work"
            await settle(pilot)
            await press_to(pilot, "ctrl+s", ConfirmDialog)
            await press(pilot, "enter")
            assert isinstance(app.screen_stack[-2], CaseDetailScreen)  # under the credentials dialog
            [listed] = desk.visits_on("GDA")
            assert listed.state == "served"
            [found] = storage.search_cases("Kovalenko")
            case = storage.case_detail(found.number)
            assert (case.applicant_name, case.phone, case.language) == ("Olena Kovalenko", "+48501234567", "uk")


@BOTH
async def test_booking_for_someone_at_the_counter_needs_no_code_and_keeps_input_when_refused(app: OkienkoApp):
    with clock.frozen(NOW):  # Monday 11:00: Tuesday is the first day online; the counter may book today too
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_visits(pilot)
            assert rows(app) == [] and "Brak wizyt" in str(screen.query_one("#visit-status", Label).render())
            form = await press_to(pilot, "ctrl+b", VisitBookingForm)
            form.query_one("#visit-group", Select).value = "filing"
            day = form.query_one("#visit-day", Input)
            day.value = TUESDAY.isoformat()
            await settle(pilot)
            times = form.query_one("#visit-time", Select)
            assert form.times and form.times[0].local == "11:00"  # Tuesdays Gdańsk opens at 11
            times.value = 0
            form.query_one("#visit-name", Input).value = "123"  # no letters: refused by the name rule
            await press_to(pilot, "ctrl+s", VisitBookingForm)
            assert "musi zawierać litery" in str(form.query_one("#form-error", Label).render())
            # Meanwhile the other desks fill 11:00: the store refuses, the form keeps the input.
            eleven = form.times[0]
            for n in range(eleven.free):
                desk.book_visit_for("GDA", "filing", eleven.starts_at, f"Osoba {chr(65 + n)}", None, "pl", CLERK)
            form.query_one("#visit-name", Input).value = "Ivan Petrenko"
            await press_to(pilot, "ctrl+s", VisitBookingForm)
            assert "nie jest już wolny" in str(form.query_one("#form-error", Label).render())
            assert form.query_one("#visit-name", Input).value == "Ivan Petrenko"
            assert form.times[0].local == "11:20"  # the list now shows what is still free
            times.value = 0
            form.query_one("#visit-name", Input).value = "Ivan Petrenko"
            await press_to(pilot, "ctrl+s", VisitsScreen)
            assert any("Podaj numer osobie" in text for text in said(app))
    with clock.frozen(VISIT_DAY_MORNING):
        visit = next(v for v in desk.visits_on("GDA") if v.name == "Ivan Petrenko")
        assert visit.booked_by == CLERK and visit.local_time == "11:20"
        assert visit.state == "booked"


@BOTH
async def test_cancel_asks_first_and_frees_the_seat(app: OkienkoApp):
    visit = book()
    slot = first_slot()
    with clock.frozen(NOW):
        free_before = next(t.free for t in desk.visit_times("GDA", "filing", TUESDAY) if t.starts_at == slot)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_visits(pilot)
            await press(pilot, "f8")  # the visit is tomorrow
            assert "jutro" in str(screen.query_one("#visit-day", Label).render())
            await press(pilot, "f2")  # wrong key: tomorrow's visit cannot have arrived today
            assert any("dopiero" in text for text in said(app))
            await press_to(pilot, "ctrl+o", ConfirmDialog)
            await press(pilot, "escape")  # changed her mind: nothing happens
            assert len(rows(app)) == 1
            await press(pilot, "ctrl+o")
            await press_at_once(pilot, "tab", "enter")
            assert rows(app) == []
        free_after = next(t.free for t in desk.visit_times("GDA", "filing", TUESDAY) if t.starts_at == slot)
    assert free_after == free_before + 1
    assert visit.reference


async def test_keys_on_an_empty_day_do_nothing_harmful(app: OkienkoApp):
    async with app.run_test(size=SIZE) as pilot:
        await open_visits(pilot)
        for key in ("f2", "f3", "f4", "f6", "ctrl+n", "ctrl+o"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, VisitsScreen)
        await press(pilot, "escape")
        assert not isinstance(app.screen, VisitsScreen)


async def test_a_served_visit_is_not_registered_twice_and_its_mark_changes_only_on_purpose(app: OkienkoApp):
    visit = book()
    with clock.frozen(VISIT_DAY_MORNING):
        desk.mark_visit(visit.reference, "served", CLERK)
        async with app.run_test(size=SIZE) as pilot:
            await open_visits(pilot)
            assert "obsłużona" in rows(app)[0] and "1 wizyta ·" in str(app.screen.query_one("#visit-status").render())
            await press_to(pilot, "ctrl+n", VisitsScreen)
            assert any("zarejestrowano już wniosek" in text for text in said(app))
            await press(pilot, "ctrl+o")  # a visit that took place cannot be cancelled: said at once, nothing asked
            assert isinstance(app.screen, VisitsScreen)
            await press(pilot, "f4")  # a wrong key on a served visit asks first
            assert isinstance(app.screen, ConfirmDialog)
            await press(pilot, "escape")
            assert desk.visit_by_reference(visit.reference).state == "served"
            await press(pilot, "f3")  # the same mark again changes nothing
            assert any("jest już oznaczona" in text for text in said(app))


async def test_escape_on_a_filled_booking_form_asks_before_discarding(app: OkienkoApp):
    with clock.frozen(NOW):
        async with app.run_test(size=SIZE) as pilot:
            await open_visits(pilot)
            await press(pilot, "ctrl+b")
            form = app.screen
            form.query_one("#visit-name", Input).value = "Ivan Petrenko"
            day = form.query_one("#visit-day", Input)
            day.value = "2027-02-30"
            await settle(pilot)
            assert "nie ma takiego dnia" in str(form.query_one("#form-error", Label).render())
            assert form.times == []
            await press_to(pilot, "escape", ConfirmDialog)
            await press(pilot, "escape")
            assert app.screen is form and form.query_one("#visit-name", Input).value == "Ivan Petrenko"


async def test_a_no_show_before_the_visit_time_and_served_without_arrival_ask_first(app: OkienkoApp):
    visit = book()  # Tuesday 11:00; the desk is open at 10:30
    with clock.frozen(VISIT_DAY_MORNING):
        async with app.run_test(size=SIZE) as pilot:
            await open_visits(pilot)
            await press(pilot, "f4")
            assert isinstance(app.screen, ConfirmDialog), "a no-show half an hour early went without a question"
            assert "jeszcze się nie zaczęła" in str(app.screen.query_one(".dialog-text").render())
            await press(pilot, "enter")  # "no" has the focus: an Enter typed ahead marks nothing
            assert desk.visit_by_reference(visit.reference).state == "booked"
            await press(pilot, "f3")
            assert isinstance(app.screen, ConfirmDialog), "served without arrival went without a question"
            assert "przybył(a)" in str(app.screen.query_one(".dialog-text").render())
            await press(pilot, "escape")
            assert desk.visit_by_reference(visit.reference).state == "booked"
            await press_at_once(pilot, "f3", "enter")  # on purpose: served at once
            for _ in range(200):  # saved by a worker the dialog's answer starts
                if desk.visit_by_reference(visit.reference).state == "served":
                    break
                await pilot.pause(0.05)
            assert desk.visit_by_reference(visit.reference).state == "served"


async def test_a_no_show_after_the_visit_time_is_one_key(app: OkienkoApp):
    visit = book()  # Tuesday 11:00
    with clock.frozen(VISIT_DAY_MORNING + dt.timedelta(hours=2)):  # 12:30: the time has passed
        async with app.run_test(size=SIZE) as pilot:
            await open_visits(pilot)
            await press_to(pilot, "f4", VisitsScreen)
            assert desk.visit_by_reference(visit.reference).state == "no_show"
