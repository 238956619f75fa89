"""Failed logins, throttling before bcrypt, CSRF, and the life of an applicant's session."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

import storage
import storage.accounts.throttle
import storage.cases.public
from public_status.app import create_app
from public_status.settings import PortalSettings
from storage import case_numbers
from storage.accounts import passwords
from storage.clock import frozen, utcnow
from tests.helpers import CLERK, at_once, register
from tests.portal.conftest import SECRET, Portal

GENERIC = "Numer sprawy lub hasło są nieprawidłowe."


@pytest.fixture
def bcrypt_calls(monkeypatch):
    """Count real password checks, to prove which paths reach bcrypt."""
    calls = []
    original = passwords.check_password

    def counting(plain, hashed):
        calls.append(hashed)
        return original(plain, hashed)

    monkeypatch.setattr(passwords, "check_password", counting)
    return calls


def _message(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.in_process_portal("counts the password checks made in this process")
def test_wrong_password_and_unknown_number_look_the_same_and_both_cost_bcrypt(portal, store, bcrypt_calls):
    filing = register()
    unknown = case_numbers.format_number(case_numbers.compose(2026, 999_999))
    wrong = portal.login(filing.number, "AAAA-BBBB-CCCC")
    ghost = portal.login(unknown, filing.password)
    assert wrong.status_code == ghost.status_code == 401
    assert GENERIC in _message(wrong) and GENERIC in _message(ghost)
    assert len(bcrypt_calls) == 2  # the unknown number was checked against the dummy hash


@pytest.mark.in_process_portal("takes the database away from the app in this process and counts its password checks")
def test_mistyped_number_is_answered_without_the_database(portal, store, bcrypt_calls):
    filing = register()
    typo = filing.number[:-1] + str((int(filing.number[-1]) + 1) % 10)
    token = portal.csrf()
    storage.open_database("postgresql://nobody@127.0.0.1:1/unreachable")
    try:
        response = portal.post("/login", data={"case_number": typo, "password": "X", "csrf_token": token})
    finally:
        storage.open_database(store.url)
    assert response.status_code == 400 and "Sprawdź numer sprawy" in _message(response)
    assert bcrypt_calls == []


def test_empty_fields_name_the_field(portal):
    response = portal.post("/login", data={"case_number": "", "password": "", "csrf_token": portal.csrf()})
    assert response.status_code == 400
    assert "Wpisz numer sprawy." in _message(response) and "Wpisz hasło." in _message(response)


def test_login_and_logout_need_the_csrf_token(portal, store):
    filing = register()
    assert portal.post("/login", data={"case_number": filing.number, "password": filing.password}).status_code == 400
    assert portal.login(filing.number, filing.password).status_code == 303
    assert portal.post("/logout").status_code == 400
    assert portal.get("/status").status_code == 200  # still logged in
    assert portal.logout().status_code == 303
    assert portal.get("/status").status_code == 302


@pytest.mark.in_process_portal(
    "counts the password checks made in this process (the block shared by processes: tests/portal/test_fleet.py)"
)
def test_case_number_throttle_is_checked_before_bcrypt_and_shared_by_processes(portal, store, bcrypt_calls):
    filing = register()
    for _ in range(storage.accounts.throttle.CASE_POLICY.free_failures):
        assert portal.login(filing.number, "AAAA-BBBB-CCCC").status_code == 401
    checks_so_far = len(bcrypt_calls)
    blocked = portal.login(filing.number, filing.password)  # even the right password waits
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "Zbyt wiele nieudanych prób" in _message(blocked)
    assert len(bcrypt_calls) == checks_so_far  # refused before any hashing
    # another web process (a second app on the same database) sees the same block
    other = Portal(create_app(PortalSettings(secret_key=SECRET)), address=portal.address)
    assert other.login(filing.number, filing.password).status_code == 429


def test_case_number_lock_is_short_so_the_applicant_gets_back_in(store):
    policy = storage.accounts.throttle.CASE_POLICY
    assert policy.delay(policy.free_failures) > 0
    assert max(policy.delay(n) for n in range(100)) == 300  # never more than 5 minutes
    filing = register()
    keys = {storage.accounts.throttle.case_key(filing.number): policy}
    for _ in range(50):
        storage.accounts.throttle.record_failure(keys)
    with storage.unit_of_work():
        assert storage.accounts.throttle.seconds_to_wait(list(keys)) <= 301


def test_address_throttle_stops_guessing_across_many_numbers(portal, store):
    for serial in range(1, storage.accounts.throttle.ADDRESS_POLICY.free_failures + 1):
        number = case_numbers.format_number(case_numbers.compose(2026, 500_000 + serial))
        assert portal.login(number, "AAAA-BBBB-CCCC").status_code == 401
    filing = register()
    assert portal.login(filing.number, filing.password).status_code == 429
    elsewhere = Portal(portal.app, address="198.51.100.10")
    assert elsewhere.login(filing.number, filing.password).status_code == 303


def test_success_clears_the_case_count(portal, store):
    filing = register()
    for _ in range(storage.accounts.throttle.CASE_POLICY.free_failures - 1):
        portal.login(filing.number, "AAAA-BBBB-CCCC")
    assert portal.login(filing.number, filing.password).status_code == 303
    portal.logout()
    for _ in range(storage.accounts.throttle.CASE_POLICY.free_failures - 1):
        portal.login(filing.number, "AAAA-BBBB-CCCC")
    assert portal.login(filing.number, filing.password).status_code == 303


@pytest.mark.in_process_portal("plants a value in the signed session cookie with the app (session_transaction)")
def test_login_starts_a_new_session_with_safe_cookie_flags(portal, store):
    filing = register()
    portal.get("/")
    with portal.client.session_transaction(base_url="https://portal.test") as before:
        before["planted"] = "by an attacker"
    response = portal.login(filing.number, filing.password)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with portal.client.session_transaction(base_url="https://portal.test") as after:
        assert "planted" not in after and len(after["sid"]) >= 32


def test_reissued_password_ends_open_sessions(portal, store):
    filing = register()
    portal.login(filing.number, filing.password)
    assert portal.get("/status").status_code == 200
    new_password = storage.reissue_password(filing.number, clerk=CLERK)
    response = portal.get("/status")
    assert response.status_code == 302
    assert "hasło zostało zmienione" in portal.get("/").get_data(as_text=True)
    assert portal.login(filing.number, filing.password).status_code == 401
    assert portal.login(filing.number, new_password).status_code == 303


def test_serve_refuses_to_start_without_a_secret_key(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OKIENKO_SECRET_KEY"}
    env["OKIENKO_DB"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    result = subprocess.run([sys.executable, "-m", "public_status", "serve", "--port", "1"], env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2 and "OKIENKO_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_parallel_wrong_logins_cannot_overrun_the_case_number_throttle(store, bcrypt_calls, monkeypatch):
    monkeypatch.setattr(
        storage.cases.public, "CHECK_SLOTS", storage.cases.public.CheckSlots(16)
    )  # only the throttle limits
    filing = register()
    bcrypt_calls.clear()
    outcomes = at_once(16, lambda i: storage.applicant_login(filing.number, "AAAA-BBBB-CCCC", "203.0.113.50"))
    assert all(isinstance(o, storage.ApplicantLoginFailed | storage.LoginThrottled) for o in outcomes), outcomes
    assert len(bcrypt_calls) == storage.accounts.throttle.CASE_POLICY.free_failures
    assert sum(isinstance(o, storage.ApplicantLoginFailed) for o in outcomes) == len(bcrypt_calls)


def test_a_stranger_renewing_the_block_never_keeps_the_owner_out(store, bcrypt_calls):
    """One wrong attempt each time the block ends keeps the number blocked for the stranger,
    but the owner, from an address that has not been failing, still gets in."""
    filing = register()
    stranger, owner = "198.51.100.66", "203.0.113.77"
    start = utcnow()
    now = start
    for _ in range(12):  # about an hour of renewing the block
        with frozen(now):
            wait = 0
            try:
                storage.applicant_login(filing.number, "AAAA-BBBB-CCCC", stranger)
            except storage.ApplicantLoginFailed:
                pass
            except storage.LoginThrottled as exc:
                wait = exc.retry_after
            with storage.unit_of_work():
                blocked = storage.accounts.throttle.seconds_to_wait([storage.accounts.throttle.case_key(filing.number)])
        now += dt.timedelta(seconds=max(wait, blocked, 1))
    inside_block = now - dt.timedelta(seconds=5)
    with frozen(inside_block), pytest.raises(storage.LoginThrottled):
        storage.applicant_login(filing.number, "AAAA-BBBB-CCCC", stranger)  # the stranger is held off
    with frozen(inside_block):
        with storage.unit_of_work():
            assert storage.accounts.throttle.seconds_to_wait([storage.accounts.throttle.case_key(filing.number)]) > 0
        with pytest.raises(storage.ApplicantLoginFailed):
            storage.applicant_login(filing.number, "AAAA-BBBB-CCCX", owner)  # a typo by the owner is checked
        assert storage.applicant_login(filing.number, filing.password, owner).number == filing.number


def test_an_empty_password_costs_the_same_for_known_and_unknown_numbers(store, bcrypt_calls, monkeypatch):
    monkeypatch.setenv("OKIENKO_BCRYPT_COST", "10")  # a check long enough to see next to a query
    filing = register()
    unknown = case_numbers.format_number(case_numbers.compose(2026, 999_998))
    bcrypt_calls.clear()

    def timed(number: str, typed: str) -> float:
        started = time.perf_counter()
        with pytest.raises(storage.ApplicantLoginFailed):
            storage.check_applicant(number, typed)
        return time.perf_counter() - started

    one_check = min(timed(unknown, "WRONG-PASS-WORD") for _ in range(3))
    bcrypt_calls.clear()
    for typed in ("-", "  ", " - - "):
        known = min(timed(filing.number, typed) for _ in range(3))
        ghost = min(timed(unknown, typed) for _ in range(3))
        assert abs(known - ghost) < one_check / 4, (typed, known, ghost, one_check)
    assert bcrypt_calls == []  # refused before any lookup or hash


@pytest.mark.in_process_portal("narrows the check slots and watches them in this process")
def test_excess_logins_are_answered_busy_at_once_and_status_pages_do_not_wait(portal_app, store, monkeypatch):
    monkeypatch.setattr(storage.cases.public, "CHECK_SLOTS", storage.cases.public.CheckSlots(1))
    applicant = register()
    reader = Portal(portal_app, address="203.0.113.90")
    assert reader.login(applicant.number, applicant.password).status_code == 303
    monkeypatch.setenv("OKIENKO_BCRYPT_COST", "15")  # about two seconds of one core per check
    slow = register()
    holder = Portal(portal_app, address="203.0.113.91")
    token = holder.csrf()
    held: list = []
    thread = threading.Thread(
        target=lambda: held.append(
            holder.post("/login", data={"case_number": slow.number, "password": "WRONG-PASS-WORD", "csrf_token": token})
        )
    )
    thread.start()
    deadline = time.monotonic() + 30
    while storage.cases.public.CHECK_SLOTS.in_use == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert storage.cases.public.CHECK_SLOTS.in_use == 1
    # An address with a recent failure: the slot kept for clean addresses is not for it.
    storage.accounts.throttle.record_failure(
        {storage.accounts.throttle.address_key("203.0.113.92"): storage.accounts.throttle.ADDRESS_POLICY}
    )
    other = Portal(portal_app, address="203.0.113.92")
    busy = other.login(applicant.number, applicant.password)
    status = reader.get("/status")
    still_checking = thread.is_alive()
    thread.join(timeout=60)
    assert still_checking, "the held check ended before the other requests were answered"
    assert busy.status_code == 503 and int(busy.headers["Retry-After"]) > 0
    assert busy.headers["Cache-Control"] == "no-store"
    assert "Spróbuj ponownie za chwilę" in busy.get_data(as_text=True)
    assert status.status_code == 200 and applicant.display_number in status.get_data(as_text=True)
    assert held[0].status_code == 401
    assert storage.cases.public.CHECK_SLOTS.in_use == 0
    assert other.login(applicant.number, applicant.password).status_code == 303  # the slot came back
