"""Every storage test runs once on SQLite and once on a real PostgreSQL server."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Cost 4 keeps hashing fast in tests; production default is 12.
os.environ["OKIENKO_BCRYPT_COST"] = "4"
# The password-check slots are shared by every portal process of a machine: each test process (and
# the servers it starts) gets slots of its own, so parallel tests never answer each other "busy".
# (The folder is removed when the test process ends.)
os.environ["OKIENKO_CHECK_SLOTS_DIR"] = (_CHECK_SLOTS := tempfile.TemporaryDirectory(prefix="okienko-test-slots-")).name

import pytest

from storage import db as storage_db
from tests import pg
from tests.helpers import Store, open_store, prepare_store


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    pg.require_admin_url()
    name, url = pg.create_database()
    prepare_store(url)
    yield name
    pg.drop_database(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One prepared SQLite store per test process, copied for each test: preparing one (schema,
    catalogues, three clerks) costs about 0.3 s, a copy a few ms."""
    path = tmp_path_factory.mktemp("template") / "okienko.sqlite3"
    prepare_store(f"sqlite:///{path}")
    # prepare_store closed every connection, so SQLite has checkpointed and removed its WAL file:
    # the main file alone is the whole store.
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path, monkeypatch) -> Iterator[Store]:
    """A prepared store (schema, catalogues, clerks anna/piotr/admin) on each backend."""
    yield from open_store(request.param, request, tmp_path, monkeypatch)


@pytest.fixture
def empty_store_url(request, tmp_path) -> Iterator[tuple[str, str]]:
    """(backend, url) of an empty database, parametrised by the test itself."""
    backend = request.param
    if backend == "sqlite":
        yield backend, f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name, url = pg.create_database()
    try:
        yield backend, url
    finally:
        storage_db.close_database()
        pg.drop_database(name)
