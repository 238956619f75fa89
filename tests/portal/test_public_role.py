"""On PostgreSQL the portal runs as a role that cannot read personal columns at all."""

from __future__ import annotations

import uuid
from urllib.parse import urlparse, urlunparse

import peewee
import pytest

import storage
from public_status.app import create_app
from public_status.settings import PortalSettings
from storage import roles
from storage.db import database
from tests import pg
from tests.conftest import CLERK, register
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


@pytest.mark.parametrize("store", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_portal_works_as_the_public_role_and_cannot_read_personal_data(store, public_role):
    role, role_url = public_role
    filing = register(applicant_name="Secret Applicant", phone="+48 604 111 222", missing=["photos"])
    storage.set_stage(filing.number, "missing_documents", clerk=CLERK)
    storage.add_deficiency(filing.number, clerk=CLERK, kind="flat_title", note="Uwaga dla wnioskodawcy.")

    storage.open_database(role_url)
    portal = Portal(create_app(PortalSettings(secret_key=SECRET)))
    assert portal.login(filing.number, "AAAA-BBBB-CCCC").status_code == 401  # writes a throttle row
    assert portal.login(filing.number, filing.password).status_code == 303
    page = portal.get("/status").get_data(as_text=True)
    assert "Czekamy na brakujące dokumenty" in page and "Uwaga dla wnioskodawcy." in page
    assert portal.get("/stages").status_code == 200 and portal.get("/contact").status_code == 200

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
        "INSERT INTO stage_history (case_id, stage_id, changed_at) VALUES (1, 'closed', now())",
    ]
    with storage.unit_of_work():
        for sql in refused:
            with pytest.raises(peewee.ProgrammingError, match="permission denied"), database.atomic():
                database.execute_sql(sql)
        (who,) = database.execute_sql("SELECT current_user").fetchone()
    assert who == role


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_role_is_refused_on_sqlite_with_a_clear_message(store):
    with pytest.raises(storage.DomainError, match="tylko PostgreSQL"):
        roles.grant_public_role("okienko_portal")
