"""In chromium at 360 px against the production server: a cookie copied before logout opens
nothing afterwards, and a login that finds every password-check slot taken gets the busy page."""

from __future__ import annotations

import http.client
import os
import re
import threading
import time
import urllib.parse

import pytest

from storage import case_numbers
from tests.helpers import register
from tests.portal.browser import ARTIFACTS, phone_page, serve_portal

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def slow_server(store):
    """The portal with a production-like hash cost for what it hashes itself (the dummy hash of
    unknown numbers), so that a few wrong logins keep every check slot busy for seconds."""
    with serve_portal(store.url, OKIENKO_BCRYPT_COST="14") as port:
        yield port


def _log_in(page, server: str, number: str, password: str):
    page.goto(server + "/")
    page.get_by_label("Numer sprawy").fill(number)
    page.get_by_label("Hasło").fill(password)
    with page.expect_response(lambda r: r.url.endswith("/login")) as answer:
        page.get_by_role("button", name="Zaloguj").click()
    return answer.value


def test_a_cookie_copied_before_logout_opens_nothing_after_it(slow_server, store, module_chromium):
    server = f"http://127.0.0.1:{slow_server}"
    filing = register(missing=["photos"])
    with phone_page(module_chromium, locale="pl-PL") as page, phone_page(module_chromium, locale="pl-PL") as stolen:
        assert _log_in(page, server, filing.display_number, filing.password).status == 303
        page.wait_for_url("**/status")
        assert filing.display_number in page.content()
        copied = [c for c in page.context.cookies() if c["name"] == "okienko_session"]
        assert copied
        stolen.context.add_cookies(copied)
        stolen.goto(server + "/status")
        assert stolen.url == server + "/status" and filing.display_number in stolen.content()
        page.get_by_role("button", name="Wyloguj").click()
        page.wait_for_url(server + "/")
        stolen.goto(server + "/status")
        assert stolen.url == server + "/" and filing.display_number not in stolen.content()
        stolen.screenshot(path=str(ARTIFACTS / "portal-copied-cookie-after-logout.png"), full_page=True)


def _hold_check_slots(port: int, stop: threading.Event, holders: int) -> list[threading.Thread]:
    """Wrong logins at unknown numbers (each a full dummy bcrypt check) from 127.0.0.2, .3, …
    until `stop`: distinct addresses and numbers, so no throttle refuses them first."""

    def hold(i: int) -> None:
        serial = 900_000 + i * 1000
        while not stop.is_set():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(f"127.0.0.{i + 2}", 0))
            conn.request("GET", "/")
            answer = conn.getresponse()
            cookie = (answer.getheader("Set-Cookie") or "").split(";", 1)[0]
            token = CSRF.search(answer.read().decode()).group(1)
            serial += 1
            body = urllib.parse.urlencode({
                "case_number": case_numbers.format_number(case_numbers.compose(2026, serial)),
                "password": "WRONG-PASS-WORD", "csrf_token": token,
            })  # fmt: skip
            headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
            conn.request("POST", "/login", body=body, headers=headers)
            conn.getresponse().read()
            conn.close()

    threads = [threading.Thread(target=hold, args=(i,), daemon=True) for i in range(holders)]
    for t in threads:
        t.start()
    return threads


def test_a_login_that_finds_every_check_slot_taken_gets_the_busy_page(slow_server, store, module_chromium):
    server = f"http://127.0.0.1:{slow_server}"
    filing = register()
    stop = threading.Event()
    holders = _hold_check_slots(slow_server, stop, holders=2 * len(os.sched_getaffinity(0)) + 2)
    try:
        with phone_page(module_chromium, locale="pl-PL") as page:
            busy = None
            deadline = time.monotonic() + 120
            while busy is None and time.monotonic() < deadline:
                answer = _log_in(page, server, filing.display_number, filing.password)
                if answer.status == 503:
                    busy = answer
                else:
                    assert answer.status == 303  # answered, and right, whenever a slot was free
                    page.get_by_role("button", name="Wyloguj").click()
            assert busy is not None, "the holders never kept every slot busy"
            assert int(busy.headers["retry-after"]) > 0 and busy.headers["cache-control"] == "no-store"
            assert "Portal sprawdza teraz wiele logowań naraz" in page.content()
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            page.screenshot(path=str(ARTIFACTS / "portal-busy-pl.png"), full_page=True)
            stop.set()
            for t in holders:
                t.join(timeout=120)
            assert _log_in(page, server, filing.display_number, filing.password).status == 303
    finally:
        stop.set()
