"""Names shown whole at 120×35 (issue 19, problem 9): the worklist's case types and stages and
Wizyty's matter column were cut ("Pobyt czasowy – in…", "Czekamy na brakują…", "Złożenie
wniosku (obywatele…"); the catalogue's short labels fit, the case screen and papers keep the long ones."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

import storage
from counter_tui.app import OkienkoApp
from storage import clock, desk
from storage.db import write_transaction
from storage.errors import DomainError
from storage.models import Visit
from tests.helpers import CLERK, register
from tests.storage.visit_helpers import book, first_slot
from tests.tui.conftest import log_in, press, settle
from tests.tui.pictures import still_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SMALL = (120, 35)
VISIT_DAY_MORNING = dt.datetime(2027, 3, 23, 6, 30)  # Tuesday, before the first visit


def column(table: DataTable, title: str) -> list[str]:
    index = next(i for i, c in enumerate(table.ordered_columns) if str(c.label) == title)
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


async def test_every_case_type_and_stage_shows_whole_on_the_worklist(app: OkienkoApp):
    types = [t.code for t in storage.case_types()]
    stages = [s.code for s in storage.stages()]
    for i, stage in enumerate(stages):
        filing = register(case_type=types[i % len(types)], applicant_name=f"Olena Kovalenko{i}")
        if stage != "filed":
            storage.set_stage(filing.number, stage, clerk=CLERK)
    async with app.run_test(size=SMALL) as pilot:
        await log_in(pilot)
        await settle(pilot)
        table = app.screen.query_one("#cases", DataTable)
        assert table.row_count == len(stages) - 1  # a closed case is off the worklist
        shown = column(table, "Rodzaj sprawy") + column(table, "Etap")
        assert [text for text in shown if "…" in text] == []
        assert set(column(table, "Rodzaj sprawy")) >= {"Czasowy i praca", "Pobyt stały"}
        assert "Braki w dokumentach" in column(table, "Etap")


async def test_every_visit_matter_shows_whole_in_wizyty(app: OkienkoApp):
    booked = []
    for n, group in enumerate(g.code for g in desk.visit_groups()):
        try:
            first_slot(group)
        except (IndexError, DomainError):
            continue  # not booked at this office
        booked.append(book(phone=f"+48 501 234 5{n:02d}", group=group))
    assert len(booked) >= 3
    with clock.frozen(VISIT_DAY_MORNING):
        async with app.run_test(size=SMALL) as pilot:
            await log_in(pilot)
            await press(pilot, "f2")
            table = app.screen.query_one("#visits", DataTable)
            assert table.row_count == len(booked)
            matters = column(table, "sprawa")
            assert [text for text in matters if "…" in text] == []
            assert "Złożenie wniosku" in matters


def test_wizyty_at_the_minimum_size(snap_compare, store, settings):
    """The picture of Wizyty at 120×35: every matter whole, the state column in view."""
    for n, group in enumerate(("filing", "card_collection", "case_question", "work_permit")):
        visit = book(phone=f"+48 501 234 5{n:02d}", group=group)
        with write_transaction():  # references are random: fixed ones keep the picture the same
            Visit.update(reference=f"GDA-TEST0{n}").where(Visit.reference == visit.reference).execute()

    async def run_before(pilot):
        await log_in(pilot)
        await press(pilot, "f2")

    with clock.frozen(VISIT_DAY_MORNING):
        assert snap_compare(still_app(settings), terminal_size=SMALL, run_before=run_before)
