"""The send loop against the simulated modem: the path that works and every fault, on both databases."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time

import pytest

import storage
from sms_modem.loop import QuietHours, SendLoop
from sms_modem.modem import LinkDown, MaybeSent, ModemLink
from storage.delivery import attention
from storage.delivery import sms_outbox as outbox
from tests.helpers import CLERK, register
from tests.sms.conftest import fast_settings, run_once


def queue_texts(count: int, **kw) -> list:
    filings = []
    for i in range(count):
        filing = register(phone=f"+48 501 000 {i:03d}", language=kw.get("language", ["pl", "en", "ru", "uk"][i % 4]))
        storage.set_stage(filing.number, "formal_check", clerk=CLERK)
        filings.append(filing)
    return filings


def test_a_message_from_the_office_is_announced_without_its_text(store, modem):
    filings = [register(phone=f"+48 501 000 {i:03d}", language=lang) for i, lang in enumerate(["pl", "ru"])]
    for filing in filings:
        storage.write_message(filing.number, clerk=CLERK, text="Prosimy o oryginał umowy najmu.")
    assert run_once(modem.path) == 2
    texts = {s.number: s.text for s in modem.received}
    assert "masz nowa wiadomosc z urzedu" in texts["+48501000000"]
    assert texts["+48501000001"].startswith("PUW Gdansk: новое сообщение")
    assert not any("umowy" in text for text in texts.values())  # never the message itself
    assert states() == {"delivered": 2}
    assert storage.case_detail(filings[0].number).messages[0].sms_state == "delivered"


def states() -> dict[str, int]:
    return {k: v for k, v in outbox.counts().items() if v}


def test_texts_go_out_in_each_language_and_deliveries_are_recorded(store, modem):
    queue_texts(4)
    assert run_once(modem.path) == 4
    assert states() == {"delivered": 4}
    assert sorted(s.number for s in modem.received) == [f"+48501000{i:03d}" for i in range(4)]
    texts = {s.number: s.text for s in modem.received}
    assert texts["+48501000000"].startswith("Pomorski Urzad Wojewodzki (PUW Gdansk)")
    assert texts["+48501000002"].startswith("PUW Gdansk: этап дела")
    assert texts["+48501000003"].startswith("PUW Gdansk: етап справи")


def test_opt_out_after_queueing_cancels_and_sends_nothing(store, modem):
    first, _ = queue_texts(2)
    with storage.unit_of_work():
        from storage.models import Case

        Case.update(sms_opt_out=True).where(Case.number == first.number).execute()  # as if set in between
    run_once(modem.path)
    assert states() == {"cancelled": 1, "delivered": 1}
    assert [s.number for s in modem.received] == ["+48501000001"]


def test_cms_error_is_retried_with_backoff_then_sent(store, modem):
    queue_texts(1)
    modem.faults.cms_error, modem.faults.cms_error_count = 500, 2  # transient: unknown error
    assert run_until_settled(modem.path) == 1
    (row,) = storage.case_detail(_only_case()).sms
    assert row.state == "delivered" and row.attempts == 3 and len(modem.received) == 1


def run_until_settled(port: str, **overrides) -> int:
    """--once sends what is due now; a retry is due a moment later, so run until none is queued."""
    sent = 0
    for _ in range(20):
        sent += run_once(port, **overrides)
        if not outbox.counts()["queued"]:
            break
        time.sleep(0.5)
    return sent


def _only_case() -> str:
    from storage.models import Case

    with storage.unit_of_work():
        return Case.select(Case.number).order_by(Case.id.desc()).first().number


def test_cms_error_until_the_limit_fails_with_the_code_kept(store, modem):
    queue_texts(1)
    modem.faults.cms_error = 332  # network timeout, every time
    run_until_settled(modem.path, max_attempts=3)
    (row,) = storage.case_detail(_only_case()).sms
    assert (row.state, row.attempts, row.error_code) == ("failed", 3, "CMS 332")


def test_permanent_cms_error_fails_at_once(store, modem):
    queue_texts(1)
    modem.faults.cms_error = 1  # unassigned number
    run_once(modem.path)
    (row,) = storage.case_detail(_only_case()).sms
    assert (row.state, row.attempts, row.error_code) == ("failed", 1, "CMS 1")
    assert modem.received == []


def test_silence_after_the_text_is_maybe_sent_and_never_resent(store, modem):
    queue_texts(2)
    modem.faults.silent_after_body = 1
    run_once(modem.path)
    run_once(modem.path)  # a second run must not resend it
    assert states() == {"unknown": 1, "delivered": 1}
    assert len(modem.received) == 2  # the maybe-sent one really went out once, the next one after reconnecting
    (problem,) = attention.problems()
    assert problem.state == "unknown" and problem.error_code == "timeout_after_body"


def test_no_prompt_gives_the_row_back_untouched(store, modem):
    queue_texts(1)
    modem.faults.silent_prompt = True
    loop = SendLoop(fast_settings(modem.path))
    runner = threading.Thread(target=loop.run)
    runner.start()
    time.sleep(2.5)  # a few prompts go unanswered, each releasing the row and reconnecting
    modem.faults.silent_prompt = False
    deadline = time.monotonic() + 30  # a loaded machine may need longer to reconnect
    while outbox.counts()["delivered"] < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    loop.stop.set()
    runner.join(timeout=10)
    (row,) = storage.case_detail(_only_case()).sms
    assert row.state == "delivered" and row.attempts == 1  # released attempts are not counted
    assert len(modem.received) == 1


# The library's reader thread dies on the byte: that is the weak spot this test provokes.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_non_utf8_noise_kills_the_library_reader_and_is_detected(store, modem):
    queue_texts(3)
    link = ModemLink(modem.path, prompt_timeout=1, body_timeout=1, network_timeout=5)
    link.open()
    modem.faults.noise_before_answer = True
    with pytest.raises(MaybeSent):  # the dead reader never reads the modem's answer
        link.send("+48501999000", "one")
    # The library's reader thread died on the byte, yet the library still says it is alive.
    assert link._modem.alive and not link._modem.rxThread.is_alive()
    assert not link.healthy()
    loop = SendLoop(fast_settings(modem.path), link=link)
    assert loop.run(once=True) == 3  # reconnected, nothing lost
    assert states() == {"delivered": 3}
    assert len([s for s in modem.received if s.number.startswith("+48501000")]) == 3
    assert [s.number for s in modem.received].count("+48501999000") == 1


def test_a_port_closed_under_a_write_is_a_lost_link_not_a_dead_loop(store, modem):
    """When the modem vanishes, the library's reader thread closes the port while the loop writes.
    pyserial, caught half-way through its close(), then fails with a TypeError (seen in CI). The
    test leaves the real port in that half-closed state: the abort pipe gone, the descriptor kept."""
    queue_texts(3)
    link = ModemLink(modem.path, prompt_timeout=1, body_timeout=1, network_timeout=5)
    link.open()
    port = link._modem.serial
    os.close(port.pipe_abort_write_r)
    port.pipe_abort_write_r = None
    with pytest.raises(LinkDown):
        link.send("+48501999000", "one")
    assert SendLoop(fast_settings(modem.path), link=link).run(once=True) == 3  # reconnected, nothing lost
    assert states() == {"delivered": 3}


def test_a_setup_answer_out_of_step_is_a_lost_link_and_the_loop_connects_again(store, modem):
    """A modem that answers the power-state query without its +CFUN line (seen in CI when the answer
    of the half-closed port before arrived late) made the library's connect() fail with a TypeError,
    which ended the loop; it is a link not yet up, tried again."""
    queue_texts(2)
    modem.faults.bare_cfun_answers = 1
    link = ModemLink(modem.path, prompt_timeout=1, body_timeout=1, network_timeout=5)
    with pytest.raises(LinkDown, match="cannot use the modem"):
        link.open()
    modem.faults.bare_cfun_answers = 1
    assert SendLoop(fast_settings(modem.path), link=link).run(once=True) == 2
    assert states() == {"delivered": 2}


def test_modem_unplugged_mid_run_reconnects_and_loses_nothing(store, modem):
    queue_texts(6)
    modem.faults.late_answer_s = 0.2
    loop = SendLoop(fast_settings(modem.path))
    runner = threading.Thread(target=loop.run)
    runner.start()
    deadline = time.monotonic() + 20
    while len(modem.received) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    modem.unplug()
    time.sleep(1.0)
    modem.faults.late_answer_s = 0
    modem.plug_in()
    # Done when every text is out of the queue and at the modem (a report lost with the cable may
    # leave one "sent"): waiting for six reports ran to the deadline whenever one was lost.
    settled = {"delivered", "sent", "unknown"}
    while time.monotonic() < deadline + 20:
        now = states()
        if sum(now.values()) == 6 and set(now) <= settled and len({s.number for s in modem.received}) == 6:
            break
        time.sleep(0.1)
    loop.stop.set()
    runner.join(timeout=10)
    final = states()
    assert sum(final.values()) == 6 and set(final) <= {"delivered", "sent", "unknown"}
    numbers = [s.number for s in modem.received]
    assert set(numbers) == {f"+48501000{i:03d}" for i in range(6)}
    assert len(numbers) == len(set(numbers))  # nothing twice


def test_split_status_report_is_not_lost(store, modem):
    queue_texts(2)
    modem.faults.separate_report_lines = True
    modem.faults.report_gap_s = 0.3  # apart even on a loaded machine
    run_once(modem.path)
    assert states() == {"delivered": 2}


def test_the_plain_library_loses_a_split_status_report(modem):
    """What the wrapper mends, measured against the library itself."""
    from gsmmodem.modem import GsmModem

    reports = []
    plain = GsmModem(modem.path, AT_CNMI="2,1,0,1,0", smsStatusReportCallback=reports.append)
    plain.connect()
    modem.faults.separate_report_lines = True
    # On a loaded machine a 50 ms gap can close before the library's reader runs, and then it
    # reads both halves at once; 0.3 s keeps them apart, as a slow modem does.
    modem.faults.report_gap_s = 0.3
    plain.sendSms("+48501234567", "test")
    time.sleep(1.2)
    plain.close()
    assert reports == []


def test_failed_delivery_report_marks_the_text_failed(store, modem):
    queue_texts(1)
    modem.faults.delivery_fails = True
    run_once(modem.path)
    (row,) = storage.case_detail(_only_case()).sms
    assert row.state == "failed" and row.error_code == "delivery:64"


def test_quiet_hours_keep_texts_for_the_morning(store, modem):
    queue_texts(1)
    now = dt.datetime.now(storage.clock.WARSAW)
    around_now = QuietHours((now - dt.timedelta(hours=1)).time(), (now + dt.timedelta(hours=1)).time())
    assert run_once(modem.path, quiet=around_now) == 0
    assert states() == {"queued": 1} and modem.received == []
    assert QuietHours.parse("off") is None
    with pytest.raises(ValueError, match="20:00-08:00"):
        QuietHours.parse("late")


@pytest.mark.parametrize("store", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_two_loops_on_one_postgresql_store_never_send_a_row_twice(store, modem, tmp_path):
    from sms_modem.simulator import SimulatedModem

    second_modem = SimulatedModem(directory=str(tmp_path / "modem2")).start()
    try:
        queue_texts(40)
        loops = [SendLoop(fast_settings(m.path, owner=f"loop-{i}")) for i, m in enumerate((modem, second_modem))]
        threads = [threading.Thread(target=loop.run, kwargs={"once": True}) for loop in loops]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        numbers = [s.number for s in modem.received + second_modem.received]
        assert len(numbers) == 40 and len(set(numbers)) == 40
        assert modem.received and second_modem.received  # both loops did work
        assert states() == {"delivered": 40}
    finally:
        second_modem.stop()
