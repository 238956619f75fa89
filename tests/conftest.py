"""Every storage test runs once on SQLite and once on a real PostgreSQL server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

# Cost 4 keeps hashing fast in tests; production default is 12.
os.environ["OKIENKO_BCRYPT_COST"] = "4"

import pytest

import storage
from storage import db as storage_db
from tests import pg

CLERK = "anna"
CLERK_SLU = "piotr"
ADMIN = "admin"
CLERK_PASSWORD = "correct-horse-1"


@dataclass
class Store:
    backend: str
    url: str


def _prepare(url: str) -> None:
    storage.open_database(url)
    storage.init()
    storage.load_fixtures()
    storage.create_clerk(CLERK, "Anna Nowak", "GDA", "clerk", CLERK_PASSWORD)
    storage.create_clerk(CLERK_SLU, "Piotr Wiśniewski", "SLU", "clerk", CLERK_PASSWORD)
    storage.create_clerk(ADMIN, "Katarzyna Zielińska", "GDA", "admin", CLERK_PASSWORD)
    storage_db.close_database()


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    pg.require_admin_url()
    name, url = pg.create_database()
    _prepare(url)
    yield name
    pg.drop_database(name)


def _open_store(backend: str, request: pytest.FixtureRequest, tmp_path, monkeypatch) -> Iterator[Store]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'okienko.sqlite3'}"
        _prepare(url)
        dbname = None
    else:
        template = request.getfixturevalue("pg_template")
        dbname, url = pg.create_database(template)
    monkeypatch.setenv("OKIENKO_DB", url)
    storage.open_database(url)
    try:
        yield Store(backend, url)
    finally:
        storage_db.close_database()
        if dbname:
            pg.drop_database(dbname)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path, monkeypatch) -> Iterator[Store]:
    """A prepared store (schema, catalogues, clerks anna/piotr/admin) on each backend."""
    yield from _open_store(request.param, request, tmp_path, monkeypatch)


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


def register(**overrides) -> storage.records.RegisteredFiling:
    values = {
        "clerk": CLERK,
        "case_type": "temp_work",
        "applicant_name": "Olena Kovalenko",
        "phone": "+48 501 234 567",
        "language": "uk",
    }
    values.update(overrides)
    return storage.register_filing(**values)
