"""The case screen's corrections in a real terminal at the documented minimum (120×35): a stage
withdrawn by the clerk who set it, a corrected phone whose queued text then goes to the new
number, and a closed case reopened by an administrator after the clerk logs out; a message to the
applicant written from a template and seen in the case's messages tab."""

from __future__ import annotations

import datetime as dt

import storage
from storage.clock import today_in_warsaw
from storage.delivery import sms_outbox as outbox
from tests.tui.terminal import log_in, open_case_by_name


def test_withdraw_correct_phone_and_reopen_in_tmux(desk):
    term = desk
    withdrawn = storage.register_filing(clerk="demo", case_type="temp_work", applicant_name="Ivan Petrenko")
    corrected = storage.register_filing(
        clerk="demo", case_type="temp_work", applicant_name="Hanna Koval", phone="+48 501 234 567", language="uk"
    )
    storage.set_stage(corrected.number, "formal_check", clerk="demo")  # a text waits in the outbox
    closed = storage.register_filing(clerk="demo", case_type="temp_work", applicant_name="Tran Thi Lan")
    storage.set_stage(closed.number, "decision_issued", clerk="demo")
    storage.set_stage(closed.number, "closed", clerk="demo")

    log_in(term, "demo")

    # A stage set through the dialog (proposed next stage, asked once more), then withdrawn.
    open_case_by_name(term, "Petrenko", withdrawn.display_number)
    term.keys("F2")
    term.wait_for("Sprawdzanie kompletności – zwykle następny")
    term.keys("Enter")  # the highlight starts on the proposed stage
    screen = term.wait_for("Zmienić etap?")
    assert "Wniosek złożony  →  Sprawdzanie kompletności" in screen
    term.keys("Enter")
    term.wait_for("Etap: Sprawdzanie kompletności")
    term.keys("F6")
    term.wait_for("Wycofanie etapu")
    term.keys("Enter")
    screen = term.wait_for("Etap: Wniosek złożony")
    detail = storage.case_detail(withdrawn.number)
    assert detail.stage == "filed"
    assert [(h.stage, h.withdrawn_at is not None) for h in detail.history] == [
        ("filed", False),
        ("formal_check", True),
    ]
    assert [h.stage for h in storage.check_applicant(withdrawn.number, withdrawn.password).history] == ["filed"]
    assert "Esc Wróć" in screen and "F1 Pomoc" in screen  # the footer's first and last key at 120 columns
    term.keys("Escape")  # back to the search result
    term.wait_for("Znaleziono 1")
    term.keys("Escape")  # and the search cleared
    term.wait_for("Strona 1")

    # The phone corrected on the case screen; the text already queued goes to the new number.
    open_case_by_name(term, "Hanna Koval", corrected.display_number)
    term.keys("C-d")
    term.wait_for("Popraw dane sprawy")
    term.keys("Tab")
    term.keys("C-u")
    term.type("+380 67 123 4567")
    term.keys("C-s")
    term.wait_for("tel. +380 67 123 4567")
    assert storage.case_detail(corrected.number).phone == "+380671234567"
    # What the SMS loop takes from the outbox (the demo store has texts of its own waiting).
    queued = [s.id for s in storage.case_detail(corrected.number).sms if s.state == "queued"]
    claimed = outbox.claim_due("tmux-test", lease_seconds=60, limit=100)
    assert [(c.phone, c.language) for c in claimed if c.id in queued] == [("+380671234567", "uk")]

    # Log out from the case screen; an administrator reopens the closed case with a reason.
    term.keys("C-l")
    log_in(term, "demo.admin")
    open_case_by_name(term, "Tran", closed.display_number)
    # The footer follows the loaded case a frame after the header: wait for it, not for the header only.
    screen = term.wait_for("Ctrl+Z Wznów sprawę")
    assert "ZAKOŃCZONA" in screen and "F1 Pomoc" in screen  # the whole footer fits at 120 columns
    term.keys("C-z")
    term.wait_for("Wznowienie sprawy")
    term.type("zamknieta przez pomylke")
    term.keys("Enter")
    screen = term.wait_for("Etap: Decyzja wydana")
    assert "ZAKOŃCZONA" not in screen
    detail = storage.case_detail(closed.number)
    assert not detail.closed and detail.audit[-1].action == "case_reopened"
    assert detail.audit[-1].detail["reason"] == "zamknieta przez pomylke"


def test_template_message_in_tmux(desk):
    term = desk
    filing = storage.register_filing(clerk="demo", case_type="temp_work", applicant_name="Oksana Melnyk",
                                     phone="+48 501 234 567", language="uk")  # fmt: skip
    due = (today_in_warsaw() + dt.timedelta(days=10)).isoformat()
    log_in(term, "demo")
    open_case_by_name(term, "Melnyk", filing.display_number)
    # The footer follows a frame after the header; the new key fits it at 120 columns, up to the last.
    screen = term.wait_for("Ctrl+W Wiadomość")
    assert "F1 Pomoc" in screen
    term.keys("C-w")
    term.wait_for("Wiadomość do wnioskodawcy")
    term.keys("Enter")  # the template list opens; typing finds a template
    term.wait_for("Brak potwierdzenia opłaty skarbowej")
    term.type("Brak potw")
    term.keys("Enter")
    term.wait_for("Przeczyta wnioskodawca (ukraiński)")
    term.keys("Tab")  # the template's only blank: the date
    term.type(due)
    screen = term.wait_for(f"{due}; сума")  # the preview, filled as typed (the input has no ";")
    assert "Dokument" not in screen and "Oddział" not in screen  # blanks of other templates stay hidden
    term.keys("C-s")
    screen = term.wait_for("Wiadomość zapisana (SMS w kolejce)")
    assert "Ми не отримали підтвердження" in screen and "SMS w kolejce" in screen and "nieprzeczytana" in screen
    [message] = storage.case_detail(filing.number).messages
    assert (message.template, message.language, message.sms_state) == ("fee_missing", "uk", "queued")
    assert due in message.body
