"""`/health` and `/ready`: JSON, no case data, 503 when the database is gone, always within 200 ms."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import storage
from public_status.app import create_app
from public_status.settings import PortalSettings
from storage import db as storage_db
from tests import pg
from tests.helpers import register
from tests.portal.browser import free_port
from tests.portal.conftest import SECRET, Portal

LIMIT_S = 0.2


def timed_get(portal: Portal, path: str):
    started = time.perf_counter()
    response = portal.get(path)
    took = time.perf_counter() - started
    print(f"{path} -> {response.status_code} in {took * 1000:.1f} ms")
    return response, took


def test_health_and_ready_with_the_database_up(portal, store):
    filing = register()
    health, _ = timed_get(portal, "/health")
    assert health.status_code == 200 and health.get_json() == {"status": "up"}
    portal.get("/ready")  # the first request pays for Flask's own warm-up
    ready, took = timed_get(portal, "/ready")
    assert ready.status_code == 200, ready.get_data(as_text=True)
    body = ready.get_json()
    assert body["status"] == "ready" and body["database"] == "ok"
    assert took < LIMIT_S, f"/ready took {took * 1000:.0f} ms"
    assert ready.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in ready.headers
    text = ready.get_data(as_text=True) + health.get_data(as_text=True)
    assert filing.number not in text and "Kovalenko" not in text


def _sqlite_path(store) -> Path:
    return Path(store.url.removeprefix("sqlite:///"))


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_ready_is_503_when_the_sqlite_file_is_removed(portal, store):
    portal.get("/ready")
    assert portal.get("/ready").status_code == 200  # a pooled connection now holds the file open
    path = _sqlite_path(store)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    response, took = timed_get(portal, "/ready")
    assert response.status_code == 503 and response.get_json()["status"] == "not ready"
    assert took < LIMIT_S, f"/ready took {took * 1000:.0f} ms"
    assert not path.exists(), "the probe must not create an empty store in its place"
    assert portal.get("/health").status_code == 200


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_ready_is_503_when_the_sqlite_file_is_not_a_database(portal, store):
    # Root can read any file, so "unreadable" is shown as a file SQLite cannot read as a store.
    path = _sqlite_path(store)
    storage_db.close_database()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"not a database at all " * 200)
    response, took = timed_get(portal, "/ready")
    assert response.status_code == 503 and took < LIMIT_S


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_ready_is_503_when_the_postgres_database_is_dropped(portal, store):
    assert portal.get("/ready").status_code == 200
    storage_db.close_database()
    pg.drop_database(store.url.rsplit("/", 1)[1])
    response, took = timed_get(portal, "/ready")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"
    assert took < LIMIT_S, f"/ready took {took * 1000:.0f} ms"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda: f"postgresql://postgres@127.0.0.1:{free_port()}/okienko", id="stopped-server"),
        # A black-holed address: the connect never completes, the probe's own deadline answers.
        pytest.param(lambda: "postgresql://postgres@10.255.255.1:5432/okienko", id="unreachable-host"),
    ],
)
def test_ready_is_503_within_200_ms_when_postgres_cannot_be_reached(url, monkeypatch):
    storage.open_database(url())
    try:
        portal = Portal(create_app(PortalSettings(secret_key=SECRET)))
        assert portal.get("/health").status_code == 200
        response, took = timed_get(portal, "/ready")
        assert response.status_code == 503 and response.get_json()["status"] == "not ready"
        assert "10.255" not in response.get_data(as_text=True) and "127.0.0.1" not in response.get_data(as_text=True)
        assert took < LIMIT_S, f"/ready took {took * 1000:.0f} ms"
    finally:
        storage_db.close_database()
