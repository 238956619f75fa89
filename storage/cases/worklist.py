"""The clerks' worklist and searches, built to stay fast on a million cases.

Pages are keyset-paged (WHERE (key, id) beyond the last row seen, never OFFSET) over
indexes that start with the office and the closed flag; searches hit an index each:
the case number (unique), any word of the name (prefix, storage.cases.name_search), the
external reference.

A case is overdue only while the statutory clock runs: open, past its deadline, and at a
stage whose `clock_runs` flag (fixtures/stages.toml) is set. The flag on a row, "overdue
only", the deadline order and the store's statistics all use `clock_running_stages()`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import peewee as pw

from storage import case_numbers
from storage.accounts.clerks import acting_clerk
from storage.cases import name_search
from storage.catalog.cache import cached_labels
from storage.clock import WARSAW, today_in_warsaw
from storage.db import unit_of_work
from storage.errors import DomainError
from storage.models import AuditEvent, Case

PAGE_SIZE = 50
ORDERS = ("newest", "deadline")
# From this many audited changes on, a clerk's "mine" page asks each listed case who changed it last
# instead of gathering every case the clerk changed (_mine).
MINE_SET_CAP = 2000
_NAME_WORDS = re.compile(r"^[\w'’ .-]+$")


@dataclasses.dataclass(frozen=True)
class WorklistRow:
    id: int
    number: str
    display_number: str
    applicant_name: str
    case_type: str
    case_type_label: str
    stage: str
    stage_label: str
    office: str
    filed_on: dt.date
    deadline_on: dt.date
    overdue: bool
    closed: bool


@dataclasses.dataclass(frozen=True)
class WorklistPage:
    rows: list[WorklistRow]
    # Pass back as `after` for the next page; None on the last page.
    next_cursor: tuple | None


def clock_running_stages() -> list[str]:
    """Codes of the stages at which the statutory deadline runs (call inside a unit of work)."""
    return sorted(code for code, s in cached_labels().stages.items() if s.clock_runs)


def is_overdue(closed: bool, stage: str, deadline_on: dt.date, today: dt.date | None = None) -> bool:
    """The one rule: open, at a stage where the clock runs, past the deadline."""
    return not closed and deadline_on < (today or today_in_warsaw()) and stage in clock_running_stages()


def overdue_condition(today: dt.date | None = None) -> pw.Expression:
    """The same rule as a WHERE condition (call inside a unit of work)."""
    return ~Case.closed & (Case.deadline_on < (today or today_in_warsaw())) & Case.stage.in_(clock_running_stages())


def _rows(query: pw.ModelSelect) -> list[WorklistRow]:
    today = today_in_warsaw()
    cases = list(query)
    labels = cached_labels(stages={r.stage_id for r in cases}, case_types={r.case_type_id for r in cases})
    running = set(clock_running_stages())
    return [
        WorklistRow(
            id=r.id,
            number=r.number,
            display_number=case_numbers.format_number(r.number),
            applicant_name=r.applicant_name,
            case_type=r.case_type_id,
            case_type_label=labels.case_types[r.case_type_id].label_pl,
            stage=r.stage_id,
            stage_label=labels.stages[r.stage_id].label_pl,
            office=r.office_id,
            filed_on=r.filed_on,
            deadline_on=r.deadline_on,
            overdue=not r.closed and r.deadline_on < today and r.stage_id in running,
            closed=r.closed,
        )
        for r in cases
    ]


_COLUMNS = (
    Case.id,
    Case.number,
    Case.applicant_name,
    Case.case_type,
    Case.stage,
    Case.office,
    Case.filed_on,
    Case.deadline_on,
    Case.closed,
)


def _today_starts_utc() -> dt.datetime:
    today = today_in_warsaw()
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=WARSAW)
    return midnight.astimezone(dt.UTC).replace(tzinfo=None)


def _mine(login: str) -> pw.Expression:
    """Cases the clerk registered, or whose latest change by a clerk is theirs.

    Two plans, picked here by counting the clerk's audited changes up to a cap on their index (cheap
    whatever the count): for a clerk with few changes, the set of cases they changed last is made
    once (one probe per change); for a busy clerk, whose changes run into hundreds of thousands in a
    country-sized audit trail, the page walks the list and asks each case who changed it last (one
    probe per case shown), which fills a page after a few hundred cases."""
    clerk = acting_clerk(login)
    changes = AuditEvent.select(pw.SQL("1")).where((AuditEvent.clerk == clerk.id) & AuditEvent.case.is_null(False))
    if changes.limit(MINE_SET_CAP).count() >= MINE_SET_CAP:
        last_changed_by = (
            AuditEvent.select(AuditEvent.clerk)
            .where((AuditEvent.case == Case.id) & AuditEvent.clerk.is_null(False))
            .order_by(AuditEvent.at.desc(), (AuditEvent.clerk == clerk.id).desc())
            .limit(1)
        )
        return (Case.created_by == clerk.id) | (last_changed_by == clerk.id)
    later = AuditEvent.alias("later")
    changed_by_me = (
        AuditEvent.select(AuditEvent.case)
        .where(
            (AuditEvent.clerk == clerk.id)
            & AuditEvent.case.is_null(False)
            & ~pw.fn.EXISTS(
                later.select(pw.SQL("1")).where(
                    (later.case == AuditEvent.case) & (later.at > AuditEvent.at) & (later.clerk != clerk.id)
                )
            )
        )
        .distinct()
    )
    return (Case.created_by == clerk.id) | Case.id.in_(changed_by_me)


def worklist(
    office: str | None,
    *,
    stage: str | None = None,
    case_type: str | None = None,
    overdue_only: bool = False,
    closed: bool = False,
    order: str = "newest",
    registered_today: bool = False,
    mine: str | None = None,
    after: tuple | None = None,
    limit: int = PAGE_SIZE,
) -> WorklistPage:
    """One page of cases: open ones of `office` (None: both offices) by default.

    order="newest": latest registrations first; order="deadline": the cases whose clock runs,
    the most overdue first. `registered_today`: filed at a desk today (Warsaw time);
    `mine`: a clerk's login — the cases they registered or changed last.
    """
    if order not in ORDERS:
        raise DomainError("order", f"dozwolone: {', '.join(ORDERS)}")
    with unit_of_work():
        query = Case.select(*_COLUMNS).where(Case.closed == closed)
        if office:
            query = query.where(Case.office == office)
        if stage:
            query = query.where(Case.stage == stage)
        if case_type:
            query = query.where(Case.case_type == case_type)
        if overdue_only:
            query = query.where(overdue_condition())
        if registered_today:
            query = query.where(Case.created_at >= _today_starts_utc())
        if mine:
            query = query.where(_mine(mine))
        if order == "newest":
            if after:
                query = query.where(Case.id < after[0])
            query = query.order_by(Case.id.desc())
        else:
            query = query.where(Case.stage.in_(clock_running_stages()))
            if after:
                deadline = dt.date.fromisoformat(after[0]) if isinstance(after[0], str) else after[0]
                query = query.where(pw.Tuple(Case.deadline_on, Case.id) > pw.Tuple(deadline, after[1]))
            query = query.order_by(Case.deadline_on, Case.id)
        rows = _rows(query.limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = None
    if more and rows:
        last = rows[-1]
        cursor = (last.id,) if order == "newest" else (last.deadline_on, last.id)
    return WorklistPage(rows, cursor)


def search_by_number(text: str) -> list[WorklistRow]:
    """Exact case number; a failed check digit raises DomainError('case_number') at once."""
    canonical = case_numbers.parse(text)
    with unit_of_work():
        return _rows(Case.select(*_COLUMNS).where(Case.number == canonical))


def search_by_name(
    text: str, office: str | None = None, limit: int = PAGE_SIZE, before_id: int | None = None
) -> list[WorklistRow]:
    """Newest cases whose applicant's name has a word starting with each typed word, case and
    accents ignored: "koval hanna" finds Hanna Koval, "sevcenko" Ševčenko (storage.cases.name_search)."""
    cleaned = " ".join(text.split())
    if not _NAME_WORDS.match(cleaned or "-"):
        raise DomainError("search", "imię lub nazwisko może zawierać litery, spację, myślnik i apostrof")
    words = name_search.tokens(cleaned)
    if not words or max(len(w) for w in words) < 2:
        raise DomainError("search", "wpisz co najmniej 2 litery imienia lub nazwiska")
    with unit_of_work():
        ids = name_search.matching_case_ids(words, office, limit, before_id)
        if not ids:
            return []
        return _rows(Case.select(*_COLUMNS).where(Case.id.in_(ids)).order_by(Case.id.desc()))


def search_by_surname(prefix: str, office: str | None = None, limit: int = PAGE_SIZE) -> list[WorklistRow]:
    """Kept for callers of the first version: any word of the name now matches."""
    return search_by_name(prefix, office, limit)


def search_by_external_ref(ref: str, limit: int = PAGE_SIZE) -> list[WorklistRow]:
    text = ref.strip()
    if not text:
        raise DomainError("search", "wpisz numer zewnętrzny")
    with unit_of_work():
        return _rows(Case.select(*_COLUMNS).where(Case.external_ref == text).order_by(Case.id).limit(limit))


def search_cases(text: str, office: str | None = None) -> list[WorklistRow]:
    """What the clerk typed in the one search box: a case number (digits, spaces, dashes),
    an external reference (contains a digit and something else), or words of the name."""
    stripped = (text or "").strip()
    compact = re.sub(r"[\s-]", "", stripped)
    if compact.isdigit():
        return search_by_number(stripped)
    if any(ch.isdigit() for ch in stripped):
        return search_by_external_ref(stripped)
    return search_by_name(stripped, office)
