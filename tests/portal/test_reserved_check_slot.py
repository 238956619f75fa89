"""The password-check slot kept for clean addresses: real threads holding real bcrypt checks, on
both databases. "Clean" is an address with no recent failure that was not answered "busy" lately.

A check against the "held" case finishes its real bcrypt work and then keeps its slot until the test
lets it go: the test looks at what else gets in while the slots are taken, on a quiet machine or a
busy one, without burning seconds of a core per check (a high bcrypt cost did that before, and
slowed every test running beside it)."""

from __future__ import annotations

import threading
import time

import pytest

import storage
import storage.cases.public
from storage import db as storage_db
from storage.accounts import passwords, throttle
from tests.helpers import register

WRONG = "AAAA-BBBB-CCCC"
HOLD_LIMIT_S = 120  # a held check gives up waiting for the test after this long, so a failed test ends


@pytest.fixture(autouse=True)
def fresh_busy_memory(monkeypatch):
    """The process remembers whom it answered "busy"; each test (and each database) starts afresh."""
    monkeypatch.setattr(storage.cases.public, "BUSY", storage.cases.public.BusyMemory())


@pytest.fixture
def checks(monkeypatch):
    """Every real bcrypt check, with how many ran at once and how many slots were taken when it began.
    A check against a hash in `held` keeps running (its slot taken) until `release` is set."""
    seen: dict = {"calls": [], "running": 0, "peak": 0, "held": set(), "release": threading.Event()}
    lock = threading.Lock()
    original = passwords.check_password

    def observed(plain, hashed):
        with lock:
            seen["running"] += 1
            seen["peak"] = max(seen["peak"], seen["running"])
            seen["calls"].append((hashed, storage.cases.public.CHECK_SLOTS.in_use))
        try:
            matched = original(plain, hashed)
            if hashed in seen["held"]:
                seen["release"].wait(HOLD_LIMIT_S)
            return matched
        finally:
            with lock:
                seen["running"] -= 1

    monkeypatch.setattr(passwords, "check_password", observed)
    yield seen
    seen["release"].set()  # a test that failed half-way leaves no check waiting


@pytest.fixture
def slow_case(checks):
    """A case whose password checks stay in their slot until the test sets `checks["release"]`."""
    filing = register(phone=None)
    with storage.unit_of_work():
        checks["held"].add(storage.models.Case.get(storage.models.Case.number == filing.number).password_hash)
    return filing


def _fail_once(address: str) -> None:
    """A wrong password from this address a moment ago: it is no longer clean."""
    throttle.record_failure({throttle.address_key(address): throttle.ADDRESS_POLICY})


def _failures(address: str) -> int:
    with storage.unit_of_work():
        row = storage.models.LoginThrottle.get_or_none(key=throttle.address_key(address))
    return row.failures if row else 0


def _in_thread(attempt) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(attempt())
        except Exception as exc:  # the outcome is what the test looks at
            outcome.append(exc)
        finally:
            if not storage_db.database.is_closed():
                storage_db.database.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _hold_ordinary_slots(slow_case, addresses: list[str], checks: dict) -> list[tuple[threading.Thread, list]]:
    """Failing addresses each start a slow wrong-password check; returns once all are hashing."""
    held = [_in_thread(lambda a=a: storage.applicant_login(slow_case.number, WRONG, a)) for a in addresses]
    deadline = time.monotonic() + 60
    while len(checks["calls"]) < len(addresses) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert storage.cases.public.CHECK_SLOTS.in_use == len(checks["calls"]) == len(addresses), (
        "the holders are not hashing"
    )
    return held


def _hold_slot(slots, clean: bool, release: threading.Event) -> threading.Thread:
    """A thread that takes one slot (as a clean caller or not) and keeps it until `release`."""
    before = slots.in_use

    def hold() -> None:
        with slots.slot(clean):
            release.wait(60)

    thread = threading.Thread(target=hold)
    thread.start()
    deadline = time.monotonic() + 30
    while slots.in_use == before and time.monotonic() < deadline:
        time.sleep(0.005)
    assert slots.in_use == before + 1
    return thread


def _still_checking_then_failed(held, checks: dict) -> None:
    still = [thread.is_alive() for thread, _ in held]
    checks["release"].set()
    for thread, _ in held:
        thread.join(timeout=120)
    assert all(still), "a held check ended before the test let it go"
    assert all(isinstance(outcome[0], storage.ApplicantLoginFailed) for _, outcome in held), held


def test_a_clean_address_is_checked_while_failing_addresses_hold_every_ordinary_slot(
    store, slow_case, checks, monkeypatch
):
    monkeypatch.setattr(storage.cases.public, "CHECK_SLOTS", storage.cases.public.CheckSlots(2))
    applicant = register()
    attackers = ["198.51.100.21", "198.51.100.22"]
    for address in attackers:
        _fail_once(address)
    held = _hold_ordinary_slots(slow_case, attackers, checks)

    view = storage.applicant_login(applicant.number, applicant.password, "203.0.113.121")

    assert view.number == applicant.number
    # Checked with bcrypt (not answered busy), in a third slot beside the two held ones.
    assert len(checks["calls"]) == 3
    (slow_hash, _), _, (applicant_hash, slots_taken) = checks["calls"]
    assert applicant_hash != slow_hash and slots_taken == 3
    _still_checking_then_failed(held, checks)
    assert storage.cases.public.CHECK_SLOTS.in_use == 0
    assert _failures("203.0.113.121") == 0  # its reservation was given back


def test_a_failing_address_never_gets_the_reserved_slot(store, slow_case, checks, monkeypatch):
    monkeypatch.setattr(storage.cases.public, "CHECK_SLOTS", storage.cases.public.CheckSlots(1))
    applicant = register()
    _fail_once("198.51.100.31")
    held = _hold_ordinary_slots(slow_case, ["198.51.100.31"], checks)

    # An address that failed a while ago is refused at once, even with the right password:
    # no check, nothing counted.
    _fail_once("198.51.100.32")
    with pytest.raises(storage.LoginBusy):
        storage.applicant_login(applicant.number, applicant.password, "198.51.100.32")
    assert _failures("198.51.100.32") == 1
    # A fresh address is clean until its first wrong password, which the reserved slot checks...
    with pytest.raises(storage.ApplicantLoginFailed):
        storage.applicant_login(applicant.number, WRONG, "198.51.100.33")
    # ...and from then on it is a failing address like the others.
    with pytest.raises(storage.LoginBusy):
        storage.applicant_login(applicant.number, applicant.password, "198.51.100.33")
    assert len(checks["calls"]) == 2  # the holder's and the fresh address's first attempt
    # The reservation itself refuses an address that failed since the plain read: under its lock,
    # it counts nothing for a caller in the reserved slot unless the address is still clean.
    case_key, address_key = throttle.case_key(applicant.number), throttle.address_key("198.51.100.33")
    verdict = throttle.reserve_attempt(case_key, address_key, only_if_clean=True)
    assert verdict == throttle.Verdict(wait=0, clean=False) and _failures("198.51.100.33") == 1
    _still_checking_then_failed(held, checks)


def test_checks_at_once_stay_bounded_by_the_cores_plus_the_reserved_slot(store, slow_case, checks, monkeypatch):
    """Eight fresh addresses at once (all clean): two ordinary slots and the reserved one, no more;
    the rest are answered busy at once. And two parallel attempts from one fresh address get one
    check between them, whichever slot they find."""
    monkeypatch.setattr(storage.cases.public, "CHECK_SLOTS", storage.cases.public.CheckSlots(2))
    barrier = threading.Barrier(8)

    def attempt(i: int):
        barrier.wait()
        return storage.applicant_login(slow_case.number, WRONG, f"203.0.113.{140 + i}")

    started = [_in_thread(lambda i=i: attempt(i)) for i in range(8)]
    deadline = time.monotonic() + 60  # the five without a slot are answered at once; three are hashing
    while (sum(bool(outcome) for _, outcome in started) < 5 or checks["running"] < 3) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert checks["running"] == 3 and sum(bool(outcome) for _, outcome in started) == 5, checks
    checks["release"].set()
    for thread, _ in started:
        thread.join(timeout=120)
    outcomes = [outcome[0] for _, outcome in started]
    assert sum(isinstance(o, storage.ApplicantLoginFailed) for o in outcomes) == 3, outcomes
    assert sum(isinstance(o, storage.LoginBusy) for o in outcomes) == 5, outcomes
    assert checks["peak"] == 3 and len(checks["calls"]) == 3
    assert storage.cases.public.CHECK_SLOTS.in_use == 0

    # Two reserved slots, the ordinary one taken: twin attempts from one fresh address both look
    # clean, but the first reservation makes the address unclean, so the second gets no check.
    checks["calls"].clear()
    slots = storage.cases.public.CheckSlots(1, reserved=2)
    monkeypatch.setattr(storage.cases.public, "CHECK_SLOTS", slots)
    release = threading.Event()
    holder = _hold_slot(slots, False, release)
    twins = threading.Barrier(2)

    def twin():
        twins.wait()
        return storage.applicant_login(slow_case.number, WRONG, "203.0.113.160")

    pair = [_in_thread(twin) for _ in range(2)]
    for thread, _ in pair:
        thread.join(timeout=120)
    release.set()
    holder.join(timeout=30)
    outcomes = sorted(type(outcome[0]).__name__ for _, outcome in pair)
    assert outcomes == ["ApplicantLoginFailed", "LoginBusy"] and len(checks["calls"]) == 1
    assert _failures("203.0.113.160") == 1


def test_an_address_answered_busy_loses_the_reserved_slot_for_a_while(store, monkeypatch):
    slots = storage.cases.public.CheckSlots(1)
    monkeypatch.setattr(storage.cases.public, "CHECK_SLOTS", slots)
    applicant = register()
    release = threading.Event()
    holders = [_hold_slot(slots, clean, release) for clean in (False, True)]  # the ordinary, then the reserved
    assert slots.in_use == 2 and slots.reserved_in_use == 1
    try:
        with pytest.raises(storage.LoginBusy):
            storage.applicant_login(applicant.number, applicant.password, "203.0.113.170")
    finally:
        release.set()
        for holder in holders:
            holder.join(timeout=30)
    # The ordinary slot is held again; the reserved one is free, but not for an address answered
    # "busy" a moment ago (it may be one of a flood's); a fresh address still gets it.
    release.clear()
    holder = _hold_slot(slots, False, release)
    try:
        with pytest.raises(storage.LoginBusy):
            storage.applicant_login(applicant.number, applicant.password, "203.0.113.170")
        assert storage.applicant_login(applicant.number, applicant.password, "203.0.113.171").number
    finally:
        release.set()
        holder.join(timeout=30)
    assert _failures("203.0.113.170") == 0  # busy answers are not failures


def test_busy_memory_forgets_after_a_quiet_window_and_stays_bounded():
    memory = storage.cases.public.BusyMemory(allowed=1, window_s=0.5, capacity=3)
    assert not memory.looping("a")
    memory.note("a")
    assert memory.looping("a")
    time.sleep(0.3)
    memory.note("a")  # came back before the window ended: the wait starts again
    time.sleep(0.3)
    assert memory.looping("a")
    time.sleep(0.3)
    assert not memory.looping("a")
    for address in ("b", "c", "d", "e"):
        memory.note(address)
    assert not memory.looping("b") and memory.looping("e")  # the least recently refused was forgotten
