"""Builds the stores of tests/storage/test_previous_release_upgrade.py with the PREVIOUS release.

Run from a checkout of that release (commit 58c43ae, schema 0022), with this repository's tests on
the path for the capture code:

    git worktree add --detach /tmp/prev-release 58c43ae
    cd /tmp/prev-release
    PYTHONPATH=/tmp/prev-release python <this repo>/tests/data/previous_release/build.py \
        <this repo>/tests/data/previous_release postgresql://postgres@127.0.0.1:54329/postgres

It writes store.sqlite3.gz and store_pg.sql.gz (a plain pg_dump) plus expected_<backend>.json.gz: every row
and every facade answer as that release gave them. Module paths below are the old release's.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg2

# By file path: the old checkout has a `tests` package of its own, without this module.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "storage"))
from release_answers import facade_answers, table_rows


def activity() -> None:
    """Beyond the demo: a message, e-mail, logins good and bad, so that more tables hold rows."""
    from storage import demo, messages, public
    from storage.errors import DomainError

    summary = demo.build_demo(case_count=40, seed=2027, history=True)
    text = "Proszę donieść zdjęcie [b]x[/b] <i>y</i>"
    messages.write_message(summary.sample_number, clerk=summary.clerk_login, text=text)
    for password in ("zle-haslo", summary.sample_password):
        with contextlib.suppress(DomainError):
            public.applicant_login(summary.sample_number, password, "198.51.100.7")


def build(url: str) -> dict:
    from storage import db, schema

    db.open_database(url)
    activity()
    schema.open_current(url)
    return {"rows": table_rows(url), "answers": facade_answers()}


def main(out: Path, pg_admin: str) -> None:
    sqlite_file = Path("/tmp/okienko-prev.sqlite3")
    sqlite_file.unlink(missing_ok=True)
    captured = build(f"sqlite:///{sqlite_file}")
    # The backup API, not a file copy: the last writes may still sit in the write-ahead log.
    single = sqlite_file.with_suffix(".single")
    single.unlink(missing_ok=True)
    with sqlite3.connect(sqlite_file) as source, sqlite3.connect(single) as target:
        source.backup(target)
    (out / "store.sqlite3.gz").write_bytes(gzip.compress(single.read_bytes(), 9))
    write_json(out / "expected_sqlite.json.gz", captured)

    conn = psycopg2.connect(pg_admin)
    conn.autocommit = True
    conn.cursor().execute("DROP DATABASE IF EXISTS okienko_prev_release")
    conn.cursor().execute("CREATE DATABASE okienko_prev_release")
    conn.close()
    pg_url = pg_admin.rsplit("/", 1)[0] + "/okienko_prev_release"
    captured = build(pg_url)
    write_json(out / "expected_postgresql.json.gz", captured)
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", "--dbname", pg_url], check=True, capture_output=True, text=True
    ).stdout
    (out / "store_pg.sql.gz").write_bytes(gzip.compress(dump.encode(), 9))


def write_json(path: Path, captured: dict) -> None:
    path.write_bytes(gzip.compress(json.dumps(captured, ensure_ascii=False, sort_keys=True, indent=0).encode(), 9))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
