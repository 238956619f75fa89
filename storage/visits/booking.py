"""Booking a visit online: the free days and times, a seat held while its SMS code is pending,
confirming with the code, and cancelling with a new code until the end of the day before.

The database keeps the promises, not only this code: a partial unique index lets no seat be
taken twice and no phone hold two visits on one day (groups marked one_per_phone_per_day), on
SQLite and PostgreSQL alike. Holds whose time ran out are marked `expired` inside the very
transaction that takes a seat, so an abandoned hold never blocks the next person.

Anti-automation (docs/booking.md, storage.visits.limits): code requests, bookings and wrong codes
are counted per client address in the database (storage.accounts.throttle); an address has one pending hold
at a time and a network (IPv4 /24, IPv6 /64) a few unconfirmed holds an hour; a hold whose text
could not go out in time is not taken (storage.delivery.code_texts). Every limit is checked before any text
is queued.

Nothing keyed by a phone number refuses anything: a stranger who types someone's number must learn
nothing about it and must not lock its owner out. Whether the number already has a visit that day
is checked when the code is confirmed – by the owner, who has the phone – and a phone's code texts
go out one pending hold at a time (storage.delivery.sms_outbox.claim_due), which only delays them.
"""

from __future__ import annotations

import datetime as dt

from storage import case_numbers
from storage.accounts import throttle
from storage.cases.checks import check_applicant_name
from storage.catalog.visit_calendar import (
    as_utc,
    local,
)
from storage.catalog.visit_groups import calendar_rules, group_at_office
from storage.clock import utcnow
from storage.db import locked, unit_of_work, write_transaction
from storage.delivery import sms_outbox as outbox
from storage.delivery.code_texts import ModemBusy, client_key, client_prefix, code_hash
from storage.errors import DomainError
from storage.languages import LANGUAGES
from storage.models import (
    Case,
    CaseType,
    DeficiencyKind,
    RequiredDocument,
    Visit,
)
from storage.visits.code_checks import end_code, use_code
from storage.visits.fields import (
    PORTAL_READABLE,
    as_datetime,
    check_client,
    check_language,
    check_mobile,
    new_code,
    normalise_reference,
)
from storage.visits.limits import (
    ADDRESS_BOOKINGS,
    ONE_RESEND,
    RESEND_AFTER,
    address_is_clean,
    admit,
    count_code_request,
    give_code_request_back,
    limit_key,
    refuse_busy_network,
    refuse_if_limited,
    refuse_second_pending_hold,
)
from storage.visits.results import CodeResend, HeldVisit, PhoneHasVisit, SlotTaken, VisitConfirmation, VisitThrottled
from storage.visits.seats import check_slot, claim_phone_day, seat_may_be_free, take_network_turn, take_seat


def request_visit(
    office: str,
    group: str,
    starts_at: dt.datetime,
    name: str,
    phone: str,
    language: str,
    client: str,
    *,
    case_number: str | None = None,
    replaces: str | None = None,
    now: dt.datetime | None = None,
) -> HeldVisit:
    """Hold a seat and queue its code text. Checks, in this order: the fields (DomainError naming
    the field), the slot, a blocked address (VisitThrottled), a slot already full (SlotTaken, from a
    plain read: nothing counted), another pending hold from this address (not `replaces`, the hold
    this browser is giving up), the network's unconfirmed holds, then the code request is counted
    (VisitThrottled at the limit, before any text), the seat (SlotTaken), and whether the text
    could go out in time (VisitThrottled MODEM: nothing is kept).

    Nothing here depends on what the phone number already has: the answer for a number with a
    visit that day is the same as for any other; confirm_visit tells the owner."""
    clean_name = check_applicant_name(name)
    mobile = check_mobile(phone)
    lang = check_language(language)
    client = check_client(client)
    canonical_case = case_numbers.parse(case_number) if case_number else None
    start = as_utc(starts_at)
    now = as_utc(now) if now else utcnow()
    key, prefix = client_key(client), client_prefix(client)
    with unit_of_work():
        where, rules = group_at_office(office, group), calendar_rules()
        day = check_slot(where, rules, start, local(now).date())
        case_id = None
        if canonical_case:
            case = Case.select(Case.id).where(Case.number == canonical_case).first()
            if case is None:
                raise DomainError(
                    "case_number", f"nie ma sprawy o numerze {case_numbers.format_number(canonical_case)}"
                )
            case_id = case.id
    refuse_if_limited(client, now)
    with unit_of_work():
        if not seat_may_be_free(where, start, now):
            raise SlotTaken()
        clean = address_is_clean(client, now)
        refuse_second_pending_hold(key, replaces, now)
        refuse_busy_network(prefix, clean, now)
    count_code_request(client, now)
    code = new_code()
    # The text must go out by then; its code lives `hold` from the moment it does (record_sent).
    send_by = now + 2 * rules.hold
    try:
        with write_transaction():
            # Again under the network's lock: the reads above let a moment's parallel requests through.
            take_network_turn(prefix)
            refuse_second_pending_hold(key, replaces, now)
            refuse_busy_network(prefix, clean, now)
            if replaces:
                _give_up_own_hold(replaces, key, now)
            visit = take_seat(
                where, start, day, now, phone_day=False, state="held", name=clean_name, phone=mobile,
                language=lang, case=case_id, hold_expires_at=send_by, code_expires_at=send_by,
                code_tries_left=rules.code_tries, code_purpose="confirm", client_prefix=prefix, client_key=key,
            )  # fmt: skip
            Visit.update(code_hash=code_hash(visit.reference, "confirm", code)).where(Visit.id == visit.id).execute()
            admit(outbox.queue_visit_code(visit, code, prefix, now), rules)
    except ModemBusy as busy:
        # The request stays counted: given back, it would make the address "clean" again and let it
        # past its network's limit (measured: bench/sms_pumping.py).
        raise VisitThrottled(busy.retry_after_s, VisitThrottled.MODEM) from None
    except SlotTaken:
        # Lost the seat to someone a moment faster: no text went out, and a person in a rush who
        # tries another time stays a newcomer to the network's limit.
        give_code_request_back(client, now)
        raise
    return HeldVisit(visit.reference, where.office, where.group, start, send_by)


def release_hold(reference: str, client: str, *, now: dt.datetime | None = None) -> bool:
    """ "Wrong number": the applicant gives up their pending hold at once – the seat is free again,
    its code dead and its text dropped if still queued – so this address may start again without
    waiting out the code's life. Only a hold from the same address; False when there was none."""
    client = check_client(client)
    now = as_utc(now) if now else utcnow()
    with write_transaction():
        return _give_up_own_hold(reference, client_key(client), now)


def _give_up_own_hold(reference: str, key: str, now: dt.datetime) -> bool:
    """The browser that holds `reference` chose another time: that hold ends (only a hold from
    the same address; anything else is left alone)."""
    try:
        ref = normalise_reference(reference)
    except DomainError:
        return False
    mine = (Visit.reference == ref) & (Visit.client_key == key) & (Visit.state == "held")
    old = Visit.select(Visit.id).where(mine).first()
    if old is None:
        return False
    Visit.update(state="expired", phone_day_key=None, code_hash=None, code_purpose=None, client_key=None,
                 updated_at=now).where(Visit.id == old.id).execute()  # fmt: skip
    outbox.cancel_visit_codes(old, "hold given up", now)
    return True


def code_resend(reference: str, client: str, *, now: dt.datetime | None = None) -> CodeResend | None:
    """The resend as the code page shows it, for the address that holds `reference`; None when
    there is nothing to offer (not this address's pending hold)."""
    client = check_client(client)
    now = as_utc(now) if now else utcnow()
    try:
        ref = normalise_reference(reference)
    except DomainError:
        return None
    with unit_of_work():
        visit = _own_pending_hold(ref, client_key(client))
        if visit is None:
            return None
        sent_at = outbox.visit_code_sent_at(visit.id)
        used = throttle.current_count(limit_key("resend", ref)) > 0
    offered_at = as_datetime(sent_at) + RESEND_AFTER if sent_at else None
    return CodeResend(offered_at, used, offered_at is not None and not used and now >= offered_at)


def _own_pending_hold(ref: str, key: str) -> Visit | None:
    mine = (Visit.reference == ref) & (Visit.client_key == key) & (Visit.state == "held")
    return Visit.select(*PORTAL_READABLE).where(mine & (Visit.code_purpose == "confirm")).first()


def resend_code(reference: str, client: str, *, now: dt.datetime | None = None) -> None:
    """Send the pending hold a new code (the first one stops working): DomainError("reference")
    unless `code_resend` offers it now; VisitThrottled as for a first code request (a blocked or
    over-limit address, a modem queue too long for the code to go out in time). The new text
    waits in the client's network's lane and behind an older pending hold for the same phone,
    like any code text (storage.delivery.code_texts, storage.delivery.sms_outbox.claim_due)."""
    ref = normalise_reference(reference)
    client = check_client(client)
    now = as_utc(now) if now else utcnow()
    offer = code_resend(ref, client, now=now)
    if offer is None or not offer.ready:
        raise DomainError("reference", "tej rezerwacji nie można teraz wysłać kodu ponownie")
    refuse_if_limited(client, now)
    if throttle.take({limit_key("resend", ref): ONE_RESEND}, now):
        raise DomainError("reference", "kod tej rezerwacji wysłano już ponownie")
    count_code_request(client, now)
    code = new_code()
    try:
        with write_transaction():
            rules = calendar_rules()
            visit = locked(Visit.select(*PORTAL_READABLE).where(Visit.reference == ref)).first()
            ended = visit is None or as_datetime(visit.hold_expires_at) <= now
            if ended or visit.state != "held" or visit.client_key != client_key(client):
                raise DomainError("reference", "tej rezerwacji nie można teraz wysłać kodu ponownie")
            send_by = now + 2 * rules.hold  # as for the first text: its life starts when it goes out
            Visit.update(code_hash=code_hash(ref, "confirm", code), code_purpose="confirm", code_expires_at=send_by,
                         hold_expires_at=send_by, updated_at=now).where(Visit.id == visit.id).execute()  # fmt: skip
            admit(outbox.queue_visit_code(visit, code, client_prefix(client), now), rules)
    except ModemBusy as busy:
        # Nothing was sent and the first code still works: the one resend stays to be had.
        throttle.give_back_one(limit_key("resend", ref), ONE_RESEND, now)
        raise VisitThrottled(busy.retry_after_s, VisitThrottled.MODEM) from None


def confirm_visit(reference: str, code: str, client: str, *, now: dt.datetime | None = None) -> VisitConfirmation:
    """Book the held seat with the SMS code. WrongCode(tries_left) – after the last try the seat is
    released; CodeExpired (seat released); VisitThrottled for an address that keeps failing;
    PhoneHasVisit when the number already has a visit that day (the seat is released): only the
    owner, who has just typed the code, learns that."""
    return use_code(reference, code, "confirm", client, now, _book_held_seat)


def _book_held_seat(visit: Visit, client: str, now: dt.datetime) -> VisitConfirmation | DomainError:
    try:
        claim_phone_day(visit, now)
    except PhoneHasVisit as exc:
        end_code(visit, "confirm", now)
        return exc
    Visit.update(
        state="booked", booked_at=now, code_hash=None, code_purpose=None, code_expires_at=None,
        hold_expires_at=None, client_key=None, updated_at=now,
    ).where(Visit.id == visit.id).execute()  # fmt: skip
    outbox.cancel_visit_codes(visit, "code used", now)
    # The day, time, office and reference on the phone too: the reference is what
    # cancelling online asks for, and a page is easily closed.
    outbox.queue_visit_booked(visit, visit.client_prefix or client_prefix(client), now)
    throttle.record_failure({limit_key("book-addr", client): ADDRESS_BOOKINGS}, now)
    return _confirmation(visit)


def _confirmation(visit: Visit) -> VisitConfirmation:
    return VisitConfirmation(
        visit.reference,
        visit.office_id,
        visit.group_id,
        as_utc(visit.starts_at),
        visit.visit_day,
        f"{local(as_utc(visit.starts_at)):%H:%M}",
        _documents(visit.group_id),
    )


def booked_visit(reference: str) -> VisitConfirmation | None:
    """The confirmation of a booking still to come (for the page that showed it, reloaded or in
    another language); None for an unknown, cancelled, expired or past one."""
    with unit_of_work():
        visit = Visit.select(*PORTAL_READABLE).where(Visit.reference == normalise_reference(reference)).first()
        if visit is None or visit.state != "booked":
            return None
        return _confirmation(visit)


FILING_GROUP = "filing"


def _documents(group: str) -> list[dict[str, str]]:
    """What to bring to a filing: the documents every active kind of case requires (the case
    type's own extras are on the information panel), in catalogue order."""
    if group != FILING_GROUP:
        return []
    types = [t.code for t in CaseType.select(CaseType.code).where(CaseType.active)]
    required: dict[str, set[str]] = {}
    for row in RequiredDocument.select().where(RequiredDocument.case_type.in_(types)):
        required.setdefault(row.kind_id, set()).add(row.case_type_id)
    common = [code for code, of in required.items() if len(of) == len(types)]
    kinds = DeficiencyKind.select().where(DeficiencyKind.code.in_(common)).order_by(DeficiencyKind.position)
    return [{lang: kind.label(lang) for lang in LANGUAGES} for kind in kinds]
