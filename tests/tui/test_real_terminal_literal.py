"""In a real terminal, as issue 17 found it: a visitor books `Jan [/]` on the public form and the
clerk opens Wizyty on that day – the name is shown as typed and the app stays up. And when the app
does crash, the terminal gets one Polish line naming the log; the traceback, with its locals
(other people's names and phones), goes only to that file, readable by its owner alone."""

from __future__ import annotations

import datetime as dt
import re
import stat
from zoneinfo import ZoneInfo

import storage
from public_status.app import create_app
from public_status.settings import PortalSettings
from tests.portal.conftest import SECRET, Portal
from tests.portal.visit_helpers import code_path, confirm, first_time_link, request_code, sms_code
from tests.tui.crashing_desk import VISITOR
from tests.tui.terminal import demo_store, desk_in_tmux, log_in, need_tmux

NAME = "Jan [/]"
WARSAW = ZoneInfo("Europe/Warsaw")


def book_on_the_public_form(name: str) -> dt.date:
    """The applicant's way: the booking pages, the code from the SMS, the confirmation. The day booked."""
    portal = Portal(create_app(PortalSettings(secret_key=SECRET)))
    link = first_time_link(portal)
    path = code_path(request_code(portal, link, name=name, phone="+48 605 321 987"))
    done = confirm(portal, path, sms_code(path.rsplit("/", 1)[1]))
    assert done.status_code == 200
    at = dt.datetime.strptime(re.search(r"at=([0-9T:\-]+Z)", link)[1], "%Y-%m-%dT%H:%MZ")
    return at.replace(tzinfo=dt.UTC).astimezone(WARSAW).date()


def test_a_name_with_markup_booked_online_shows_as_typed_in_wizyty_in_tmux(tmp_path):
    need_tmux()
    db_url = demo_store(tmp_path, cases=2)
    storage.open_database(db_url)
    try:
        day = book_on_the_public_form(NAME)
    finally:
        storage.db.close_database()
    with desk_in_tmux(tmp_path, db_url, (120, 35)) as term:
        log_in(term)
        term.keys("F2")
        term.wait_for("Ctrl+O Odwołaj")
        for _ in range((day - dt.datetime.now(WARSAW).date()).days):
            term.keys("F8")
        screen = term.wait_for(day.strftime("%d.%m.%Y"))
        screen = term.wait_for(NAME)
        assert "Traceback" not in screen and "MarkupError" not in screen
        term.keys("F5")  # still answering keys: the list is read again
        term.wait_for("Ctrl+O Odwołaj")
        assert NAME in term.wait_for(NAME)


def test_a_crash_prints_one_polish_line_and_keeps_the_traceback_in_a_private_log_in_tmux(tmp_path):
    need_tmux()
    db_url = demo_store(tmp_path, cases=2)
    logs = tmp_path / "logs"
    with desk_in_tmux(tmp_path, db_url, (120, 35), f"OKIENKO_LOG_DIR={logs}", module="tests.tui.crashing_desk") as term:
        log_in_until_crash = term.wait_for("logowanie urzędnika")
        assert log_in_until_crash
        term.type("demo")
        term.keys("Enter")
        term.type("okienko-demo-2026")
        term.keys("Enter")
        # Read once the pane is dead, history included: the crash line wraps, and as the pane dies tmux
        # scrolls its first row into the history, where a look at the visible screen missed it (CI).
        lines = term.output_after_exit()
    [log] = list(logs.glob("*.log"))
    joined = "\n".join(lines)
    assert len(lines) == 1 and "nieoczekiwanego błędu" in lines[0], joined
    assert str(log) in lines[0]
    assert "Traceback" not in joined and "Sekretna" not in joined and "RuntimeError" not in joined
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    kept = log.read_text(encoding="utf-8")
    assert "RuntimeError" in kept and "crashing_desk.py" in kept
    assert VISITOR in kept, "the traceback keeps its locals, in the file only"
