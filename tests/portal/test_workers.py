"""The portal as several processes on one PostgreSQL (issue 21): `serve --workers N` forks N
waitress servers onto one port, and separate portal processes on one store agree on who may do
what, because sessions and throttles live in the database. SQLite stays one process."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from storage import db as storage_db
from storage.accounts import throttle
from tests.helpers import register
from tests.portal.browser import free_port, serve_portal
from tests.portal.conftest import SECRET

ON_POSTGRES = pytest.mark.parametrize("store", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Browser:
    """One applicant's cookies, sent to whichever portal process a request goes to."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url: str) -> tuple[int, str]:
        try:
            with self.opener.open(url, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read().decode()

    def login(self, base: str, number: str, password: str) -> int:
        token = CSRF.search(self.get(base + "/")[1])[1]
        body = urllib.parse.urlencode({"case_number": number, "password": password, "csrf_token": token}).encode()
        try:
            with self.opener.open(base + "/login", data=body, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as refused:
            return refused.code


@ON_POSTGRES
def test_two_portal_processes_share_sessions_and_throttles(store):
    filing = register()
    env = {"OKIENKO_SECRET_KEY": SECRET}
    with serve_portal(store.url, **env) as first_port, serve_portal(store.url, **env) as second_port:
        first, second = f"http://127.0.0.1:{first_port}", f"http://127.0.0.1:{second_port}"
        applicant = Browser()
        assert applicant.login(first, filing.number, filing.password) == 200
        assert applicant.get(second + "/status")[0] == 200  # the session is the store's, not a process's
        # Failed logins spent on one process count on the other: the throttle is in the database.
        stranger = Browser()
        for _ in range(throttle.CASE_POLICY.free_failures):
            assert stranger.login(first, filing.number, "AAAA-BBBB-CCCC") == 401
        assert stranger.login(second, filing.number, filing.password) == 429


@ON_POSTGRES
def test_serve_with_two_workers_answers_on_one_port_from_two_processes(store):
    filing = register()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "public_status", "serve", "--demo", "--port", str(port), "--workers", "2"],
        env={**os.environ, "OKIENKO_DB": store.url}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        banner = proc.stdout.readline()
        assert "2 processes × 8 threads" in banner, banner
        workers = _children(proc.pid, expected=2)
        base = f"http://127.0.0.1:{port}"
        applicant = Browser()
        assert _answering(applicant, base) and applicant.login(base, filing.number, filing.password) == 200
        for _ in range(20):  # new connections, handed by the kernel to either process
            assert applicant.get(base + "/status")[0] == 200
        # A worker that dies is replaced; the port keeps answering.
        os.kill(workers[0], 9)
        assert workers[0] not in _children(proc.pid, expected=2, without=workers[0])
        assert applicant.get(base + "/status")[0] == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "a worker outlived the portal"


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_sqlite_store_refuses_a_second_worker_with_one_line(store):
    done = subprocess.run(
        [sys.executable, "-m", "public_status", "serve", "--demo", "--workers", "2", "--db", store.url],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: --workers 2: a SQLite store serves one portal process; use PostgreSQL for more"
    ]


def _answering(browser: Browser, base: str) -> bool:
    for _ in range(300):  # the listening socket exists before the workers: wait for an answer
        try:
            return browser.get(base + "/")[0] == 200
        except OSError:
            time.sleep(0.1)
    return False


def _children(parent: int, expected: int, without: int | None = None) -> list[int]:
    """The worker processes of `parent` once there are `expected` of them (and none is `without`)."""
    for _ in range(600):
        found = [int(pid) for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
        if len(found) == expected and without not in found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{parent} has children {found}, expected {expected}")


@ON_POSTGRES
def test_more_processes_and_threads_than_the_server_allows_are_refused_with_one_line(store):
    from storage import portal as facade

    facade.open_current(store.url)
    room = facade.connection_room()
    with storage_db.unit_of_work():
        assert room.max_connections == int(storage_db.database.execute_sql("SHOW max_connections").fetchone()[0])
    assert 0 < room.free <= room.max_connections - room.reserved
    done = subprocess.run(
        [sys.executable, "-m", "public_status", "serve", "--demo", "--workers", "64", "--threads", "256",
         "--db", store.url],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: --workers 64 × --threads 256: up to 2048 database connections"), line
    assert f"max_connections {room.max_connections}" in line and "PgBouncer" in line


def test_the_connection_room_counts_the_servers_limit_the_reserve_and_the_users_own():
    from storage.connections import ConnectionRoom, connections_needed

    assert ConnectionRoom(100, 3, 40, None, 10).free == 57
    assert ConnectionRoom(100, 3, 40, 20, 10).free == 10  # the user's CONNECTION LIMIT binds first
    assert ConnectionRoom(100, 3, 99, None, 0).free == 0
    assert connections_needed(2, 8) == 16 and connections_needed(2, 256) == 64  # the pool holds 32 per process
