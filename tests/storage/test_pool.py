"""The PostgreSQL pool lends a connection it got back moments ago without a round trip to the server
unless the server has written to it since, and checks one that lay idle longer, as peewee's pool
always did (storage/pool.py)."""

from __future__ import annotations

import time

import psycopg2
import pytest

from storage import db as storage_db
from storage import pool as pool_module
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


def _last_statement_of(pid: int) -> str:
    """What the backend ran last, as the server saw it (read from another connection)."""
    conn = psycopg2.connect(pg.require_admin_url())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", (pid,))
            return cur.fetchone()[0]
    finally:
        conn.close()


MARKER = "SELECT pg_backend_pid() /* the unit of work's own statement */"


@pytest.mark.parametrize(("recent_s", "sent_before_the_work"), [(3600, MARKER), (0, "SELECT 1")])
def test_a_connection_back_moments_ago_is_lent_without_asking_the_server_and_one_idle_longer_is_asked(
    request, tmp_path, monkeypatch, recent_s, sent_before_the_work
):
    for _ in open_store("postgresql", request, tmp_path, monkeypatch):
        monkeypatch.setattr(storage_db.database.obj, "recent_s", recent_s)
        with storage_db.unit_of_work():
            pid = storage_db.database.execute_sql(MARKER).fetchone()[0]
        with storage_db.unit_of_work():
            assert storage_db.database.connection().info.backend_pid == pid  # the same connection, lent again
            assert _last_statement_of(pid) == sent_before_the_work


def test_a_connection_ended_while_in_the_pool_is_replaced_unseen(request, tmp_path, monkeypatch):
    for _ in open_store("postgresql", request, tmp_path, monkeypatch):
        monkeypatch.setattr(storage_db.database.obj, "recent_s", 3600)  # "moments ago" for the whole test
        pid = _backend_pid()
        _end_backend(pid)  # the server's last words wait on the socket: the pool asks, finds it dead
        assert _backend_pid() != pid


def test_a_connection_ended_while_a_unit_of_work_holds_it_is_replaced_unseen(request, tmp_path, monkeypatch):
    for _ in open_store("postgresql", request, tmp_path, monkeypatch):
        monkeypatch.setattr(storage_db.database.obj, "recent_s", 3600)
        with storage_db.unit_of_work():
            pid = storage_db.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
            _end_backend(pid)
        # Given back after its end, so "moments ago" by the clock; the socket says otherwise.
        assert _backend_pid() != pid


def test_an_end_not_yet_visible_fails_one_unit_of_work_readably_and_the_connection_is_dropped(
    request, tmp_path, monkeypatch
):
    # As when the server's last bytes are still on their way across a network: nothing to read yet.
    monkeypatch.setattr(pool_module, "_has_something_to_read", lambda conn: False)
    for _ in open_store("postgresql", request, tmp_path, monkeypatch):
        monkeypatch.setattr(storage_db.database.obj, "recent_s", 3600)
        pid = _backend_pid()
        _end_backend(pid)
        with pytest.raises(StoreUnavailable):
            _backend_pid()
        assert _backend_pid() != pid  # never lent again


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
