"""The clerk app in a real terminal: tmux runs it on a demo store, keys go in, the screen is read back."""

from __future__ import annotations

import re

import pytest

import storage
from tests.tui.terminal import demo_store, desk_in_tmux, log_in, need_tmux

NUMBER = re.compile(r"\b(\d{2}-\d{6}-\d)\b")


@pytest.fixture
def terminal(tmp_path):
    need_tmux()
    db_url = demo_store(tmp_path, cases=8)
    with desk_in_tmux(tmp_path, db_url, (130, 40)) as term:
        yield term, db_url


def test_log_in_and_register_a_filing_in_tmux(terminal):
    term, db_url = terminal
    log_in(term)
    term.keys("C-n")
    term.wait_for("Rodzaj sprawy")
    term.type("Ivan Petrenko")  # the name has the focus
    term.keys("Tab")
    term.type("+380 50 123 4567")
    term.keys("Tab", "Enter")
    term.wait_for("Zaproszenie cudzoziemca")  # the drop-down is open
    term.type("Pobyt sta")
    term.keys("Enter")
    term.wait_for("Formularz wniosku")
    term.keys("C-s")
    term.wait_for("Zapisać wniosek?")
    term.keys("Enter")
    screen = term.wait_for("Wniosek zarejestrowany")
    number = NUMBER.search(screen.split("Numer sprawy", 1)[1]).group(1)
    term.keys("Enter")
    term.wait_for(f"Sprawa {number}")
    storage.open_database(db_url)
    detail = storage.case_detail(number)
    assert detail.applicant_name == "Ivan Petrenko" and detail.case_type == "permanent"
    assert detail.phone == "+380501234567"


def test_scanned_number_in_one_burst_opens_the_case_in_tmux(terminal):
    """A barcode scanner types the whole number and Enter at once; the table has the focus."""
    term, _ = terminal
    log_in(term)
    listed = NUMBER.findall(term.wait_for(NUMBER))
    first, second = listed[-1], listed[0]
    term.tmux("send-keys", "-t", "desk", first, "Enter")  # one call: one burst
    term.wait_for(f"Sprawa {first}")
    term.keys("Escape")
    term.wait_for("Strona 1")
    term.tmux("send-keys", "-t", "desk", second.replace("-", " "), "Enter")
    term.wait_for(f"Sprawa {second}")
