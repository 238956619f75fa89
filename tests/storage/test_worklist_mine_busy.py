"""The "mine" list of a busy clerk. In a country's audit trail (bench/country_store.py: 5 M cases, 24 M audit rows) one
clerk's changes run into hundreds of thousands, and a "mine" page that first gathered every case the clerk
changed took 1.7 s. The page now asks only the cases it walks who changed them last, once the clerk has
more changes than storage.cases.worklist.MINE_SET_CAP; the answer is the same either way."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import storage
from storage.cases import worklist
from storage.clock import frozen, utcnow
from storage.db import database, unit_of_work
from storage.models import AuditEvent, Clerk
from tests.helpers import ADMIN, CLERK, register

BUSY = worklist.MINE_SET_CAP + 100


def _cases_changed(store_cases: int = 24) -> tuple[set[str], int]:
    """Cases registered by the admin; Anna changes two thirds, the admin changes half of those again.
    Returns the numbers Anna changed last, and a case she changed long ago, many times, before the admin."""
    filings = [register(clerk=ADMIN, applicant_name=f"Mine Case {i}") for i in range(store_cases)]
    changed = [filing for i, filing in enumerate(filings) if i % 3 != 2]
    # A minute apart: changes within one second of each other count as the clerk's own.
    with frozen(utcnow() + dt.timedelta(minutes=1)):
        for filing in changed:
            storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    with frozen(utcnow() + dt.timedelta(minutes=2)):
        for filing in changed[1::2]:
            storage.set_stage(filing.number, "fingerprints", clerk=ADMIN)
    hers = {filing.number for filing in changed[0::2]}
    old = register(clerk=ADMIN, applicant_name="Long Ago")
    return hers, storage.search_cases(old.number)[0].id


def _make_busy(case_id: int) -> None:
    """BUSY changes by Anna on one case, long ago, then one by the admin: none of them makes it hers."""
    anna = Clerk.get(Clerk.login == CLERK)
    start = utcnow() - dt.timedelta(days=3000)
    rows = [{"at": start + dt.timedelta(minutes=i), "clerk": anna.id, "actor": CLERK, "action": "stage_changed",
             "case": case_id, "detail_json": "{}"} for i in range(BUSY)]  # fmt: skip
    with unit_of_work(), database.atomic():
        for chunk in range(0, len(rows), 500):
            AuditEvent.insert_many(rows[chunk : chunk + 500]).execute()
    with frozen(utcnow() + dt.timedelta(minutes=3)):
        storage.set_stage(_number(case_id), "formal_check", clerk=ADMIN)


def _number(case_id: int) -> str:
    from storage.models import Case

    with unit_of_work():
        return Case.get_by_id(case_id).number


def _mine() -> set[str]:
    return {row.number for row in storage.worklist("GDA", mine=CLERK).rows}


def test_a_busy_clerks_mine_page_lists_the_same_cases(store, monkeypatch):
    hers, long_ago = _cases_changed()
    assert _mine() == hers  # few changes: the set of cases she changed last
    _make_busy(long_ago)
    assert _mine() == hers  # many: each listed case asked who changed it last
    monkeypatch.setattr(worklist, "MINE_SET_CAP", 10**9)
    assert _mine() == hers  # the set again, over all her changes


def _audit_rows_read(plan: dict) -> int:
    """Rows the plan's nodes on audit_event produced, over all their loops."""
    read = 0
    if plan.get("Relation Name") == "audit_event":
        read += plan["Actual Rows"] * plan["Actual Loops"]
    for child in plan.get("Plans", []):
        read += _audit_rows_read(child)
    return read


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_a_busy_clerks_mine_page_reads_no_more_audit_rows_than_it_shows_cases(store, monkeypatch):
    hers, long_ago = _cases_changed()
    _make_busy(long_ago)
    statements: list[tuple[str, tuple]] = []
    execute_sql = database.obj.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        statements.append((sql, params))
        return execute_sql(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", recording)
    assert _mine() == hers
    monkeypatch.undo()
    (page_sql, params), *_ = [(s, p) for s, p in statements if s.startswith('SELECT "t1"."id"') and "audit_event" in s]
    with unit_of_work():
        (explained,) = database.execute_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + page_sql, params).fetchone()
    plan = (explained if isinstance(explained, list) else json.loads(explained))[0]["Plan"]
    # Anna has more than BUSY changes; the page holds a few dozen cases, each with a couple of changes.
    assert _audit_rows_read(plan) < 200, json.dumps(plan, indent=1)[:3000]
