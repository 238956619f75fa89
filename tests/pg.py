"""Throwaway PostgreSQL databases for tests, cloned from a template built once per worker."""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlparse, urlunparse

import psycopg2
import pytest

ENV = "OKIENKO_TEST_PG"


def admin_url() -> str | None:
    return os.environ.get(ENV) or None


def require_admin_url() -> str:
    url = admin_url()
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{ENV} is not set: on CI the PostgreSQL half of the suite must run, never skip")
    pytest.skip(f'{ENV} not set (run `eval "$(.ci/postgres.sh start)"` to include PostgreSQL)')


def with_database(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def admin_execute(sql: str) -> None:
    conn = psycopg2.connect(require_admin_url())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def create_database(template: str | None = None) -> tuple[str, str]:
    name = f"okienko_t_{uuid.uuid4().hex[:12]}"
    admin_execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name, with_database(require_admin_url(), name)


def drop_database(name: str) -> None:
    admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
