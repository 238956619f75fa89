"""Cancelling a booking online with a new code until the end of the day before, and the case's
next visit for the status page."""

from __future__ import annotations

import datetime as dt

from storage import case_numbers
from storage.accounts import throttle
from storage.catalog.visit_calendar import (
    as_utc,
    local,
)
from storage.catalog.visit_groups import calendar_rules
from storage.clock import utcnow
from storage.db import locked, unit_of_work, write_transaction
from storage.delivery import sms_outbox as outbox
from storage.delivery.code_texts import ModemBusy, client_prefix, code_hash
from storage.errors import DomainError
from storage.models import (
    Case,
    Visit,
)
from storage.visits.code_checks import use_code
from storage.visits.fields import PORTAL_READABLE, check_client, new_code, normalise_reference
from storage.visits.limits import (
    CANCEL_TEXT_SPACING,
    admit,
    count_code_request,
    count_failure,
    limit_key,
    raise_if_blocked,
    refuse_if_limited,
)
from storage.visits.results import PublicVisit, VisitThrottled


def _cancellable(visit: Visit, today: dt.date) -> None:
    if visit.state != "booked":
        raise DomainError("reference", "tej rezerwacji nie można już odwołać")
    if today >= visit.visit_day:
        raise DomainError("reference", "wizytę można odwołać najpóźniej do końca dnia przed wizytą")


def request_cancellation(reference: str, client: str, *, now: dt.datetime | None = None) -> bool:
    """Send a new code to the booking's phone; refused from the visit day on. False when the
    reference had a code text too recently (CANCEL_TEXT_SPACING): nothing is sent and the code
    already sent stays good. The caller answers both alike, as for any request it could not tell
    from a first one: whoever knows a reference must not be able to text its owner at will."""
    ref = normalise_reference(reference)
    client = check_client(client)
    now = as_utc(now) if now else utcnow()
    # Unknown references count as failures of the address: guessing them is refused like guessing codes.
    raise_if_blocked([limit_key("fail-addr", client)], now)
    with unit_of_work():
        visit = Visit.select(*PORTAL_READABLE).where(Visit.reference == ref).first()
        if visit is None:
            count_failure(client, now)
            raise DomainError("reference", "nie ma rezerwacji o tym numerze")
        _cancellable(visit, local(now).date())
        if not visit.phone_key:
            raise DomainError("phone", "ta rezerwacja nie ma telefonu – odwołaj ją w urzędzie")
        rules = calendar_rules()
    refuse_if_limited(client, now)
    if throttle.take({limit_key("cancel-ref", ref): CANCEL_TEXT_SPACING}, now):
        return False
    count_code_request(client, now)
    code = new_code()
    try:
        with write_transaction():
            visit = locked(Visit.select(*PORTAL_READABLE).where(Visit.id == visit.id)).get()
            _cancellable(visit, local(now).date())
            Visit.update(
                code_hash=code_hash(ref, "cancel", code),
                code_purpose="cancel",
                code_tries_left=rules.code_tries,
                code_expires_at=now + 2 * rules.hold,  # the text's deadline; its life starts when sent
                updated_at=now,
            ).where(Visit.id == visit.id).execute()
            admit(outbox.queue_visit_code(visit, code, client_prefix(client), now), rules)
    except ModemBusy as busy:
        raise VisitThrottled(busy.retry_after_s, VisitThrottled.MODEM) from None
    return True


def confirm_cancellation(reference: str, code: str, client: str, *, now: dt.datetime | None = None) -> None:
    """Cancel a booking with its cancellation code; the seat goes back to the pool."""
    use_code(reference, code, "cancel", client, now, _cancel_with_code)


def _cancel_with_code(visit: Visit, client: str, now: dt.datetime) -> DomainError | None:
    try:
        _cancellable(visit, local(now).date())
    except DomainError as exc:
        return exc
    cancel(visit, now)
    return None


def cancel(visit: Visit, now: dt.datetime, **values) -> None:
    """The visit gives its seat and its phone's day back (inside the caller's transaction)."""
    Visit.update(
        state="cancelled",
        cancelled_at=now,
        phone_day_key=None,
        code_hash=None,
        code_purpose=None,
        updated_at=now,
        **values,
    ).where(Visit.id == visit.id).execute()
    outbox.cancel_visit_codes(visit, "visit cancelled", now)


def visit_of_case(case_number: str, *, now: dt.datetime | None = None) -> PublicVisit | None:
    """The case's next visit still to come (booked or arrived), for the status page."""
    canonical = case_numbers.parse(case_number)
    now = as_utc(now) if now else utcnow()
    with unit_of_work():
        row = (
            Visit.select(*PORTAL_READABLE)
            .join(Case)
            .where(
                (Case.number == canonical)
                & Visit.state.in_(("booked", "arrived"))
                & (Visit.visit_day >= local(now).date())
            )
            .order_by(Visit.starts_at)
            .first()
        )
        if row is None:
            return None
        starts = as_utc(row.starts_at)
        return PublicVisit(
            row.reference, row.office_id, row.group_id, starts, row.state, row.visit_day, f"{local(starts):%H:%M}"
        )
