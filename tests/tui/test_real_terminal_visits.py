"""Wizyty in a real terminal at the documented minimum (120×35): today's visits listed by time,
the first visitor marked arrived and registered from the visit (the form filled with her name,
mobile and language), the visit then served; another visit cancelled after the question."""

from __future__ import annotations

import datetime as dt

import pytest

import storage
from storage import desk
from storage.catalog.visit_calendar import to_utc
from storage.catalog.visit_groups import group_at_office
from storage.clock import today_in_warsaw, utcnow
from storage.db import write_transaction
from storage.visits.seats import take_seat
from tests.tui.terminal import desk_in_tmux, log_in, open_demo_store

NAME = "Amara Okonkwo"


def book_today(name: str, phone: str | None, language: str, wall: dt.time) -> str:
    """A visit today at `wall` o'clock whatever the calendar says (the test runs on any day,
    Wednesdays and Sundays included), written as the booking rules write it."""
    today = today_in_warsaw()
    with write_transaction():
        visit = take_seat(group_at_office("GDA", "filing"), to_utc(today, wall), today, utcnow(), state="booked",
                          name=name, phone=phone, language=language, booked_at=utcnow())  # fmt: skip
    return visit.reference


@pytest.fixture
def desk_term(tmp_path):
    with open_demo_store(tmp_path, cases=2) as db_url:
        first = book_today(NAME, "+48501777888", "en", dt.time(7, 30))  # before any demo visit: the first row
        second = book_today("Bilal Haddad", None, "pl", dt.time(7, 45))
        with desk_in_tmux(tmp_path, db_url, (120, 35)) as term:
            yield term, first, second


def test_a_visitor_arrives_and_is_registered_and_another_visit_is_cancelled_in_tmux(desk_term):
    term, first, second = desk_term
    log_in(term)
    term.keys("F2")
    term.wait_for(NAME)
    screen = term.wait_for("Ctrl+P Polecenia")  # the footer can come a moment after the table on a busy machine
    assert "dziś" in screen and "07:30" in screen and first in screen and "Bilal Haddad" in screen
    assert "F2 Przybył" in screen and "Ctrl+O Odwołaj" in screen  # the whole footer fits at 120 columns
    term.keys("F2")
    term.wait_for("przybył(a)")
    term.keys("C-n")
    screen = term.wait_for(f"Nowy wniosek z wizyty {first}")
    assert NAME in screen and "+48 501 777 888" in screen and "angielski" in screen
    term.keys("Enter")  # the case type list, searched by typing
    term.wait_for("Zaproszenie cudzoziemca")
    term.type("Pobyt sta")
    term.keys("Enter")
    term.keys("C-s")
    term.wait_for("Zapisać wniosek?")
    term.keys("Enter")
    term.wait_for("Wniosek zarejestrowany")
    assert desk.visit_by_reference(first).state == "served"
    [found] = storage.search_cases("Okonkwo")
    assert storage.case_detail(found.number).language == "en"

    term.keys("Enter")  # the credentials read out: the case screen
    term.wait_for(f"Sprawa {found.display_number}")
    term.keys("Escape")  # back to Wizyty, read again: the visit is served
    term.wait_for("obsłużona")
    term.keys("Down", "C-o")
    term.wait_for(f"Odwołać wizytę {second}")
    term.keys("Tab", "Enter")
    term.wait_for("odwołana; miejsce wróciło do puli")
    assert desk.visit_by_reference(second).state == "cancelled"
