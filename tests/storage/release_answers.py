"""What a store holds and what the front ends are told about it, as plain JSON.

Used to prove that a rebuild of `storage/` changes no behaviour: the same capture is taken by the
previous release (tests/data/previous_release/build.py, run once on that release's checkout) and
by this code on the very same store file, and the two must be equal. It therefore reads only
through the facades (`storage.desk`, `storage.portal`) and raw SQL, names every release keeps.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import json
import sqlite3
from typing import Any
from urllib.parse import urlparse

import psycopg2

# A fixed "now": the store was built on 2026-12-03, so its visits and deadlines sit around it.
FROZEN_UTC = dt.datetime(2026, 12, 3, 9, 0)
LANGS = ("pl", "en", "ru", "uk")
# Rows that legitimately differ from one opening of a store to the next.
VOLATILE_TABLES = frozenset({"portal_session", "modem_heartbeat"})


def plain(value: Any) -> Any:
    """Any facade answer as JSON-able data (dataclasses, dates, decimals, enums, tuples)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value


def table_rows(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table as {column: value}, sorted, read with the database's own driver."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(urlparse(url).path)
        found = conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        names = [r[0] for r in found]
    else:
        conn = psycopg2.connect(url)
        cur = conn.cursor()
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        names = [r[0] for r in cur.fetchall()]
    rows: dict[str, list[dict[str, Any]]] = {}
    try:
        for name in sorted(set(names) - VOLATILE_TABLES):
            cur = conn.cursor()
            cur.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cur.description]
            table = [dict(zip(columns, plain(list(r)), strict=True)) for r in cur.fetchall()]
            rows[name] = sorted(table, key=row_key)
    finally:
        conn.close()
    return rows


def row_key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, default=str)


def facade_answers() -> dict[str, Any]:
    """What the clerk app and the portal are told, with the clock pinned (call inside an open store)."""
    from storage import desk, portal
    from storage.clock import frozen

    answers: dict[str, Any] = {}
    with frozen(FROZEN_UTC):
        offices = [o.code for o in desk.offices()]
        answers["offices"] = plain(desk.offices())
        answers["case_types"] = plain(desk.case_types())
        answers["stages"] = plain(desk.stages())
        numbers: list[str] = []
        for office in [*offices, None]:
            for closed in (False, True):
                page = desk.worklist(office, closed=closed, limit=10_000)
                answers[f"worklist:{office}:{closed}"] = plain(page)
                numbers += [row.number for row in page.rows]
        surnames = []
        for index, number in enumerate(sorted(set(numbers))):
            detail = desk.case_detail(number)
            answers[f"case:{number}"] = plain(detail)
            surnames.append(detail.applicant_name.split()[-1])
            # Every case in Polish, one in seven in all four languages: enough to see a change, and fast.
            for lang in LANGS if index % 7 == 0 else LANGS[:1]:
                view = portal.public_view(number, detail.credential_version, lang)
                answers[f"public:{number}:{lang}"] = plain(view)
        for surname in [s for s in surnames if s[:4].isalpha()][:5]:
            answers[f"search:{surname[:4]}"] = plain(desk.search_cases(surname[:4]))
        answers["report"] = plain(desk.head_of_unit_report())
        answers["processing"] = plain(portal.processing_table())
        for office in offices:
            for day_offset in range(-3, 15):
                day = FROZEN_UTC.date() + dt.timedelta(days=day_offset)
                answers[f"visits:{office}:{day}"] = plain(desk.visits_on(office, day))
            for group in desk.visit_groups():
                code = group.code
                answers[f"days:{office}:{code}"] = plain(portal.visit_days(office, code, now=FROZEN_UTC))
    return answers
