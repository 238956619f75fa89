"""The public site's PostgreSQL role: it can read only what the public projection and visit
booking need (whole catalogue tables, named columns of the case and visit tables) and write only
throttle and session rows, the read time of the office's messages, new visits and the columns
booking changes. It has no right on the SMS outbox: a visit's code text is queued (and a dead one
dropped) only through the SECURITY DEFINER functions of storage.delivery.code_texts, which take a visit and
its code – never a recipient or a text.

Granting starts with REVOKE ALL, so pointed at the wrong role it would strip that role's rights:
given the owner's own name it broke every later write. Only a role this command made (marked
with a comment on the role) or a new one is touched. Creating a role needs CREATEROLE.
"""

from __future__ import annotations

import re

import peewee
from psycopg2 import sql
from psycopg2.extensions import encrypt_password

from storage.db import database, is_postgres, write_transaction
from storage.delivery.code_texts import PG_FUNCTION_SIGNATURES
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
    ProcessingTime,
    RequiredDocument,
    SmsOutbox,
    Stage,
    StageHistory,
    Visit,
    VisitGroup,
    VisitGroupOffice,
    VisitRules,
)
from storage.visits.fields import PORTAL_READABLE, PORTAL_WRITABLE

ROLE_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# PostgreSQL refuses these as role names (CREATE ROLE: "role name … is reserved"), whatever the quoting.
RESERVED_ROLES = ("public", "none")
RESERVED_PREFIX = "pg_"
MAX_ROLE_PASSWORD = 200
PORTAL_ROLE_MARK = "okienko: public portal role (storage grant-public-role)"
INSUFFICIENT_PRIVILEGE = "42501"
RESERVED_NAME = "42939"

# Catalogues hold no personal data: readable whole; so do the processing times (figures of groups of cases).
READABLE_TABLES = (Office, CaseType, Fee, Stage, DeficiencyKind, RequiredDocument, LegalAct, CaseTypeGuide, InfoText,
                   VisitGroup, VisitGroupOffice, VisitRules, ProcessingTime)  # fmt: skip
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
# it liked. A visit's code text goes through these functions (storage.delivery.code_texts).
NO_RIGHTS_TABLES = (SmsOutbox,)


def _q(name: str) -> str:
    """`name` quoted as an identifier by psycopg2 (only called inside a transaction: it needs the connection)."""
    return sql.Identifier(name).as_string(database.connection())


def check_role_password(password: str | None) -> None:
    """None means a role without a password (local trust or peer login); a given one must be usable."""
    if password is None:
        return
    if not password:
        raise DomainError("password", "puste hasło – podaj hasło roli w jednym wierszu na wejściu")
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        raise DomainError("password", "hasło roli nie może zawierać znaków sterujących (np. NUL, tabulatora)")
    if password.strip() != password or len(password) > MAX_ROLE_PASSWORD:
        rule = f"hasło roli: bez spacji na początku i końcu, najwyżej {MAX_ROLE_PASSWORD} znaków"
        raise DomainError("password", rule)
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:  # bytes that were not UTF-8 on the input, kept as surrogates by Python
        raise DomainError("password", "hasło roli nie jest tekstem UTF-8") from None


def check_role_name(role: str) -> None:
    """A name the portal's URL, pg_hba.conf and psql take as typed: no quoting, nothing PostgreSQL reserves."""
    if not ROLE_PATTERN.match(role or ""):
        raise DomainError(
            "role", f"{role!r}: nazwa roli to małe litery, cyfry i _, na początku litera lub _ (do 63 znaków)"
        )
    if role in RESERVED_ROLES or role.startswith(RESERVED_PREFIX):
        raise DomainError("role", f"nazwy {role} PostgreSQL nie pozwala nadać roli (zastrzeżone: public, none, pg_…)")


def written_tables(statements: list[str]) -> list[str]:
    """The tables the statements let the role change (INSERT, UPDATE or DELETE), for the summary line."""
    written: dict[str, None] = {}
    for statement in statements:
        grant = re.match(r"GRANT (.+?) ON (?:TABLE )?(\S+) TO ", statement)
        if grant and re.search(r"\b(INSERT|UPDATE|DELETE)\b", grant[1]):
            written[grant[2].strip('"')] = None
    return list(written)


def grant_public_role(role: str, password: str | None = None) -> list[str]:
    """Create or update `role`; returns the statements run (password masked).

    DomainError for a role that must not become the portal's; StoreRefused when the connecting
    role lacks a privilege (CREATEROLE)."""
    if not is_postgres():
        raise DomainError("database", "rola dla portalu dotyczy tylko PostgreSQL (OKIENKO_DB=postgresql://…)")
    check_role_name(role)
    check_role_password(password)
    try:
        with write_transaction():
            return _grant(role, password)
    except peewee.DatabaseError as exc:
        # The server's first line only: the lines after it quote the statement.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        code = getattr(exc.__context__, "pgcode", None)
        if code == INSUFFICIENT_PRIVILEGE:
            raise StoreRefused(f"{first} – {_needs_createrole()}") from None
        if code == RESERVED_NAME:
            raise DomainError("role", first) from None
        raise StoreRefused(first) from None


def _needs_createrole() -> str:
    return "rola właściciela bazy potrzebuje uprawnienia CREATEROLE (superużytkownik: ALTER ROLE … CREATEROLE)"


def _grant(role: str, password: str | None) -> list[str]:
    me, can_create = database.execute_sql(
        "SELECT rolname, rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    if role == me:
        raise DomainError("role", f"{role} to rola, którą program łączy się z bazą – portal potrzebuje osobnej roli")
    # SQL keywords other than the unreserved ones need quotes in GRANT, psql and pg_hba.conf (this
    # server's own list: it grows with the version).
    keyword = database.execute_sql(
        "SELECT catdesc FROM pg_get_keywords() WHERE word = %s AND catcode <> 'U'", (role,)
    ).fetchone()
    if keyword:
        raise DomainError(
            "role", f"{role} to słowo kluczowe SQL ({keyword[0]}) – wybierz inną nazwę (np. okienko_portal)"
        )
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
    if password is not None:
        # The server gets the SCRAM verifier, never the password: a failed statement is echoed in
        # errors and in the server's log (log_min_error_statement), and the verifier reveals nothing.
        verifier = encrypt_password(password, role, database.connection())
        statement = sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(verifier))
        run(statement.as_string(database.connection()), (), f"{verb} ROLE {_q(role)} LOGIN PASSWORD '***'")
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
