"""Migration 0024: PostgreSQL knows that a case's `closed` flag and its stage go together.

Found on the country-sized store (bench/country_store.py, 5,000,000 cases, most of them closed): without
the statistics the planner expected a hundredth of the open cases at a stage whose clock runs, and served
"overdue only" by sorting every overdue case of the office (0.3 s) instead of walking the newest ones."""

from __future__ import annotations

import json

import psycopg2
import pytest

import storage
from storage import schema
from storage.cases.worklist import clock_running_stages
from storage.db import close_database, database, unit_of_work
from tests import pg

NAME = "0024_case_stage_statistics"


def _statistics_exist() -> bool:
    with unit_of_work():
        found = database.execute_sql("SELECT 1 FROM pg_statistic_ext WHERE stxname = 'case_file_closed_stage'")
        return found.fetchone() is not None


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_migration_0024_upgrades_a_kept_store(store):
    with unit_of_work():
        if store.backend == "postgresql":  # the store as it was before 0024
            database.execute_sql("DROP STATISTICS case_file_closed_stage")
        database.execute_sql(f"DELETE FROM schema_migration WHERE name = '{NAME}'")
    assert schema.pending_migrations() == [NAME]
    assert schema.migrate() == [NAME]
    assert schema.migrate() == []
    assert schema.schema_drift() == ""
    if store.backend == "postgresql":
        assert _statistics_exist()


@pytest.fixture
def country_url():
    from bench.country_store import build

    name, url = pg.create_database()
    try:
        build(url, 20_000, chunk=10_000)  # ten years of cases: nine in ten closed
        yield url
    finally:
        close_database()
        pg.drop_database(name)


@pytest.mark.postgres
def test_the_planner_expects_as_many_open_cases_at_running_stages_as_there_are(country_url):
    running = list(clock_running_stages_of(country_url))
    conn = psycopg2.connect(country_url)
    try:
        with conn.cursor() as cur:
            where = "closed = false AND stage_id = ANY(%s)"
            cur.execute(f"SELECT COUNT(*) FROM case_file WHERE {where}", (running,))
            (actual,) = cur.fetchone()
            cur.execute(f"EXPLAIN (FORMAT JSON) SELECT id FROM case_file WHERE {where}", (running,))
            (plan,) = cur.fetchone()
    finally:
        conn.close()
    expected = (plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]["Plan Rows"]
    assert actual > 1000
    assert actual / 2 <= expected <= actual * 2, (expected, actual)


def clock_running_stages_of(url: str) -> list[str]:
    storage.open_database(url)
    try:
        return list(clock_running_stages())
    finally:
        close_database()
