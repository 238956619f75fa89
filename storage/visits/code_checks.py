"""Checking an SMS code against a visit: tries and expiry, inside the caller's write transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
from collections.abc import Callable
from typing import TypeVar

from storage.catalog.visit_calendar import as_utc
from storage.clock import utcnow
from storage.db import locked, write_transaction
from storage.delivery import sms_outbox as outbox
from storage.delivery.code_texts import code_hash
from storage.errors import DomainError
from storage.models import (
    Visit,
)
from storage.visits.fields import PORTAL_READABLE, check_client, normalise_reference
from storage.visits.limits import count_failure, give_code_request_back, limit_key, raise_if_blocked
from storage.visits.results import CodeExpired, WrongCode

Result = TypeVar("Result")


@dataclasses.dataclass(frozen=True)
class CheckedCode:
    """What checking a code found; the caller raises after the transaction committed the counts."""

    visit: Visit | None = None
    error: DomainError | None = None
    failed: bool = False  # a wrong code or an unknown reference: counted against phone and address


def check_code(ref: str, code: str, purpose: str, now: dt.datetime) -> CheckedCode:
    """Inside a write transaction: the visit locked, its code compared, tries and expiry applied."""
    visit = locked(Visit.select(*PORTAL_READABLE).where(Visit.reference == ref)).first()
    if visit is None:
        return CheckedCode(error=DomainError("reference", "nie ma rezerwacji o tym numerze"), failed=True)
    if visit.code_purpose != purpose or visit.code_hash is None:
        if purpose == "confirm" and visit.state in ("expired", "held"):
            return CheckedCode(visit, CodeExpired())
        what = "rezerwacja nie czeka na potwierdzenie" if purpose == "confirm" else "najpierw poproś o kod odwołania"
        return CheckedCode(visit, DomainError("reference", what))
    if visit.code_expires_at <= now:
        end_code(visit, purpose, now)
        return CheckedCode(visit, CodeExpired() if purpose == "confirm" else cancel_code_expired())
    if not hmac.compare_digest(visit.code_hash, code_hash(ref, purpose, code or "")):
        tries_left = max(0, visit.code_tries_left - 1)
        Visit.update(code_tries_left=tries_left, updated_at=now).where(Visit.id == visit.id).execute()
        if not tries_left:
            end_code(visit, purpose, now)
        return CheckedCode(visit, WrongCode(tries_left), failed=True)
    return CheckedCode(visit)


def use_code(
    reference: str,
    code: str,
    purpose: str,
    client: str,
    now: dt.datetime | None,
    act: Callable[[Visit, str, dt.datetime], Result | DomainError],
) -> Result:
    """What confirming a booking and confirming a cancellation share: an address that keeps failing is
    refused first; one write transaction checks the code, counts a failure against the address and, for
    a right code, runs `act(visit, client, now)`. A refusal – the check's, or a DomainError that `act`
    returns (what it has written so far stays) – is raised only after that transaction has committed;
    success gives the address's code request back. An exception `act` raises rolls everything back."""
    ref = normalise_reference(reference)
    client = check_client(client)
    now = as_utc(now) if now else utcnow()
    raise_if_blocked([limit_key("fail-addr", client)], now)
    with write_transaction():
        checked = check_code(ref, code, purpose, now)
        if checked.failed:
            count_failure(client, now)
        error = checked.error
        if error is None:
            result = act(checked.visit, client, now)
            if isinstance(result, DomainError):
                error = result
    if error is not None:
        raise error
    give_code_request_back(client, now)
    return result


def cancel_code_expired() -> DomainError:
    return DomainError("code", "kod wygasł – poproś o nowy kod odwołania")


def end_code(visit: Visit, purpose: str, now: dt.datetime) -> None:
    """A code that ran out of time or tries: a pending booking lets its seat go; a booked visit
    keeps its seat and only loses the cancellation code."""
    values = {"code_hash": None, "code_purpose": None, "updated_at": now}
    if purpose == "confirm":
        values |= {"state": "expired", "phone_day_key": None, "client_key": None}
    Visit.update(**values).where(Visit.id == visit.id).execute()
    outbox.cancel_visit_codes(visit, "code no longer valid", now)
