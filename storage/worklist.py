"""The clerks' worklist and searches, built to stay fast on a million cases.

Pages are keyset-paged (WHERE (key, id) beyond the last row seen, never OFFSET) over
indexes that start with the office and the closed flag; searches hit an index each:
the case number (unique), the folded surname (prefix), the external reference.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import peewee as pw

from storage import case_numbers
from storage.catalog import cached_labels
from storage.clock import today_in_warsaw
from storage.db import is_postgres, unit_of_work
from storage.errors import DomainError
from storage.models import Case
from storage.text import fold

PAGE_SIZE = 50
ORDERS = ("newest", "deadline")
_SURNAME_PREFIX = re.compile(r"^[\w' -]+$")


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


def _rows(query: pw.ModelSelect) -> list[WorklistRow]:
    today = today_in_warsaw()
    cases = list(query)
    labels = cached_labels(stages={r.stage_id for r in cases}, case_types={r.case_type_id for r in cases})
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
            overdue=not r.closed and r.deadline_on < today,
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


def worklist(
    office: str | None,
    *,
    stage: str | None = None,
    case_type: str | None = None,
    overdue_only: bool = False,
    closed: bool = False,
    order: str = "newest",
    after: tuple | None = None,
    limit: int = PAGE_SIZE,
) -> WorklistPage:
    """One page of cases: open ones of `office` (None: both offices) by default.

    order="newest": latest registrations first; order="deadline": the most overdue first.
    """
    if order not in ORDERS:
        raise DomainError("order", f"dozwolone: {', '.join(ORDERS)}")
    query = Case.select(*_COLUMNS).where(Case.closed == closed)
    if office:
        query = query.where(Case.office == office)
    if stage:
        query = query.where(Case.stage == stage)
    if case_type:
        query = query.where(Case.case_type == case_type)
    if overdue_only:
        query = query.where(Case.deadline_on < today_in_warsaw())
    if order == "newest":
        if after:
            query = query.where(Case.id < after[0])
        query = query.order_by(Case.id.desc())
    else:
        if after:
            deadline = dt.date.fromisoformat(after[0]) if isinstance(after[0], str) else after[0]
            query = query.where(pw.Tuple(Case.deadline_on, Case.id) > pw.Tuple(deadline, after[1]))
        query = query.order_by(Case.deadline_on, Case.id)
    with unit_of_work():
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


def search_by_surname(prefix: str, office: str | None = None, limit: int = PAGE_SIZE) -> list[WorklistRow]:
    """Cases whose applicant's surname starts with `prefix` (case and accents ignored)."""
    key = fold(" ".join(prefix.split()))
    if len(key) < 2:
        raise DomainError("search", "wpisz co najmniej 2 litery nazwiska")
    if not _SURNAME_PREFIX.match(key):
        raise DomainError("search", "nazwisko może zawierać litery, spację, myślnik i apostrof")
    # Folded keys hold no wildcard characters, so the prefix needs no escaping beyond `_`.
    if is_postgres():
        # In the "C" collation one index serves both the prefix and the order (migration 0002).
        key_c = pw.NodeList((Case.surname_key, pw.SQL('COLLATE "C"')))
        condition = pw.Expression(key_c, "LIKE", key.replace("_", r"\_") + "%")
        order = (key_c, Case.id)
    else:
        # GLOB is case-sensitive, so SQLite can use the plain index on the folded key.
        condition = pw.Expression(Case.surname_key, "GLOB", key + "*")
        order = (Case.surname_key, Case.id)
    query = Case.select(*_COLUMNS).where(condition)
    if office:
        query = query.where(Case.office == office)
    with unit_of_work():
        return _rows(query.order_by(*order).limit(limit))


def search_by_external_ref(ref: str, limit: int = PAGE_SIZE) -> list[WorklistRow]:
    text = ref.strip()
    if not text:
        raise DomainError("search", "wpisz numer zewnętrzny")
    with unit_of_work():
        return _rows(Case.select(*_COLUMNS).where(Case.external_ref == text).order_by(Case.id).limit(limit))


def search_cases(text: str, office: str | None = None) -> list[WorklistRow]:
    """What the clerk typed in the one search box: a case number (digits, spaces, dashes),
    an external reference (contains a digit and something else), or a surname prefix."""
    stripped = (text or "").strip()
    compact = re.sub(r"[\s-]", "", stripped)
    if compact.isdigit():
        return search_by_number(stripped)
    if any(ch.isdigit() for ch in stripped):
        return search_by_external_ref(stripped)
    return search_by_surname(stripped, office)
