"""Two portal processes behind one nginx (issue 21): nginx hands one client's consecutive requests
to different processes, and what one process decides about a client – a session, a blocked case
number, a blocked address – holds on the other, because it lives in the database. The address is
the one nginx forwards (X-Forwarded-For: the client's own), never one the client claims."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

import storage
from storage import case_numbers
from storage.accounts import throttle
from storage.models import LoginThrottle
from tests.helpers import register
from tests.portal.conftest import FleetPortal, Portal
from tests.portal.fleet import Answer, Fleet

pytestmark = [
    pytest.mark.fleet,
    pytest.mark.parametrize("store", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True),
]
WRONG = "AAAA-BBBB-CCCC"
BLOCKED = "Zbyt wiele nieudanych prób"


def last_answer(fleet: Fleet, client: FleetPortal) -> Answer:
    """nginx's access-log line for the client's latest request (waiting for nginx to write it)."""
    answers = fleet.answers(client.source, client.client.sent)
    assert len(answers) == client.client.sent, answers
    return answers[-1]


def login_on(fleet: Fleet, client: FleetPortal, upstream: str, number: str, password: str):
    """Log in as the form does, the POST answered by the process `upstream`: nginx takes the two
    processes in turn, so when the form's page came from that process one more page is read first.
    The access log then confirms which process answered the POST."""
    token = client.csrf()
    if last_answer(fleet, client).upstream == upstream:
        client.get("/contact")
    answer = client.post("/login", data={"case_number": number, "password": password, "csrf_token": token})
    where = last_answer(fleet, client)
    assert where.request.startswith("POST /login ") and where.upstream == upstream, where
    return answer


def test_one_clients_consecutive_requests_go_to_both_processes_and_keep_its_session(store, fleet):
    filing = register()
    applicant = Portal(fleet, "203.0.113.20")
    assert isinstance(applicant, FleetPortal)
    logged_in = applicant.login(filing.number, filing.password)
    assert logged_in.status_code == 303
    # Production settings: the cookie is Secure, kept and sent back as a browser on the TLS front would.
    cookie = logged_in.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
    pages = [applicant.get("/status") for _ in range(6)]
    assert [page.status_code for page in pages] == [200] * 6
    assert all(filing.display_number in page.get_data(as_text=True) for page in pages)
    answers = fleet.answers(applicant.source, applicant.client.sent)
    assert len(answers) == 8, answers  # the form, the login, six status pages
    assert {answer.upstream for answer in answers} == set(fleet.upstreams)
    assert all(one.upstream != next_.upstream for one, next_ in itertools.pairwise(answers)), answers
    # Both processes wrote their own log: they are separate portals, each started on its own port.
    for log, port in zip(fleet.portal_logs, fleet.upstream_ports, strict=True):
        assert f"http://127.0.0.1:{port}/" in log.read_text(), log


def test_a_case_number_blocked_for_an_address_on_one_process_is_blocked_on_the_other(store, fleet):
    filing = register()
    first, second = fleet.upstreams
    attacker = Portal(fleet, "198.51.100.40")
    for _ in range(throttle.CASE_POLICY.free_failures):
        assert login_on(fleet, attacker, first, filing.number, WRONG).status_code == 401
    refused = login_on(fleet, attacker, second, filing.number, filing.password)  # even the right password waits
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert BLOCKED in refused.get_data(as_text=True)  # the portal's block page, not nginx's own 429
    # What was counted is the address nginx saw, the attacker's own.
    with storage.unit_of_work():
        keys = {row.key for row in LoginThrottle.select()}
    assert throttle.address_key(attacker.source) in keys, keys
    # Another address has failed nothing: the owner still gets in, on either process.
    owner = Portal(fleet, "203.0.113.41")
    assert login_on(fleet, owner, second, filing.number, filing.password).status_code == 303
    assert owner.get("/status").status_code == 200


def test_an_address_throttled_on_one_process_is_throttled_on_the_other(store, fleet):
    first, second = fleet.upstreams
    guesser = Portal(fleet, "198.51.100.50")
    for serial in range(1, throttle.ADDRESS_POLICY.free_failures + 1):
        number = case_numbers.format_number(case_numbers.compose(2026, 600_000 + serial))
        assert login_on(fleet, guesser, first, number, WRONG).status_code == 401
    filing = register()  # a number the guesser never tried: only the address rule can refuse it
    refused = login_on(fleet, guesser, second, filing.number, filing.password)
    assert refused.status_code == 429 and BLOCKED in refused.get_data(as_text=True)
    elsewhere = Portal(fleet, "203.0.113.51")
    assert login_on(fleet, elsewhere, second, filing.number, filing.password).status_code == 303
    assert login_on(fleet, guesser, first, filing.number, filing.password).status_code == 429


def _age_sessions(**minutes: int) -> None:
    """Move every session's `created_at` / `last_seen_at` back by so many minutes, in the store
    itself: the fleet's processes keep their own clocks, so a session grows old the way it does
    in production, by time passing for the row they both read."""
    from storage.models import PortalSession

    with storage.unit_of_work():
        for row in PortalSession.select():
            for field, back in minutes.items():
                setattr(row, field, getattr(row, field) - dt.timedelta(minutes=back))
            row.save()


def test_the_idle_and_the_absolute_limit_end_a_session_on_both_processes(store, fleet):
    filing = register()
    applicant = Portal(fleet, "203.0.113.60")
    assert applicant.login(filing.number, filing.password).status_code == 303
    _age_sessions(last_seen_at=14)  # 14 idle minutes: still in on either process, and the idle clock restarts
    assert [applicant.get("/status").status_code for _ in range(2)] == [200, 200]
    _age_sessions(last_seen_at=16)
    answers = [applicant.get("/status") for _ in range(2)]
    assert [answer.status_code for answer in answers] == [302, 302]  # the store forgot it: no process lets it in
    assert {a.upstream for a in fleet.answers(applicant.source, applicant.client.sent)[-2:]} == set(fleet.upstreams)

    busy = Portal(fleet, "203.0.113.61")
    assert busy.login(filing.number, filing.password).status_code == 303
    _age_sessions(created_at=119)  # busy all along (last seen now), nearly two hours old
    assert busy.get("/status").status_code == 200
    _age_sessions(created_at=2)
    assert [busy.get("/status").status_code for _ in range(2)] == [302, 302]
