"""A store made by the previous release opens, upgrades and answers exactly as it did there.

tests/data/previous_release holds a SQLite file and a PostgreSQL dump built by the release before
`storage/` was rebuilt in rooms (commit 58c43ae, schema 0022; build.py says how), together with
every row and every answer the clerk app's and the portal's facades gave on them then. This code
migrates the same stores with the real command line and must find every old row unchanged (new
columns and migrations may be added) and give the very same answers. A deliberate change of an
answer is made here by rebuilding the expectations, never by loosening the comparison.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests import pg
from tests.storage.release_answers import facade_answers, row_key, table_rows

DATA = Path(__file__).resolve().parents[1] / "data" / "previous_release"
ROOT = Path(__file__).resolve().parents[2]


def _expected(backend: str) -> dict[str, Any]:
    return json.loads(gzip.decompress((DATA / f"expected_{backend}.json.gz").read_bytes()))


def _sqlite_store(tmp_path: Path) -> str:
    path = tmp_path / "previous.sqlite3"
    path.write_bytes(gzip.decompress((DATA / "store.sqlite3.gz").read_bytes()))
    return f"sqlite:///{path}"


def _postgresql_store() -> tuple[str, str]:
    name, url = pg.create_database()
    # `\restrict` lines come from newer pg_dump builds; an older psql would stop on them.
    dump = "\n".join(
        line
        for line in gzip.decompress((DATA / "store_pg.sql.gz").read_bytes()).decode().splitlines()
        if not line.startswith(("\\restrict", "\\unrestrict"))
    )
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", url], input=dump, text=True, check=True)
    return name, url


def _migrate(url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "storage", "migrate", "--db", url],
        cwd=ROOT,
        env={**os.environ, "OKIENKO_DB": url},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def _assert_rows_kept(expected: dict[str, list[dict]], found: dict[str, list[dict]]) -> None:
    for table, old_rows in expected.items():
        assert table in found, f"table {table} is gone"
        old_columns = set(old_rows[0]) if old_rows else set()
        projected = sorted(({k: row[k] for k in old_columns} for row in found[table]), key=row_key)
        if table == "schema_migration":
            missing = [r for r in old_rows if r not in projected]
            assert not missing, f"applied migrations forgotten: {missing}"
            continue
        assert projected == old_rows, f"rows of {table} differ after the upgrade"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_store_of_the_previous_release_keeps_every_row_and_answer(backend, tmp_path):
    from storage import desk

    expected = _expected(backend)
    database = None
    if backend == "sqlite":
        url = _sqlite_store(tmp_path)
    else:
        database, url = _postgresql_store()
    try:
        _migrate(url)
        _assert_rows_kept(expected["rows"], table_rows(url))
        desk.open_current(url)
        answers = facade_answers()
        assert sorted(answers) == sorted(expected["answers"])
        as_stored = json.loads(json.dumps(answers))
        differ = [key for key in expected["answers"] if as_stored[key] != expected["answers"][key]]
        assert not differ, f"{len(differ)} answers differ, first: {differ[:5]}"
    finally:
        if database:
            from storage import db

            db.database.close()
            pg.drop_database(database)
