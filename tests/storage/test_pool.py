"""The PostgreSQL pool lends a connection it got back moments ago without a round trip to the server,
and checks one that lay idle longer, as peewee's pool always did (storage/pool.py)."""

from __future__ import annotations

import time

import psycopg2
import pytest

from storage import db as storage_db
from storage.errors import StoreUnavailable
from tests import pg
from tests.helpers import open_store

pytestmark = pytest.mark.postgres


def _backend_pid() -> int:
    with storage_db.unit_of_work():
        return storage_db.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def _end_backend(pid: int) -> None:
    """As an administrator's pg_terminate_backend or a server restart would: the pooled connection
    stays open on the portal's side and is dead on the server's."""
    conn = psycopg2.connect(pg.require_admin_url())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
            deadline = time.monotonic() + 30
            while True:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
                if cur.fetchone()[0] == 0:
                    return
                assert time.monotonic() < deadline, f"backend {pid} still there after 30 s"
                time.sleep(0.01)
    finally:
        conn.close()


def test_a_connection_back_in_the_pool_moments_ago_is_lent_without_asking_the_server(request, tmp_path, monkeypatch):
    for _ in open_store("postgresql", request, tmp_path, monkeypatch):
        monkeypatch.setattr(storage_db.database.obj, "recent_s", 3600)  # "moments ago" for the whole test
        pid = _backend_pid()
        _end_backend(pid)
        # Not pinged on the way out, so the unit of work that gets it meets the dead link itself: the
        # store's readable "unavailable", nothing written (the proof that no ping was sent) ...
        with pytest.raises(StoreUnavailable):
            _backend_pid()
        # ... and the broken connection is never lent again.
        assert _backend_pid() != pid


def test_a_connection_idle_longer_is_checked_and_a_dead_one_replaced_unseen(request, tmp_path, monkeypatch):
    for _ in open_store("postgresql", request, tmp_path, monkeypatch):
        monkeypatch.setattr(storage_db.database.obj, "recent_s", 0)  # every connection lent counts as idle long
        pid = _backend_pid()
        _end_backend(pid)
        assert _backend_pid() != pid  # the ping found it dead; a new connection answered, no error


def test_a_connection_with_a_transaction_left_open_is_rolled_back_before_it_is_lent(request, tmp_path, monkeypatch):
    for _ in open_store("postgresql", request, tmp_path, monkeypatch):
        monkeypatch.setattr(storage_db.database.obj, "recent_s", 3600)
        pool = storage_db.database.obj
        conn = pool.connection()
        conn.cursor().execute("BEGIN; CREATE TEMP TABLE left_behind (x int)")
        assert conn.get_transaction_status() != psycopg2.extensions.TRANSACTION_STATUS_IDLE
        pool.close()  # back to the pool with the transaction open: peewee rolls it back on the way in
        with storage_db.unit_of_work():
            lent = pool.connection()
            assert lent is conn
            assert lent.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_IDLE
            found = storage_db.database.execute_sql("SELECT to_regclass('pg_temp.left_behind')").fetchone()[0]
            assert found is None
