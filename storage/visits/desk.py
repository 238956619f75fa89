"""Visits at the counter: the day's list for an office, marking who came, cancelling, and a clerk
booking on someone's behalf (no SMS code: the clerk is the confirmation). Every change is audited,
with the visit's reference and never its name or phone."""

from __future__ import annotations

import dataclasses
import datetime as dt

from storage import audit, phones
from storage.accounts.clerks import acting_clerk
from storage.cases.checks import check_applicant_name
from storage.cases.rules import register_filing
from storage.catalog.visit_calendar import as_utc, local
from storage.catalog.visit_groups import calendar_rules, group_at_office
from storage.clock import today_in_warsaw, utcnow
from storage.db import locked, unit_of_work, write_transaction
from storage.errors import DomainError
from storage.models import Case, Clerk, Visit, VisitGroup
from storage.records import RegisteredFiling
from storage.visits.cancelling import cancel
from storage.visits.days import visit_times
from storage.visits.fields import check_language, normalise_reference
from storage.visits.results import VisitTime
from storage.visits.seats import check_slot, take_seat

SHOWN_STATES = ("booked", "arrived", "no_show", "served")
MARKS = ("arrived", "no_show", "served")


@dataclasses.dataclass(frozen=True)
class DeskVisit:
    reference: str
    starts_at: dt.datetime  # naive UTC
    local_time: str  # "HH:MM" in Warsaw
    group: str
    group_label: str
    name: str | None  # None once erased by retention
    phone: str  # display form ("" when none)
    language: str
    state: str
    booked_by: str | None  # the clerk's login; None: booked online
    office: str = ""
    visit_day: dt.date | None = None
    case_number: str | None = None


def _desk_visit(row: Visit, labels: dict[str, str], logins: dict[int, str], numbers: dict[int, str]) -> DeskVisit:
    starts = as_utc(row.starts_at)
    return DeskVisit(
        row.reference,
        starts,
        f"{local(starts):%H:%M}",
        row.group_id,
        labels.get(row.group_id, row.group_id),
        row.name,
        phones.display(row.phone),
        row.language,
        row.state,
        logins.get(row.booked_by_id) if row.booked_by_id else None,
        row.office_id,
        row.visit_day,
        numbers.get(row.case_id) if row.case_id else None,
    )


def _rows_as_desk_visits(rows: list[Visit]) -> list[DeskVisit]:
    labels = {g.code: g.label_pl for g in VisitGroup.select()}
    clerk_ids = {r.booked_by_id for r in rows if r.booked_by_id}
    logins = {c.id: c.login for c in Clerk.select().where(Clerk.id.in_(clerk_ids))} if clerk_ids else {}
    case_ids = {r.case_id for r in rows if r.case_id}
    numbers = (
        {c.id: c.number for c in Case.select(Case.id, Case.number).where(Case.id.in_(case_ids))} if case_ids else {}
    )
    return [_desk_visit(r, labels, logins, numbers) for r in rows]


def visits_on(office: str, day: dt.date | None = None, group: str | None = None) -> list[DeskVisit]:
    """An office's booked visits of a day (default today) by time: booked, arrived, no-show, served."""
    day = day or today_in_warsaw()
    office_code = (office or "").strip().upper()
    with unit_of_work():
        which = (Visit.office == office_code) & (Visit.visit_day == day) & Visit.state.in_(SHOWN_STATES)
        if group:
            which &= Visit.group == group
        rows = list(Visit.select().where(which).order_by(Visit.starts_at, Visit.group, Visit.seat))
        return _rows_as_desk_visits(rows)


def counter_times(office: str, group: str, day: dt.date) -> list[VisitTime]:
    """The times a clerk may book for someone on `day`: the online calendar's, and at the counter
    also today's times still to come (book_visit_for accepts those)."""
    now = utcnow()
    today = local(now).date()
    if day != today:
        return visit_times(office, group, day, now=now)
    # Asked as of yesterday, today is the first bookable day; the times already begun are left out.
    yesterday = now - dt.timedelta(days=1)
    return [t for t in visit_times(office, group, day, now=yesterday) if t.starts_at > now]


def visit_by_reference(reference: str) -> DeskVisit:
    ref = normalise_reference(reference)
    with unit_of_work():
        row = Visit.get_or_none(Visit.reference == ref)
        if row is None:
            raise DomainError("reference", f"nie ma rezerwacji {ref}")
        return _rows_as_desk_visits([row])[0]


def _visit_for_update(reference: str) -> Visit:
    ref = normalise_reference(reference)
    row = locked(Visit.select().where(Visit.reference == ref)).first()
    if row is None:
        raise DomainError("reference", f"nie ma rezerwacji {ref}")
    return row


def mark_visit(reference: str, state: str, clerk: str) -> DeskVisit:
    """Record that the person came (arrived), was served, or did not come (no_show); from the visit
    day on, and a mark may be corrected the same way."""
    if state not in MARKS:
        raise DomainError("state", f"dozwolone: {', '.join(MARKS)}")
    with write_transaction():
        actor = acting_clerk(clerk)
        row = _visit_for_update(reference)
        if row.state not in SHOWN_STATES:
            raise DomainError("reference", "ta wizyta nie jest zarezerwowana (odwołana albo niepotwierdzona)")
        if row.visit_day > today_in_warsaw():
            raise DomainError("state", f"wizyta jest dopiero {row.visit_day:%d.%m.%Y}")
        Visit.update(state=state, updated_at=utcnow()).where(Visit.id == row.id).execute()
        audit.record("visit_marked", actor, row.case, reference=row.reference, old=row.state, new=state)
        row.state = state
        return _rows_as_desk_visits([row])[0]


def unmark_visit(reference: str, clerk: str) -> DeskVisit:
    """Take back a mark given by mistake: the visit is booked again, the same day only (a later
    correction is a new mark, so yesterday's record stays as it was). A visit served by a filing
    registered from it keeps its mark: the case exists, and undoing it would unlink the two."""
    with write_transaction():
        actor = acting_clerk(clerk)
        row = _visit_for_update(reference)
        if row.state not in MARKS:
            raise DomainError("state", "ta wizyta nie ma oznaczenia do cofnięcia")
        if row.visit_day != today_in_warsaw():
            raise DomainError("state", "oznaczenie można cofnąć tylko w dniu wizyty")
        if row.case_id is not None and row.state == "served":
            raise DomainError("state", "z tej wizyty zarejestrowano wniosek – oznaczenia nie można cofnąć")
        Visit.update(state="booked", updated_at=utcnow()).where(Visit.id == row.id).execute()
        audit.record("visit_unmarked", actor, row.case, reference=row.reference, old=row.state, new="booked")
        row.state = "booked"
        return _rows_as_desk_visits([row])[0]


def register_from_visit(reference: str, **filing) -> RegisteredFiling:
    """Register the filing a visitor brought and mark the visit served, linked to the new case, in
    one transaction: two desks cannot both register the same visit, and a refused filing leaves
    the visit as it was."""
    with write_transaction():
        actor = acting_clerk(filing["clerk"])
        row = _visit_for_update(reference)
        if row.state == "served":
            raise DomainError("visit", "z tej wizyty zarejestrowano już wniosek – sprawdź listę spraw")
        if row.state not in ("booked", "arrived"):
            raise DomainError("visit", "ta wizyta nie czeka na obsługę (odwołana, nieobecność albo niepotwierdzona)")
        registered = register_filing(**filing)
        Visit.update(state="served", case=registered.case_id, updated_at=utcnow()).where(Visit.id == row.id).execute()
        audit.record("visit_marked", actor, registered.case_id, reference=row.reference, old=row.state, new="served")
    return registered


def cancel_visit(reference: str, clerk: str) -> None:
    """A clerk cancels a booking (any time before it took place); the seat goes back to the pool."""
    with write_transaction():
        actor = acting_clerk(clerk)
        row = _visit_for_update(reference)
        if row.state not in ("held", "booked"):
            raise DomainError("reference", "tej wizyty nie można odwołać (już się odbyła, odwołana albo wygasła)")
        cancel(row, utcnow())
        audit.record(
            "visit_cancelled", actor, row.case, reference=row.reference, group=row.group_id, office=row.office_id
        )


def book_visit_for(
    office: str,
    group: str,
    starts_at: dt.datetime,
    name: str,
    phone: str | None,
    language: str,
    clerk: str,
) -> DeskVisit:
    """A clerk books for a person at the counter or on the phone: no code, booked at once, audited.
    The same rules as online (slot, window, seats, one visit per phone per day), except that today's
    later slots may be booked too and the phone may be left out."""
    clean_name = check_applicant_name(name)
    mobile = phones.normalise_mobile(phone)
    lang = check_language(language)
    start = as_utc(starts_at)
    now = utcnow()
    with write_transaction():
        actor = acting_clerk(clerk)
        where, rules = group_at_office(office, group), calendar_rules()
        today = local(now).date()
        if start <= now:
            raise DomainError("starts_at", "ten termin już minął")
        # Today counts for the counter: check the slot as if booking yesterday.
        day = check_slot(where, rules, start, today - dt.timedelta(days=1) if local(start).date() == today else today)
        row = take_seat(
            where,
            start,
            day,
            now,
            state="booked",
            name=clean_name,
            phone=mobile,
            language=lang,
            booked_at=now,
            booked_by=actor,
        )
        audit.record(
            "visit_booked_for",
            actor,
            None,
            reference=row.reference,
            group=where.group,
            office=where.office,
            has_phone=bool(mobile),
        )
        return _rows_as_desk_visits([row])[0]
