"""The public site's PostgreSQL role: it can read only what the public projection and visit
booking need (whole catalogue tables, named columns of the case and visit tables) and write only
throttle and session rows, the read time of the office's messages, new visits and the columns
booking changes. It has no right on the SMS outbox: a visit's code text is queued (and a dead one
dropped) only through the SECURITY DEFINER functions of storage.visit_sms, which take a visit and
its code – never a recipient or a text.

Granting starts with REVOKE ALL, so pointed at the wrong role it would strip that role's rights:
given the owner's own name it broke every later write. Only a role this command made (marked
with a comment on the role) or a new one is touched. Creating a role needs CREATEROLE.
"""

from __future__ import annotations

import re

import peewee

from storage.db import database, is_postgres, write_transaction
from storage.errors import DomainError, StoreRefused
from storage.models import (
    Case,
    CaseType,
    CaseTypeGuide,
    Deficiency,
    DeficiencyKind,
    Fee,
    InfoText,
    LegalAct,
    LoginThrottle,
    Office,
    OfficeMessage,
    PortalSession,
    RequiredDocument,
    SmsOutbox,
    Stage,
    StageHistory,
    Visit,
    VisitGroup,
    VisitGroupOffice,
    VisitRules,
)
from storage.visit_sms import PG_FUNCTION_SIGNATURES
from storage.visits import PORTAL_READABLE, PORTAL_WRITABLE

ROLE_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
PORTAL_ROLE_MARK = "okienko: public portal role (storage grant-public-role)"
INSUFFICIENT_PRIVILEGE = "42501"

# Catalogues hold no personal data: readable whole.
READABLE_TABLES = (Office, CaseType, Fee, Stage, DeficiencyKind, RequiredDocument, LegalAct, CaseTypeGuide, InfoText,
                   VisitGroup, VisitGroupOffice, VisitRules)  # fmt: skip
# Only these columns; never the name, phone, clerks or audit.
READABLE_COLUMNS = {
    Case: (Case.id, Case.number, Case.case_type, Case.office, Case.filed_on, Case.stage, Case.closed,
           Case.credential_version, Case.public_version, Case.password_hash),
    StageHistory: (StageHistory.id, StageHistory.case, StageHistory.stage, StageHistory.changed_at,
                   StageHistory.withdrawn_at),
    Deficiency: (Deficiency.id, Deficiency.case, Deficiency.kind, Deficiency.free_text, Deficiency.note,
                 Deficiency.resolved_at),
    # A message without its clerk or template: what the status page shows, and whether it was read.
    OfficeMessage: (OfficeMessage.id, OfficeMessage.case, OfficeMessage.language, OfficeMessage.body,
                    OfficeMessage.created_at, OfficeMessage.read_at),
    # A visit without its name, phone or clerk (storage.visits names these columns in every portal query).
    Visit: PORTAL_READABLE,
}  # fmt: skip
# Opening the status page marks the case's messages read; booking holds, confirms and cancels a
# visit and cancels its queued code texts; nothing else of these tables may change.
WRITABLE_COLUMNS = {
    OfficeMessage: (OfficeMessage.read_at,),
    Visit: PORTAL_WRITABLE,
}
WRITABLE_TABLES = (LoginThrottle, PortalSession)
# A new booking writes the name and phone it may never read back.
# INSERT … RETURNING id needs SELECT on id only (granted above) and the id sequence.
INSERTABLE_TABLES = (Visit,)
# Not one right on the outbox: a compromised portal could otherwise text every applicant whatever
# it liked. A visit's code text goes through these functions (storage.visit_sms).
NO_RIGHTS_TABLES = (SmsOutbox,)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_public_role(role: str, password: str | None = None) -> list[str]:
    """Create or update `role`; returns the statements run (password masked).

    DomainError for a role that must not become the portal's; StoreRefused when the connecting
    role lacks a privilege (CREATEROLE)."""
    if not is_postgres():
        raise DomainError("database", "rola dla portalu dotyczy tylko PostgreSQL (OKIENKO_DB=postgresql://…)")
    if not ROLE_PATTERN.match(role or "") or role == "public" or role.startswith("pg_"):
        raise DomainError(
            "role", "nazwa roli: małe litery, cyfry i _, na początku litera lub _ (do 63 znaków), nie public ani pg_…"
        )
    try:
        with write_transaction():
            return _grant(role, password)
    except peewee.ProgrammingError as exc:
        cause = exc.__context__
        if getattr(cause, "pgcode", None) != INSUFFICIENT_PRIVILEGE:
            raise
        raise StoreRefused(f"{str(exc).strip().splitlines()[0]} – {_needs_createrole()}") from None


def _needs_createrole() -> str:
    return "rola właściciela bazy potrzebuje uprawnienia CREATEROLE (superużytkownik: ALTER ROLE … CREATEROLE)"


def _grant(role: str, password: str | None) -> list[str]:
    me, can_create = database.execute_sql(
        "SELECT rolname, rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    if role == me:
        raise DomainError("role", f"{role} to rola, którą program łączy się z bazą – portal potrzebuje osobnej roli")
    existing = database.execute_sql(
        "SELECT rolsuper, shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = %s", (role,)
    ).fetchone()
    if existing and existing[0]:
        raise DomainError("role", f"{role} jest superużytkownikiem – portal nie może łączyć się jako taka rola")
    if existing and existing[1] != PORTAL_ROLE_MARK:
        raise DomainError(
            "role", f"rola {role} już istnieje i nie jest rolą portalu (nie utworzyło jej grant-public-role) – "
            "wybierz inną nazwę"
        )  # fmt: skip
    if not can_create:
        raise StoreRefused(f"{me} nie może tworzyć ani zmieniać ról – {_needs_createrole()}")
    done: list[str] = []

    def run(sql: str, params: tuple = (), shown: str | None = None) -> None:
        database.execute_sql(sql, params)
        done.append(shown or sql)

    verb = "ALTER" if existing else "CREATE"
    if password:
        run(f"{verb} ROLE {_q(role)} LOGIN PASSWORD %s", (password,), f"{verb} ROLE {role} LOGIN PASSWORD '***'")
    else:
        run(f"{verb} ROLE {_q(role)} LOGIN")
    run(f"COMMENT ON ROLE {_q(role)} IS %s", (PORTAL_ROLE_MARK,), f"COMMENT ON ROLE {role} IS '{PORTAL_ROLE_MARK}'")
    (dbname,) = database.execute_sql("SELECT current_database()").fetchone()
    run(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {_q(role)}")
    run(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {_q(role)}")
    run(f"GRANT CONNECT ON DATABASE {_q(dbname)} TO {_q(role)}")
    run(f"GRANT USAGE ON SCHEMA public TO {_q(role)}")
    for model in READABLE_TABLES:
        run(f"GRANT SELECT ON {_q(model._meta.table_name)} TO {_q(role)}")
    for model, fields in READABLE_COLUMNS.items():
        columns = ", ".join(_q(f.column_name) for f in fields)
        run(f"GRANT SELECT ({columns}) ON {_q(model._meta.table_name)} TO {_q(role)}")
    # The portal checks the schema version at start (storage.schema.require_current).
    run(f"GRANT SELECT ON {_q('schema_migration')} TO {_q(role)}")
    for model, fields in WRITABLE_COLUMNS.items():
        columns = ", ".join(_q(f.column_name) for f in fields)
        run(f"GRANT UPDATE ({columns}) ON {_q(model._meta.table_name)} TO {_q(role)}")
    for model in WRITABLE_TABLES:
        run(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {_q(model._meta.table_name)} TO {_q(role)}")
    for model in INSERTABLE_TABLES:
        table = model._meta.table_name
        run(f"GRANT INSERT ON {_q(table)} TO {_q(role)}")
        (sequence,) = database.execute_sql(
            "SELECT pg_get_serial_sequence(%s, %s)", (_q(table), model._meta.primary_key.column_name)
        ).fetchone()
        run(f"GRANT USAGE ON SEQUENCE {sequence} TO {_q(role)}")
    for model in NO_RIGHTS_TABLES:  # already revoked above with ALL TABLES; said once more, on purpose
        run(f"REVOKE ALL ON {_q(model._meta.table_name)} FROM {_q(role)}")
    for signature in PG_FUNCTION_SIGNATURES:
        run(f"GRANT EXECUTE ON FUNCTION {signature} TO {_q(role)}")
    return done
