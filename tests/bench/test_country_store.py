"""The country-sized store builder (bench.country_store) at a tiny size, on a real PostgreSQL server:
Ctrl+C keeps whole chunks and says so in one line, the same command completes the store without a row
twice, the counts it promises, valid and unique case numbers, the schema's indexes all back after the
load, and an audit trail still append-only."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from storage import case_numbers
from tests import pg
from tests.helpers import ctrl_c_restored
from tests.storage.test_progress import interrupted, read_until

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
INDEXED_TABLES = ("case_file", "case_name_token", "stage_history", "audit_event", "visit")


CHUNK_LINE = re.compile(r"^sprawy \(z historią, audytem i wizytami\): [\d ]+ z [\d ]+ spraw \(\d+ %\)")


def build_args(url: str, cases: int) -> list[str]:
    return [sys.executable, "-m", "bench.country_store", "--url", url, "--cases", str(cases), "--chunk", "700",
            "--build-only"]  # fmt: skip


def build(url: str, cases: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "OKIENKO_PROGRESS_EVERY_S": "0"}
    return subprocess.run(build_args(url, cases), cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)


def stopped_after_one_chunk(url: str, cases: int) -> str:
    """Build until the first chunk is committed, then Ctrl+C; the one line the builder said."""
    env = {**os.environ, "OKIENKO_PROGRESS_EVERY_S": "0", "OKIENKO_PROGRESS_HOLD_AFTER": "1"}
    process = subprocess.Popen(
        build_args(url, cases),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=ctrl_c_restored,
    )
    seen = read_until(process, CHUNK_LINE, 1)
    assert any(CHUNK_LINE.match(line) for line in seen), seen
    _, rest = interrupted(process)
    said = [line for line in rest.splitlines() if line.strip()]
    assert len(said) == 1, rest
    return said[0]


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
    said = stopped_after_one_chunk(country_url, 1400)
    assert said.startswith("przerwano: w bazie 700 z 1 400 spraw, przerwana partia wycofana"), said
    assert "uruchom to samo polecenie ponownie" in said
    assert rows(country_url, "SELECT COUNT(*), COUNT(DISTINCT h.case_id) FROM case_file c"
                             " LEFT JOIN stage_history h ON h.case_id = c.id")[0][1] == 700  # fmt: skip
    assert rows(country_url, "SELECT COUNT(*) FROM bench_pending_index")[0][0] > 0  # indexes still to build
    topped_up = build(country_url, 2000)  # a rerun goes on from the highest case id
    assert topped_up.returncode == 0, topped_up.stderr
    assert "700 cases already there, adding 1,300" in topped_up.stdout

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
