"""Failed applicant logins, counted in the database so every web process and machine sees them.

Two keys per attempt: the case number and the client address. Each has free failures,
then a wait that doubles per further failure up to a cap. The case-number cap is short
(5 minutes) so that a stranger guessing at a number cannot keep its real applicant out
for long; the address cap is long (1 hour) because one address guessing at many numbers
is the attack this is for. A key is forgotten a day after its last failure, and a case
key is cleared by a successful login.
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
            wait = max(wait, int((row.blocked_until - now).total_seconds()) + 1)
    return wait


def record_failure(policies: dict[str, Policy], now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    with write_transaction():
        for key, policy in policies.items():
            LoginThrottle.insert(
                key=key, failures=0, first_failure_at=now, last_failure_at=now
            ).on_conflict_ignore().execute()
            row = locked(LoginThrottle.select().where(LoginThrottle.key == key)).get()
            failures = 1 if now - row.last_failure_at > FORGET_AFTER else row.failures + 1
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
