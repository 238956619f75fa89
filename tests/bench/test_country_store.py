"""The country-sized store builder (bench.country_store) at a tiny size, on a real PostgreSQL server:
the counts it promises, valid and unique case numbers, the schema's indexes all back after the load,
a second run that tops the store up without a row twice, and an audit trail still append-only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from storage import case_numbers
from tests import pg

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
INDEXED_TABLES = ("case_file", "case_name_token", "stage_history", "audit_event", "visit")


def build(url: str, cases: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bench.country_store", "--url", url, "--cases", str(cases), "--chunk", "700",
         "--build-only"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def rows(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        conn.close()


def index_names(url: str) -> set[str]:
    found = rows(
        url,
        "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
        " JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = ANY(%s)",
        (list(INDEXED_TABLES),),
    )
    return {name for (name,) in found}


@pytest.fixture
def country_url(pg_template):
    name, url = pg.create_database()  # empty: the builder makes the schema itself
    yield url
    pg.drop_database(name)


def test_a_tiny_country_has_its_counts_valid_numbers_and_every_index(country_url, pg_template):
    first = build(country_url, 1400)
    assert first.returncode == 0, first.stderr
    topped_up = build(country_url, 2000)  # a rerun goes on from the highest case id
    assert topped_up.returncode == 0, topped_up.stderr
    assert "1,400 cases already there, adding 600" in topped_up.stdout

    count = {
        table: rows(country_url, f"SELECT COUNT(*) FROM {table}")[0][0]
        for table in ("case_file", "stage_history", "audit_event", "visit", "office", "clerk")
    }
    assert count["case_file"] == 2000
    assert count["visit"] == 800  # two per five cases
    assert count["office"] == 32
    assert count["clerk"] == 320
    assert 9 <= (count["stage_history"] + count["audit_event"]) / count["case_file"] <= 11
    # Every case has its filing in the history, its name words, and a number with a valid check digit.
    assert rows(country_url, "SELECT COUNT(DISTINCT case_id) FROM stage_history WHERE stage_id = 'filed'")[0][0] == 2000
    assert rows(country_url, "SELECT COUNT(DISTINCT case_id) FROM case_name_token")[0][0] == 2000
    numbers = [n for (n,) in rows(country_url, "SELECT number FROM case_file")]
    assert len(set(numbers)) == 2000
    assert all(case_numbers.is_valid(n) for n in numbers), [n for n in numbers if not case_numbers.is_valid(n)][:5]
    # Cases over ten years and the offices; the busiest office is Gdańsk's.
    years = rows(country_url, "SELECT COUNT(DISTINCT extract(year FROM filed_on)) FROM case_file")[0][0]
    assert years >= 10
    busiest = rows(country_url, "SELECT office_id FROM case_file GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")[0][0]
    assert busiest == "GDA"

    # The indexes set aside for the load are all back, as a store made by the schema has them.
    schema_store = pg.with_database(pg.require_admin_url(), pg_template)
    assert index_names(country_url) == index_names(schema_store)
    assert rows(country_url, "SELECT to_regclass('bench_pending_index')")[0][0] is None

    # The load's session skipped the triggers; every other session still meets them.
    with pytest.raises(psycopg2.errors.RaiseException, match="append-only"):
        rows(country_url, "UPDATE audit_event SET action = 'x' WHERE id = (SELECT MIN(id) FROM audit_event)")
