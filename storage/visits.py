"""Booking a visit online: the free days and times, a seat held while its SMS code is pending,
confirming with the code, and cancelling with a new code until the end of the day before.

The database keeps the promises, not only this code: a partial unique index lets no seat be
taken twice and no phone hold two visits on one day (groups marked one_per_phone_per_day), on
SQLite and PostgreSQL alike. Holds whose time ran out are marked `expired` inside the very
transaction that takes a seat, so an abandoned hold never blocks the next person.

Anti-automation (README, "Visit booking (storage side)"): code requests, bookings and wrong codes
are counted per client address in the database (storage.throttle); an address has one pending hold
at a time and a network (IPv4 /24, IPv6 /64) a few unconfirmed holds an hour; a hold whose text
could not go out in time is not taken (storage.visit_sms). Every limit is checked before any text
is queued.

Nothing keyed by a phone number refuses anything: a stranger who types someone's number must learn
nothing about it and must not lock its owner out. Whether the number already has a visit that day
is checked when the code is confirmed – by the owner, who has the phone – and a phone's code texts
go out one pending hold at a time (storage.outbox.claim_due), which only delays them.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets

import peewee as pw

from storage import case_numbers, outbox, phones, throttle, visit_sms
from storage.cases import check_applicant_name
from storage.clock import today_in_warsaw, utcnow
from storage.db import database, is_postgres, locked, unit_of_work, write_transaction
from storage.errors import DomainError
from storage.languages import LANGUAGES
from storage.models import (
    SEAT_STATES,
    Case,
    CaseType,
    DeficiencyKind,
    RequiredDocument,
    Visit,
)
from storage.throttle import Policy
from storage.visit_calendar import (
    CalendarRules,
    as_utc,
    booking_window,
    is_bookable_day,
    is_open,
    local,
    slot_of,
    slots,
)
from storage.visit_catalog import GroupAtOffice, calendar_rules, group_at_office
from storage.visit_sms import ModemBusy, client_key, client_prefix, code_hash

# ---------------------------------------------------------------- errors


class SlotTaken(DomainError):
    """The chosen time has no free seat any more."""

    def __init__(self) -> None:
        super().__init__("starts_at", "ten termin nie jest już wolny – wybierz inny")


class WrongCode(DomainError):
    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        rule = f"zły kod – pozostałe próby: {tries_left}" if tries_left else "zły kod – kod jest już nieważny"
        super().__init__("code", rule)


class CodeExpired(DomainError):
    def __init__(self) -> None:
        super().__init__("code", "kod wygasł – termin został zwolniony")


class VisitThrottled(DomainError):
    """Not now, come back in `retry_after_s`. `reason` says why, for the applicant's page:
    LIMITS (too many code requests, bookings or wrong codes from this address), PENDING (another
    hold from this address waits for its code), NETWORK (too many unconfirmed holds from this
    network in the last hour), MODEM (the queue of texts is too long for a code to go out in time)."""

    LIMITS, PENDING, NETWORK, MODEM = "limits", "pending", "network", "modem"
    RULES = {
        LIMITS: "zbyt wiele prób",
        PENDING: "inna rezerwacja z tego adresu czeka na kod",
        NETWORK: "zbyt wiele niepotwierdzonych rezerwacji z tej sieci",
        MODEM: "kolejka SMS jest za długa, kod nie wyszedłby na czas",
    }

    def __init__(self, retry_after_s: int, reason: str = LIMITS) -> None:
        self.retry_after_s = max(1, int(retry_after_s))
        self.reason = reason
        super().__init__("client", f"{self.RULES[reason]} – spróbuj ponownie za {self.retry_after_s} s")


# ---------------------------------------------------------------- values handed out (never a name or phone)


@dataclasses.dataclass(frozen=True)
class VisitDay:
    day: dt.date
    free: int
    open: bool  # the group takes visits that day and it lies in the booking window


@dataclasses.dataclass(frozen=True)
class VisitTime:
    starts_at: dt.datetime  # naive UTC
    local: str  # "HH:MM" in Warsaw
    free: int


@dataclasses.dataclass(frozen=True)
class HeldVisit:
    reference: str
    office: str
    group: str
    starts_at: dt.datetime
    hold_expires_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class VisitConfirmation:
    reference: str
    office: str
    group: str
    starts_at: dt.datetime
    local_date: dt.date
    local_time: str
    # What to bring, each document's label per language ({lang: label}); empty except for filings.
    documents: list[dict[str, str]]


@dataclasses.dataclass(frozen=True)
class PublicVisit:
    reference: str
    office: str
    group: str
    starts_at: dt.datetime
    state: str
    local_date: dt.date
    local_time: str


# ---------------------------------------------------------------- what the portal's database role touches

# On PostgreSQL the portal connects as a role (storage.roles) that may read only these columns of a
# visit: never the name, the phone or the clerk. Every query on the portal's path names its columns.
PORTAL_READABLE = (
    Visit.id, Visit.reference, Visit.office, Visit.group, Visit.starts_at, Visit.visit_day, Visit.seat,
    Visit.state, Visit.phone_key, Visit.phone_day_key, Visit.code_hash, Visit.code_purpose,
    Visit.code_expires_at, Visit.code_tries_left, Visit.hold_expires_at, Visit.case, Visit.created_at,
    Visit.client_prefix, Visit.client_key,
)  # fmt: skip
# What holding, confirming and cancelling change (a new booking is an INSERT of the whole row).
PORTAL_WRITABLE = (
    Visit.state, Visit.phone_day_key, Visit.code_hash, Visit.code_purpose, Visit.code_expires_at,
    Visit.code_tries_left, Visit.hold_expires_at, Visit.booked_at, Visit.cancelled_at, Visit.updated_at,
    Visit.client_key,
)  # fmt: skip
PHONE_KEY_LENGTH = 20


def phone_key(mobile: str | None) -> str | None:
    """What the store keeps of a phone where the portal's role may read it (the one-visit-per-day
    index, the limits' keys, the visit's `phone_key`): a digest, never the number. Unsalted, so it
    hides the number from a reader of the table, not from someone who hashes every number (README)."""
    if not mobile:
        return None
    return hashlib.sha256(f"okienko-visit-phone:{mobile}".encode()).hexdigest()[:PHONE_KEY_LENGTH]


# ---------------------------------------------------------------- limits

# An address (many applicants behind one NAT, the office's own kiosk) may make this many code
# requests, bookings and wrong codes; a confirmed code gives its request back.
ADDRESS_CODES = Policy(free_failures=12, base_delay_s=60, max_delay_s=3600)
ADDRESS_BOOKINGS = Policy(free_failures=10, base_delay_s=1800, max_delay_s=24 * 3600)
ADDRESS_FAILURES = Policy(free_failures=15, base_delay_s=60, max_delay_s=3600)
# Cancellation-code texts per booking reference, whoever asks (issue 17, F4): one at once, the next
# 10 minutes later, each further one twice as far off (20, 40, 80 min …), so never more than
# CANCEL_TEXTS_A_DAY in a day. Meanwhile a request sends nothing and the code already sent stays good.
CANCEL_TEXT_SPACING = Policy(free_failures=1, base_delay_s=600, max_delay_s=24 * 3600)
CANCEL_TEXTS_A_DAY = 8
# Unconfirmed holds (each a text to a number nobody confirmed) per network in the last hour. An
# address that has no unconfirmed code request of its own may still take one past it, up to
# NETWORK_NEWCOMER_HOLDS more: a person sharing the network with someone who spends its budget is
# not kept out at once. Bounded, because every fresh address of one network is such a newcomer
# (an outside trial sent 38 texts from one /24 in 12 minutes when the allowance had no bound): past
# it, everyone in that network waits until its oldest unconfirmed hold is an hour old.
NETWORK_HOLDS = 8
NETWORK_NEWCOMER_HOLDS = 2
NETWORK_WINDOW = dt.timedelta(hours=1)
UNCONFIRMED = ("held", "expired")


def _key(kind: str, value: str) -> str:
    return f"visit-{kind}:{value}"[:120]


def _raise_if_blocked(keys: list[str], now: dt.datetime) -> None:
    with unit_of_work():
        wait = throttle.seconds_to_wait(keys, now)
    if wait:
        raise VisitThrottled(wait)


def _refuse_if_limited(client: str, now: dt.datetime) -> None:
    """A plain read: refuse an address blocked for failures, bookings or code requests."""
    _raise_if_blocked([_key(f"{kind}-addr", client) for kind in ("fail", "book", "code")], now)


def _count_code_request(client: str, now: dt.datetime) -> None:
    """Before any text: count the code request against the address (VisitThrottled when it has just
    reached its limit). The caller has refused a blocked one already (_refuse_if_limited)."""
    wait = throttle.take({_key("code-addr", client): ADDRESS_CODES}, now)
    if wait:
        raise VisitThrottled(wait)


def _give_code_request_back(client: str, now: dt.datetime) -> None:
    """A code came back confirmed (or the seat was lost before any text): it does not count against
    the address."""
    throttle.give_back_one(_key("code-addr", client), ADDRESS_CODES, now)


def _address_is_clean(client: str, now: dt.datetime) -> bool:
    return throttle.current_count(_key("code-addr", client), now) == 0


def _refuse_second_pending_hold(key: str, replaces: str | None, now: dt.datetime) -> None:
    """One pending hold per address: another one still waiting for its code (not the one this
    browser is replacing) must end first – at most one hold's life."""
    pending = (
        Visit.select(Visit.hold_expires_at)
        .where((Visit.client_key == key) & (Visit.state == "held") & (Visit.hold_expires_at > now))
        .where(Visit.reference != (replaces or ""))
        .order_by(Visit.hold_expires_at)
        .first()
    )
    if pending is not None:
        raise VisitThrottled(_seconds(_as_datetime(pending.hold_expires_at) - now), VisitThrottled.PENDING)


def _refuse_busy_network(prefix: str, clean: bool, now: dt.datetime) -> None:
    """At most NETWORK_HOLDS unconfirmed holds from one network in the last hour; a clean address
    (no unconfirmed code request of its own) may take NETWORK_NEWCOMER_HOLDS more."""
    limit = NETWORK_HOLDS + (NETWORK_NEWCOMER_HOLDS if clean else 0)
    recent = (
        Visit.select(Visit.created_at)
        .where(
            (Visit.client_prefix == prefix) & (Visit.created_at > now - NETWORK_WINDOW) & Visit.state.in_(UNCONFIRMED)
        )
        .order_by(Visit.created_at.desc())
        .limit(limit)
    )
    times = [_as_datetime(row.created_at) for row in recent]
    if len(times) >= limit:
        raise VisitThrottled(_seconds(min(times) + NETWORK_WINDOW - now), VisitThrottled.NETWORK)


def _admit(ahead: int, rules: CalendarRules) -> None:
    """Inside the queueing transaction: refuse (and so roll back) a hold whose text would wait too
    long at the modem's measured pace. Half the code's life: the estimate is only an estimate."""
    wait = (ahead + 1) * visit_sms.send_gap_s()
    limit = rules.hold.total_seconds() / 2
    if wait > limit:
        raise ModemBusy(wait, max(60, int(wait - limit) + 1))


def _seconds(delta: dt.timedelta) -> int:
    return max(1, int(delta.total_seconds()) + 1)


# ---------------------------------------------------------------- references and codes

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out over the phone
REFERENCE_LENGTH = 6


def new_reference(office: str) -> str:
    return f"{office}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


# What people copy in front of a reference from a text or a letter: "№", "nr", "No.", "#".
_REFERENCE_PREFIXES = ("NR", "NO")


def normalise_reference(text: str) -> str:
    """A reference as people copy it – "№GDA-WXKYNR", "nr GDA WXKYNR", "gda.wxkynr", "GDAWXKYNR" –
    as the store writes it, "GDA-WXKYNR": marks such as №, #, dots, dashes and spaces are dropped
    (a reference is letters and digits only), then a leading "nr"/"No" if what is left is too long."""
    ref = "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())
    if len(ref) == 5 + REFERENCE_LENGTH and ref[:2] in _REFERENCE_PREFIXES:
        ref = ref[2:]
    office, rest = ref[:3], ref[3:]
    if len(ref) != 3 + REFERENCE_LENGTH or not office.isalpha() or set(rest) - set(REFERENCE_ALPHABET):
        raise DomainError("reference", "numer rezerwacji wygląda tak: GDA-7K3M9Q")
    return f"{office}-{rest}"


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


# ---------------------------------------------------------------- field rules


def check_language(value: str) -> str:
    lang = (value or "").strip().lower()
    if lang not in LANGUAGES:
        raise DomainError("language", f"dozwolone języki: {', '.join(LANGUAGES)}")
    return lang


def check_mobile(value: str | None) -> str:
    mobile = phones.normalise_mobile(value)
    if mobile is None:
        raise DomainError("phone", "pole jest wymagane – kod przyjdzie SMS-em na ten numer", "required")
    return mobile


def check_client(value: str) -> str:
    client = (value or "").strip()
    if not client:
        raise DomainError("client", "brak adresu klienta")
    return client


# ---------------------------------------------------------------- seats


def _seat_counts(where: GroupAtOffice, first: dt.date, last: dt.date, now: dt.datetime) -> dict[dt.datetime, int]:
    """Occupied seats per slot start between two days (a hold whose time ran out is free)."""
    occupied = Visit.state.in_(SEAT_STATES) & ((Visit.state != "held") | (Visit.hold_expires_at > now))
    query = (
        Visit.select(Visit.starts_at, pw.fn.COUNT(Visit.id))
        .where(
            (Visit.office == where.office)
            & (Visit.group == where.group)
            & Visit.visit_day.between(first, last)
            & occupied
        )
        .group_by(Visit.starts_at)
        .tuples()
    )
    return {as_utc(_as_datetime(starts)): count for starts, count in query}


def _as_datetime(value: object) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def release_expired_holds(now: dt.datetime, where: pw.Expression | None = None) -> int:
    """Mark holds whose time ran out `expired` (inside the caller's transaction): their seats and
    phone days are free again."""
    which = (Visit.state == "held") & (Visit.hold_expires_at <= now)
    if where is not None:
        which &= where
    return (
        Visit.update(
            state="expired", phone_day_key=None, code_hash=None, code_purpose=None, client_key=None, updated_at=now
        )
        .where(which)
        .execute()
    )


def check_slot(where: GroupAtOffice, rules: CalendarRules, starts_at: dt.datetime, today: dt.date) -> dt.date:
    """The Warsaw day of a slot that exists and may be booked now; DomainError('starts_at') otherwise."""
    day = slot_of(starts_at, where.hours, where.slot_minutes, rules)
    if day is None:
        raise DomainError("starts_at", "o tej godzinie nie ma terminu w tej sprawie")
    if not is_bookable_day(day, today, where.hours, rules):
        first, last = booking_window(today, rules)
        raise DomainError("starts_at", f"termin można zarezerwować od {first:%d.%m.%Y} do {last:%d.%m.%Y}")
    return day


def take_seat(
    where: GroupAtOffice,
    starts_at: dt.datetime,
    day: dt.date,
    now: dt.datetime,
    *,
    phone_day: bool = True,
    **values,
) -> Visit:
    """Insert a visit on the lowest free seat of a slot, inside the caller's write transaction.

    Rows of the group at the office are taken in turn (a row lock on PostgreSQL, BEGIN IMMEDIATE
    on SQLite); the partial unique indexes are the guarantee behind that. SlotTaken when no seat
    is free; with `phone_day` (the desk), PhoneHasVisit when the phone already has a visit that
    day. An online hold leaves the phone's day to the confirmation (claim_phone_day)."""
    values["phone_key"] = phone_key(values.get("phone"))
    phone_day_key = values["phone_key"] if where.one_per_phone_per_day and phone_day else None
    slot_rows = (Visit.office == where.office) & (Visit.group == where.group) & (Visit.starts_at == starts_at)
    release_expired_holds(now, slot_rows)
    if phone_day_key:
        release_expired_holds(now, (Visit.phone_day_key == phone_day_key) & (Visit.visit_day == day))
    _take_turns(where)
    if phone_day_key and _phone_busy(phone_day_key, day):
        raise _phone_taken()
    taken = {seat for (seat,) in Visit.select(Visit.seat).where(slot_rows & Visit.state.in_(SEAT_STATES)).tuples()}
    free = [seat for seat in range(1, where.desks + 1) if seat not in taken]
    if not free:
        raise SlotTaken()
    for _ in range(3):  # a clashing reference (one in ~10⁹) gets a new one
        try:
            with database.atomic():
                return Visit.create(
                    reference=new_reference(where.office),
                    office=where.office,
                    group=where.group,
                    starts_at=starts_at,
                    visit_day=day,
                    seat=free[0],
                    phone_day_key=phone_day_key,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
        except pw.IntegrityError as exc:
            message = str(exc)
            if "phone_day" in message:
                raise _phone_taken() from None
            if "reference" not in message:
                raise SlotTaken() from None
    raise SlotTaken()


def _seat_may_be_free(where: GroupAtOffice, starts_at: dt.datetime, now: dt.datetime) -> bool:
    """A plain read before any count or lock. When a day opens, most people who ask for a time ask
    for one that is already taken; answering them here keeps them out of the queue of seat takers
    (one at a time per group), where each would hold up the next person who can still get a seat.
    It can only err towards "taken" for a hold expiring this very moment; take_seat decides the rest."""
    occupied = Visit.state.in_(SEAT_STATES) & ((Visit.state != "held") | (Visit.hold_expires_at > now))
    slot_rows = (Visit.office == where.office) & (Visit.group == where.group) & (Visit.starts_at == starts_at)
    return Visit.select(Visit.id).where(slot_rows & occupied).count() < where.desks


def _take_network_turn(prefix: str) -> None:
    """Hold requests from one network go one at a time through its limits (PostgreSQL: an advisory
    lock, taken before the group's; SQLite's BEGIN IMMEDIATE serialises every writer already)."""
    if is_postgres():
        digest = hashlib.sha256(f"okienko-visit-network:{prefix}".encode()).digest()
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (int.from_bytes(digest[:8], "big", signed=True),))


def _take_turns(where: GroupAtOffice) -> None:
    """Seat takers of one group at one office go one at a time. On PostgreSQL a transaction-scoped
    advisory lock: unlike a row lock (SELECT … FOR UPDATE) it needs no UPDATE right on the
    catalogue, which the portal's role has not. SQLite's BEGIN IMMEDIATE already serialises writers."""
    if is_postgres():
        digest = hashlib.sha256(f"okienko-visit-seats:{where.office}:{where.group}".encode()).digest()
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (int.from_bytes(digest[:8], "big", signed=True),))


def _phone_busy(phone_day_key: str, day: dt.date, other_than: int | None = None) -> bool:
    query = Visit.select(Visit.id).where(
        (Visit.phone_day_key == phone_day_key) & (Visit.visit_day == day) & Visit.state.in_(SEAT_STATES)
    )
    if other_than is not None:
        query = query.where(Visit.id != other_than)
    return query.exists()


def claim_phone_day(visit: Visit, now: dt.datetime) -> None:
    """At confirmation, inside its transaction: a group with one visit per phone per day takes the
    phone's day now, when the owner has proved the number with the code. PhoneHasVisit when the
    number already has one that day (the index decides a race)."""
    where = group_at_office(visit.office_id, visit.group_id)
    if not where.one_per_phone_per_day or not visit.phone_key:
        return
    release_expired_holds(now, (Visit.phone_day_key == visit.phone_key) & (Visit.visit_day == visit.visit_day))
    if _phone_busy(visit.phone_key, visit.visit_day, other_than=visit.id):
        raise _phone_taken()
    try:
        with database.atomic():
            Visit.update(phone_day_key=visit.phone_key).where(Visit.id == visit.id).execute()
    except pw.IntegrityError:
        raise _phone_taken() from None


class PhoneHasVisit(DomainError):
    """The phone already has a visit that day, in a group limited to one a day."""

    def __init__(self) -> None:
        super().__init__("phone", "na ten numer jest już zarezerwowana wizyta tego dnia (jedna wizyta dziennie)")


def _phone_taken() -> DomainError:
    return PhoneHasVisit()


# ---------------------------------------------------------------- the calendar for the portal


def visit_closed_weekdays() -> list[int]:
    """The weekdays (ISO, 1 = Monday) on which no visit is booked, although the office may be open."""
    with unit_of_work():
        return sorted(calendar_rules().closed_weekdays)


def visit_window(*, now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day a visit may be booked for today (both inclusive)."""
    today = today_in_warsaw() if now is None else local(now).date()
    with unit_of_work():
        return booking_window(today, calendar_rules())


def visit_days(
    office: str, group: str, *, month: dt.date | None = None, now: dt.datetime | None = None
) -> list[VisitDay]:
    """Every day of a month (default: the month of the first bookable day): free seats, and whether
    it can be booked at all (closed weekday, holiday, no hours, or outside the window: not open)."""
    now = as_utc(now) if now else utcnow()
    today = local(now).date()
    with unit_of_work():
        where, rules = group_at_office(office, group), calendar_rules()
        first, last = booking_window(today, rules)
        month = (month or first).replace(day=1)
        days = [month + dt.timedelta(days=i) for i in range(calendar.monthrange(month.year, month.month)[1])]
        taken = _seat_counts(where, days[0], days[-1], now)
        result = []
        for day in days:
            open_ = first <= day <= last and is_open(day, where.hours, rules)
            free = sum(
                max(0, where.desks - taken.get(s, 0)) for s in slots(day, where.hours, where.slot_minutes, rules)
            )
            result.append(VisitDay(day, free if open_ else 0, open_))
        return result


def visit_times(office: str, group: str, day: dt.date, *, now: dt.datetime | None = None) -> list[VisitTime]:
    """The slots of a bookable day with their free seats (empty for a day that cannot be booked)."""
    now = as_utc(now) if now else utcnow()
    with unit_of_work():
        where, rules = group_at_office(office, group), calendar_rules()
        if not is_bookable_day(day, local(now).date(), where.hours, rules):
            return []
        taken = _seat_counts(where, day, day, now)
        return [
            VisitTime(s, f"{local(s):%H:%M}", max(0, where.desks - taken.get(s, 0)))
            for s in slots(day, where.hours, where.slot_minutes, rules)
        ]


# ---------------------------------------------------------------- booking online


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
    _refuse_if_limited(client, now)
    with unit_of_work():
        if not _seat_may_be_free(where, start, now):
            raise SlotTaken()
        clean = _address_is_clean(client, now)
        _refuse_second_pending_hold(key, replaces, now)
        _refuse_busy_network(prefix, clean, now)
    _count_code_request(client, now)
    code = new_code()
    # The text must go out by then; its code lives `hold` from the moment it does (record_sent).
    send_by = now + 2 * rules.hold
    try:
        with write_transaction():
            # Again under the network's lock: the reads above let a moment's parallel requests through.
            _take_network_turn(prefix)
            _refuse_second_pending_hold(key, replaces, now)
            _refuse_busy_network(prefix, clean, now)
            if replaces:
                _give_up_own_hold(replaces, key, now)
            visit = take_seat(
                where, start, day, now, phone_day=False, state="held", name=clean_name, phone=mobile,
                language=lang, case=case_id, hold_expires_at=send_by, code_expires_at=send_by,
                code_tries_left=rules.code_tries, code_purpose="confirm", client_prefix=prefix, client_key=key,
            )  # fmt: skip
            Visit.update(code_hash=code_hash(visit.reference, "confirm", code)).where(Visit.id == visit.id).execute()
            _admit(outbox.queue_visit_code(visit, code, prefix, now), rules)
    except ModemBusy as busy:
        # The request stays counted: given back, it would make the address "clean" again and let it
        # past its network's limit (measured: bench/sms_pumping.py).
        raise VisitThrottled(busy.retry_after_s, VisitThrottled.MODEM) from None
    except SlotTaken:
        # Lost the seat to someone a moment faster: no text went out, and a person in a rush who
        # tries another time stays a newcomer to the network's limit.
        _give_code_request_back(client, now)
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


# "No text? Send it again" (issue 20, problem 7): once per hold, from the address that holds it, a
# minute after the first text went to the modem, within every limit a first code request meets.
RESEND_AFTER = dt.timedelta(seconds=60)
ONE_RESEND = Policy(free_failures=1, base_delay_s=24 * 3600, max_delay_s=24 * 3600)


@dataclasses.dataclass(frozen=True)
class CodeResend:
    """What the code page may offer: `offered_at` (UTC), the moment a resend becomes possible
    (None while the first text has not gone to the modem); `used` once the one resend was taken."""

    offered_at: dt.datetime | None
    used: bool
    ready: bool  # offered now: the minute has passed and the one resend is still to be had


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
        used = throttle.current_count(_key("resend", ref)) > 0
    offered_at = _as_datetime(sent_at) + RESEND_AFTER if sent_at else None
    return CodeResend(offered_at, used, offered_at is not None and not used and now >= offered_at)


def _own_pending_hold(ref: str, key: str) -> Visit | None:
    mine = (Visit.reference == ref) & (Visit.client_key == key) & (Visit.state == "held")
    return Visit.select(*PORTAL_READABLE).where(mine & (Visit.code_purpose == "confirm")).first()


def resend_code(reference: str, client: str, *, now: dt.datetime | None = None) -> None:
    """Send the pending hold a new code (the first one stops working): DomainError("reference")
    unless `code_resend` offers it now; VisitThrottled as for a first code request (a blocked or
    over-limit address, a modem queue too long for the code to go out in time). The new text
    waits in the client's network's lane and behind an older pending hold for the same phone,
    like any code text (storage.visit_sms, storage.outbox.claim_due)."""
    ref = normalise_reference(reference)
    client = check_client(client)
    now = as_utc(now) if now else utcnow()
    offer = code_resend(ref, client, now=now)
    if offer is None or not offer.ready:
        raise DomainError("reference", "tej rezerwacji nie można teraz wysłać kodu ponownie")
    _refuse_if_limited(client, now)
    if throttle.take({_key("resend", ref): ONE_RESEND}, now):
        raise DomainError("reference", "kod tej rezerwacji wysłano już ponownie")
    _count_code_request(client, now)
    code = new_code()
    try:
        with write_transaction():
            rules = calendar_rules()
            visit = locked(Visit.select(*PORTAL_READABLE).where(Visit.reference == ref)).first()
            ended = visit is None or _as_datetime(visit.hold_expires_at) <= now
            if ended or visit.state != "held" or visit.client_key != client_key(client):
                raise DomainError("reference", "tej rezerwacji nie można teraz wysłać kodu ponownie")
            send_by = now + 2 * rules.hold  # as for the first text: its life starts when it goes out
            Visit.update(code_hash=code_hash(ref, "confirm", code), code_purpose="confirm", code_expires_at=send_by,
                         hold_expires_at=send_by, updated_at=now).where(Visit.id == visit.id).execute()  # fmt: skip
            _admit(outbox.queue_visit_code(visit, code, client_prefix(client), now), rules)
    except ModemBusy as busy:
        # Nothing was sent and the first code still works: the one resend stays to be had.
        throttle.give_back_one(_key("resend", ref), ONE_RESEND, now)
        raise VisitThrottled(busy.retry_after_s, VisitThrottled.MODEM) from None


@dataclasses.dataclass(frozen=True)
class _Checked:
    """What checking a code found; the caller raises after the transaction committed the counts."""

    visit: Visit | None = None
    error: DomainError | None = None
    failed: bool = False  # a wrong code or an unknown reference: counted against phone and address


def _check_code(ref: str, code: str, purpose: str, now: dt.datetime) -> _Checked:
    """Inside a write transaction: the visit locked, its code compared, tries and expiry applied."""
    visit = locked(Visit.select(*PORTAL_READABLE).where(Visit.reference == ref)).first()
    if visit is None:
        return _Checked(error=DomainError("reference", "nie ma rezerwacji o tym numerze"), failed=True)
    if visit.code_purpose != purpose or visit.code_hash is None:
        if purpose == "confirm" and visit.state in ("expired", "held"):
            return _Checked(visit, CodeExpired())
        what = "rezerwacja nie czeka na potwierdzenie" if purpose == "confirm" else "najpierw poproś o kod odwołania"
        return _Checked(visit, DomainError("reference", what))
    if visit.code_expires_at <= now:
        _end_code(visit, purpose, now)
        return _Checked(visit, CodeExpired() if purpose == "confirm" else _cancel_code_expired())
    if not hmac.compare_digest(visit.code_hash, code_hash(ref, purpose, code or "")):
        tries_left = max(0, visit.code_tries_left - 1)
        Visit.update(code_tries_left=tries_left, updated_at=now).where(Visit.id == visit.id).execute()
        if not tries_left:
            _end_code(visit, purpose, now)
        return _Checked(visit, WrongCode(tries_left), failed=True)
    return _Checked(visit)


def _cancel_code_expired() -> DomainError:
    return DomainError("code", "kod wygasł – poproś o nowy kod odwołania")


def _end_code(visit: Visit, purpose: str, now: dt.datetime) -> None:
    """A code that ran out of time or tries: a pending booking lets its seat go; a booked visit
    keeps its seat and only loses the cancellation code."""
    values = {"code_hash": None, "code_purpose": None, "updated_at": now}
    if purpose == "confirm":
        values |= {"state": "expired", "phone_day_key": None, "client_key": None}
    Visit.update(**values).where(Visit.id == visit.id).execute()
    outbox.cancel_visit_codes(visit, "code no longer valid", now)


def _count_failure(client: str, now: dt.datetime) -> None:
    # Only the address: a count keyed by the phone would let a stranger who types wrong codes at
    # holds for someone's number block its owner (a code is guessed per hold anyway: 3 tries).
    throttle.record_failure({_key("fail-addr", client): ADDRESS_FAILURES}, now)


def confirm_visit(reference: str, code: str, client: str, *, now: dt.datetime | None = None) -> VisitConfirmation:
    """Book the held seat with the SMS code. WrongCode(tries_left) – after the last try the seat is
    released; CodeExpired (seat released); VisitThrottled for an address that keeps failing;
    PhoneHasVisit when the number already has a visit that day (the seat is released): only the
    owner, who has just typed the code, learns that."""
    ref = normalise_reference(reference)
    client = check_client(client)
    now = as_utc(now) if now else utcnow()
    _raise_if_blocked([_key("fail-addr", client)], now)
    with write_transaction():
        checked = _check_code(ref, code, "confirm", now)
        if checked.failed:
            _count_failure(client, now)
        error = checked.error
        if error is None:
            visit = checked.visit
            try:
                claim_phone_day(visit, now)
            except PhoneHasVisit as exc:
                error = exc
                _end_code(visit, "confirm", now)
            else:
                Visit.update(
                    state="booked", booked_at=now, code_hash=None, code_purpose=None, code_expires_at=None,
                    hold_expires_at=None, client_key=None, updated_at=now,
                ).where(Visit.id == visit.id).execute()  # fmt: skip
                outbox.cancel_visit_codes(visit, "code used", now)
                # The day, time, office and reference on the phone too: the reference is what
                # cancelling online asks for, and a page is easily closed.
                outbox.queue_visit_booked(visit, visit.client_prefix or client_prefix(client), now)
                throttle.record_failure({_key("book-addr", client): ADDRESS_BOOKINGS}, now)
                result = _confirmation(visit)
    if error is not None:
        raise error
    _give_code_request_back(client, now)
    return result


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
    _raise_if_blocked([_key("fail-addr", client)], now)
    with unit_of_work():
        visit = Visit.select(*PORTAL_READABLE).where(Visit.reference == ref).first()
        if visit is None:
            _count_failure(client, now)
            raise DomainError("reference", "nie ma rezerwacji o tym numerze")
        _cancellable(visit, local(now).date())
        if not visit.phone_key:
            raise DomainError("phone", "ta rezerwacja nie ma telefonu – odwołaj ją w urzędzie")
        rules = calendar_rules()
    _refuse_if_limited(client, now)
    if throttle.take({_key("cancel-ref", ref): CANCEL_TEXT_SPACING}, now):
        return False
    _count_code_request(client, now)
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
            _admit(outbox.queue_visit_code(visit, code, client_prefix(client), now), rules)
    except ModemBusy as busy:
        raise VisitThrottled(busy.retry_after_s, VisitThrottled.MODEM) from None
    return True


def confirm_cancellation(reference: str, code: str, client: str, *, now: dt.datetime | None = None) -> None:
    """Cancel a booking with its cancellation code; the seat goes back to the pool."""
    ref = normalise_reference(reference)
    client = check_client(client)
    now = as_utc(now) if now else utcnow()
    _raise_if_blocked([_key("fail-addr", client)], now)
    with write_transaction():
        checked = _check_code(ref, code, "cancel", now)
        if checked.failed:
            _count_failure(client, now)
        error = checked.error
        if error is None:
            try:
                _cancellable(checked.visit, local(now).date())
            except DomainError as exc:
                error = exc
            else:
                cancel(checked.visit, now)
    if error is not None:
        raise error
    _give_code_request_back(client, now)


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


__all__ = [
    "CodeExpired",
    "CodeResend",
    "HeldVisit",
    "PublicVisit",
    "SlotTaken",
    "VisitConfirmation",
    "VisitDay",
    "VisitThrottled",
    "VisitTime",
    "WrongCode",
    "code_resend",
    "confirm_cancellation",
    "confirm_visit",
    "request_cancellation",
    "request_visit",
    "resend_code",
    "visit_days",
    "visit_of_case",
    "visit_times",
    "visit_window",
]
