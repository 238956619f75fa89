"""Applicant login attempts (and visit-booking counters, storage.visits.limits), counted in the database
so every web process and machine sees them.

Two keys per attempt: the case number and the client address. Each has free failures,
then a wait that doubles per further failure up to a cap. The case-number cap is short
(5 minutes); the address cap is long (1 hour) because one address guessing at many
numbers is the attack this is for. A key is forgotten a day after its last failure.

An attempt is reserved (counted as a failure) in one locked transaction *before* its
password is checked, so parallel attempts cannot all slip past the count; a success gives
the reservation back (case key cleared, address count lowered by one).

The owner always has a way in: while a case number is blocked, an address with fewer than
`CLEAN_ADDRESS_BUDGET` failures in the last day may still try it. A stranger who keeps the
number blocked has spent that budget on it after two attempts; the applicant, typing from
their own address, has not.

The same per-address rows say which addresses are *clean*: no failure in the last
`CLEAN_AFTER`. storage.cases.public keeps a password-check slot for clean addresses only, so a
flood from addresses that have been failing cannot take every check from the applicant who
types once. The reservation re-reads this under its lock, so the answer is exact.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from storage.clock import utcnow
from storage.db import locked, write_transaction
from storage.models import LoginThrottle


@dataclasses.dataclass(frozen=True)
class Policy:
    free_failures: int
    base_delay_s: int
    max_delay_s: int

    def delay(self, failures: int) -> int:
        if failures < self.free_failures:
            return 0
        return min(self.max_delay_s, self.base_delay_s * 2 ** (failures - self.free_failures))


CASE_POLICY = Policy(free_failures=5, base_delay_s=15, max_delay_s=300)
ADDRESS_POLICY = Policy(free_failures=20, base_delay_s=60, max_delay_s=3600)
FORGET_AFTER = dt.timedelta(hours=24)
# Attempts an address may make at a blocked case number while it has fewer failures than this.
CLEAN_ADDRESS_BUDGET = 2
# An address with no failure for this long is clean again. An hour is the address block's cap:
# an attacker who waits it out at each address wins one check an hour per address, nothing to
# speak of, while an applicant who mistyped in the morning has the clean slot again by noon.
CLEAN_AFTER = dt.timedelta(hours=1)


@dataclasses.dataclass(frozen=True)
class Verdict:
    """`wait`: seconds before the caller may try (0: go ahead). `clean`: the address had no
    failure in the last `CLEAN_AFTER` before this attempt."""

    wait: int
    clean: bool


def case_key(canonical_number: str) -> str:
    return f"case:{canonical_number}"


def address_key(address: str) -> str:
    return f"addr:{address}"[:120]


def seconds_to_wait(keys: list[str], now: dt.datetime | None = None) -> int:
    """How long the caller must wait before any of `keys` may try again (0: go ahead)."""
    now = now or utcnow()
    wait = 0
    for row in LoginThrottle.select().where(LoginThrottle.key.in_(keys)):
        if row.blocked_until and row.blocked_until > now:
            wait = max(wait, _seconds(row.blocked_until - now))
    return wait


def reserve_attempt(case: str, address: str, now: dt.datetime | None = None, only_if_clean: bool = False) -> Verdict:
    """Count one attempt against the case key and the address key before its password is checked.

    The attempt is counted when the verdict's `wait` is 0 – unless `only_if_clean` is set and
    the address is not clean (then nothing is counted: the caller holds the slot kept for clean
    addresses and must give it up). Both rows are locked in one transaction, always in the same
    order, so parallel attempts take turns; a counted attempt makes its address unclean at once,
    so two parallel attempts from one fresh address cannot both pass as clean."""
    now = now or utcnow()
    with write_transaction():
        case_row, address_row = _locked_row(case, now), _locked_row(address, now)
        verdict = _verdict(case_row, address_row, now)
        if verdict.wait or (only_if_clean and not verdict.clean):
            return verdict
        _count(case, case_row, _current(case_row, now) + 1, CASE_POLICY, now)
        _count(address, address_row, _current(address_row, now) + 1, ADDRESS_POLICY, now)
        return verdict


def peek(case: str, address: str, now: dt.datetime | None = None) -> Verdict:
    """What `reserve_attempt` would answer, from a plain read: lets a blocked caller be
    answered without a write, and chooses the check slot. Only the reservation is authoritative."""
    now = now or utcnow()
    rows = {row.key: row for row in LoginThrottle.select().where(LoginThrottle.key.in_([case, address]))}
    return _verdict(rows.get(case), rows.get(address), now)


def _verdict(case_row: LoginThrottle | None, address_row: LoginThrottle | None, now: dt.datetime) -> Verdict:
    return Verdict(_wait(case_row, address_row, now), _clean(address_row, now))


def _clean(row: LoginThrottle | None, now: dt.datetime) -> bool:
    # A row with no failures is one a reservation has just created under the lock.
    return row is None or row.failures == 0 or now - row.last_failure_at > CLEAN_AFTER


def _wait(case_row: LoginThrottle | None, address_row: LoginThrottle | None, now: dt.datetime) -> int:
    address_wait = _blocked_for(address_row, now)
    case_wait = _blocked_for(case_row, now)
    if case_wait and _current(address_row, now) < CLEAN_ADDRESS_BUDGET:
        case_wait = 0  # the owner's way in past a number someone else keeps blocked
    return max(address_wait, case_wait)


def give_back(case: str, address: str, now: dt.datetime | None = None) -> None:
    """A reserved attempt succeeded: the case number starts afresh, the address's count drops by one."""
    now = now or utcnow()
    with write_transaction():
        LoginThrottle.delete().where(LoginThrottle.key == case).execute()
        row = _locked_row(address, now)
        failures = max(0, _current(row, now) - 1)
        if failures:
            _count(address, row, failures, ADDRESS_POLICY, now)
        else:
            LoginThrottle.delete().where(LoginThrottle.key == address).execute()


def record_failure(policies: dict[str, Policy], now: dt.datetime | None = None) -> None:
    """Count a failure without a reservation (housekeeping and tests)."""
    now = now or utcnow()
    with write_transaction():
        for key, policy in sorted(policies.items()):
            row = _locked_row(key, now)
            _count(key, row, _current(row, now) + 1, policy, now)


def take(policies: dict[str, Policy], now: dt.datetime | None = None) -> int:
    """Count one event against every key, each under its own policy, in one locked transaction –
    unless one of the keys is blocked, and then nothing is counted. Returns the seconds to wait
    (0: counted). Rows are locked in key order, so parallel callers take turns without deadlock."""
    now = now or utcnow()
    with write_transaction():
        rows = {key: _locked_row(key, now) for key in sorted(policies)}
        wait = max((_blocked_for(row, now) for row in rows.values()), default=0)
        if wait:
            return wait
        for key, row in rows.items():
            _count(key, row, _current(row, now) + 1, policies[key], now)
        return 0


def _locked_row(key: str, now: dt.datetime) -> LoginThrottle:
    LoginThrottle.insert(key=key, failures=0, first_failure_at=now, last_failure_at=now).on_conflict_ignore().execute()
    return locked(LoginThrottle.select().where(LoginThrottle.key == key)).get()


def _current(row: LoginThrottle | None, now: dt.datetime) -> int:
    if row is None or now - row.last_failure_at > FORGET_AFTER:
        return 0
    return row.failures


def _blocked_for(row: LoginThrottle | None, now: dt.datetime) -> int:
    if row is not None and row.blocked_until and row.blocked_until > now:
        return _seconds(row.blocked_until - now)
    return 0


def _seconds(delta: dt.timedelta) -> int:
    return int(delta.total_seconds()) + 1


def _count(key: str, row: LoginThrottle, failures: int, policy: Policy, now: dt.datetime) -> None:
    delay = policy.delay(failures)
    LoginThrottle.update(
        failures=failures,
        first_failure_at=now if failures == 1 else row.first_failure_at,
        last_failure_at=now,
        blocked_until=now + dt.timedelta(seconds=delay) if delay else None,
    ).where(LoginThrottle.key == key).execute()


def clear(key: str) -> None:
    with write_transaction():
        LoginThrottle.delete().where(LoginThrottle.key == key).execute()


def forget_stale(now: dt.datetime | None = None) -> int:
    """Housekeeping: drop keys whose last failure is more than a day old."""
    now = now or utcnow()
    with write_transaction():
        return LoginThrottle.delete().where(LoginThrottle.last_failure_at < now - FORGET_AFTER).execute()


def current_count(key: str, now: dt.datetime | None = None) -> int:
    """How many events `key` has counted (forgotten a day after the last), from a plain read."""
    now = now or utcnow()
    return _current(LoginThrottle.get_or_none(LoginThrottle.key == key), now)


def give_back_one(key: str, policy: Policy, now: dt.datetime | None = None) -> None:
    """One counted event turned out well (a code was confirmed, or never sent): the count drops by
    one and the wait is recomputed from the policy."""
    now = now or utcnow()
    with write_transaction():
        row = locked(LoginThrottle.select().where(LoginThrottle.key == key)).first()
        if row is None:
            return
        failures = max(0, _current(row, now) - 1)
        if failures:
            delay = policy.delay(failures)
            LoginThrottle.update(
                failures=failures, blocked_until=now + dt.timedelta(seconds=delay) if delay else None
            ).where(LoginThrottle.key == key).execute()
        else:
            LoginThrottle.delete().where(LoginThrottle.key == key).execute()
