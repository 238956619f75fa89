"""On PostgreSQL the portal runs as a role that cannot read personal columns at all."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from urllib.parse import urlparse, urlunparse

import peewee
import pytest

import storage
from public_status.app import create_app
from public_status.settings import PortalSettings
from storage.admin import roles
from storage.cases import processing_times
from storage.db import database
from tests import pg
from tests.helpers import CLERK, register
from tests.portal.conftest import SECRET, Portal


@pytest.fixture
def public_role(store):
    if store.backend != "postgresql":
        pytest.skip("database roles exist only on PostgreSQL")
    role = f"okienko_portal_{uuid.uuid4().hex[:8]}"
    statements = roles.grant_public_role(role)
    assert any("GRANT SELECT (" in s for s in statements)
    parts = urlparse(store.url)
    # The throwaway test server trusts local connections, so the role logs in without a password.
    yield role, urlunparse(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}"))
    storage.open_database(store.url)
    storage.db.close_database()
    pg.admin_execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
    pg.admin_execute(f'DROP ROLE IF EXISTS "{role}"')


def assert_refused(statements: list[str]) -> None:
    """Each statement is refused to the role for lack of rights (each in a savepoint of its own,
    so one refusal does not end the transaction the next one runs in)."""
    for sql in statements:
        with pytest.raises(peewee.ProgrammingError, match="permission denied"), database.atomic():
            database.execute_sql(sql)


@pytest.mark.parametrize("store", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_portal_works_as_the_public_role_and_cannot_read_personal_data(store, public_role):
    role, role_url = public_role
    filing = register(applicant_name="Secret Applicant", phone="+48 604 111 222", missing=["photos"])
    storage.set_stage(filing.number, "missing_documents", clerk=CLERK)
    storage.add_deficiency(filing.number, clerk=CLERK, kind="flat_title", note="Uwaga dla wnioskodawcy.")

    processing_times.refresh_processing_times()  # as the hourly timer does, with the owner's rights
    storage.open_database(role_url)
    portal = Portal(create_app(PortalSettings(secret_key=SECRET)))
    assert portal.login(filing.number, "AAAA-BBBB-CCCC").status_code == 401  # writes a throttle row
    assert portal.login(filing.number, filing.password).status_code == 303
    page = portal.get("/status").get_data(as_text=True)
    assert "Czekamy na brakujące dokumenty" in page and "Uwaga dla wnioskodawcy." in page
    assert portal.get("/stages").status_code == 200 and portal.get("/contact").status_code == 200
    assert 'id="processing-heading"' in page  # the processing times are read as the role
    assert portal.get("/info/processing-times").status_code == 200

    refused = [
        "SELECT applicant_name FROM case_file",
        "SELECT phone FROM case_file",
        "SELECT surname_key FROM case_file",
        "SELECT * FROM case_file",
        "SELECT full_name FROM clerk",
        "SELECT * FROM audit_event",
        "SELECT * FROM sms_outbox",
        "SELECT clerk_id FROM stage_history",
        "SELECT created_by_id FROM deficiency",
        "UPDATE case_file SET closed = true",
        "DELETE FROM processing_time",
        "INSERT INTO stage_history (case_id, stage_id, changed_at) VALUES (1, 'closed', now())",
    ]
    with storage.unit_of_work():
        assert_refused(refused)
        (who,) = database.execute_sql("SELECT current_user").fetchone()
    assert who == role


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_role_is_refused_on_sqlite_with_a_clear_message(store):
    with pytest.raises(storage.DomainError, match="tylko PostgreSQL"):
        roles.grant_public_role("okienko_portal")


@pytest.fixture
def owned_store():
    """A store owned by a non-superuser role, as docs/operations.md sets one up (createuser + createdb --owner)."""
    pg.require_admin_url()
    suffix = uuid.uuid4().hex[:8]
    owner, other = f"okienko_owner_{suffix}", f"other_app_{suffix}"
    pg.admin_execute(f'CREATE ROLE "{owner}" LOGIN')  # as `createuser okienko`: no CREATEROLE yet
    pg.admin_execute(f'CREATE ROLE "{other}" LOGIN')  # some other system's role on the same server
    name, admin_url = pg.create_database()
    pg.admin_execute(f'ALTER DATABASE "{name}" OWNER TO "{owner}"')
    parts = urlparse(admin_url)
    url = urlunparse(parts._replace(netloc=f"{owner}@{parts.hostname}:{parts.port}"))
    storage.open_database(url)
    with storage.unit_of_work():
        database.execute_sql(f'ALTER SCHEMA public OWNER TO "{owner}"')  # as createdb --owner gives on PG 15
    storage.init()
    storage.load_fixtures()
    storage.create_clerk(CLERK, "Anna Nowak", "GDA", "clerk", "correct-horse-1")
    storage.db.close_database()
    yield {"owner": owner, "other": other, "url": url, "admin_url": admin_url}
    storage.db.close_database()
    pg.drop_database(name)
    for role in (owner, other):
        pg.admin_execute(f'DROP ROLE IF EXISTS "{role}"')


def grant(url: str, role: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OKIENKO_DB": url}
    return subprocess.run([sys.executable, "-m", "storage", "grant-public-role", role], capture_output=True, text=True,
                          env=env, timeout=60)  # fmt: skip


def refused_in_one_line(result: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr
    for word in words:
        assert word in result.stderr


@pytest.mark.postgres
def test_grant_refuses_roles_that_are_not_the_portals_and_the_store_keeps_working(owned_store):
    owner, url = owned_store["owner"], owned_store["url"]
    pg.admin_execute(f'ALTER ROLE "{owner}" CREATEROLE')
    refused_in_one_line(grant(url, owner), 2, owner, "łączy")  # the owner's own name
    refused_in_one_line(grant(url, "postgres"), 2, "superużytkownik")
    refused_in_one_line(grant(url, owned_store["other"]), 2, owned_store["other"], "nie jest rolą portalu")

    # Nothing was revoked from the owner: a write still works.
    storage.open_database(url)
    assert register(applicant_name="Still Writable").number
    storage.db.close_database()

    # The portal's own role: created, then refreshed by a second run.
    portal_role = f"okienko_portal_{uuid.uuid4().hex[:8]}"
    try:
        assert grant(url, portal_role).returncode == 0
        second = grant(url, portal_role)
        assert second.returncode == 0 and f'ALTER ROLE "{portal_role}"' in second.stdout
    finally:
        storage.open_database(owned_store["admin_url"])
        with storage.unit_of_work():
            database.execute_sql(f'DROP OWNED BY "{portal_role}"')
        storage.db.close_database()
        pg.admin_execute(f'DROP ROLE IF EXISTS "{portal_role}"')


@pytest.mark.postgres
def test_an_owner_without_createrole_gets_one_line_and_exit_3(owned_store):
    portal_role = f"okienko_portal_{uuid.uuid4().hex[:8]}"
    refused_in_one_line(grant(owned_store["url"], portal_role), 3, "CREATEROLE")
    storage.open_database(owned_store["admin_url"])
    with storage.unit_of_work():
        assert not database.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (portal_role,)).fetchone()
