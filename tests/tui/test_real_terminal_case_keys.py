"""The case screen's keyboard in a real terminal at 120×35 (issue 19, the trial after the first
round): the next applicant's name typed on a case searches for her and changes nothing (it once
issued a new password), and Esc with Ctrl+N in one write leaves the case and starts a filing."""

from __future__ import annotations

import storage
from tests.tui.terminal import log_in, open_case_by_name


def held(number: str) -> tuple:
    detail = storage.case_detail(number)
    return detail.credential_version, detail.stage, detail.sms_opt_out, len(detail.deficiencies), len(detail.audit)


def test_a_name_typed_on_a_case_finds_the_next_person_and_changes_nothing(desk):
    term = desk
    case = storage.register_filing(clerk="demo", case_type="temp_work", applicant_name="Ivan Petrenko",
                                   phone="+48 501 234 567", missing=["photos"])  # fmt: skip
    nextone = storage.register_filing(clerk="demo", case_type="temp_work", applicant_name="Priya Chatterjee")
    log_in(term, "demo")
    open_case_by_name(term, "Petrenko", case.display_number)
    before = held(case.number)
    term.type("Chatterjee")  # as fast as a clerk types: one write
    screen = term.wait_for("Chatterjee")
    assert "hasło" not in screen.lower() and "Wydać" not in screen
    term.keys("Enter")
    term.wait_for("Znaleziono 1")
    term.keys("Enter")
    term.wait_for(f"Sprawa {nextone.display_number}")
    # Every other letter, Polish ones too, typed on a case: none opens a question or a form.
    term.type("abdfghiklmnopqrsuvwxyząćęłńóśźż")
    screen = term.wait_for("abdfghiklmnopqrsuvwxyząćęłńóśźż")
    assert "wybrany przycisk" not in screen and "Wydać" not in screen  # no question on screen
    assert held(case.number) == before
    assert held(nextone.number)[0] == 1  # the password of the next case untouched too


def test_escape_and_ctrl_n_in_one_write_leave_the_case_and_start_a_filing(desk):
    term = desk
    case = storage.register_filing(clerk="demo", case_type="temp_work", applicant_name="Ivan Petrenko")
    log_in(term, "demo")
    open_case_by_name(term, "Petrenko", case.display_number)
    term.burst("Escape", "C-n")
    term.wait_for("Imię i nazwisko wnioskodawcy")
    term.keys("Escape")  # the empty form closes at once: on the list, the Esc was not lost
    screen = term.wait_for("F2 Wizyty")  # the worklist's footer (here with the search it came from)
    assert f"Sprawa {case.display_number}" not in screen
