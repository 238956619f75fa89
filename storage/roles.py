"""The public site's PostgreSQL role: it can read only what the public projection needs
(whole catalogue tables, named columns of the case tables) and write only throttle rows."""

from __future__ import annotations

import re

from storage.db import database, is_postgres, write_transaction
from storage.errors import DomainError
from storage.models import (
    Case,
    CaseType,
    Deficiency,
    DeficiencyKind,
    Fee,
    LoginThrottle,
    Office,
    RequiredDocument,
    Stage,
    StageHistory,
)

ROLE_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# Catalogues hold no personal data: readable whole.
READABLE_TABLES = (Office, CaseType, Fee, Stage, DeficiencyKind, RequiredDocument)
# Only these columns; never the name, phone, clerks or audit.
READABLE_COLUMNS = {
    Case: (Case.id, Case.number, Case.case_type, Case.filed_on, Case.stage, Case.closed, Case.credential_version,
           Case.public_version, Case.password_hash),
    StageHistory: (StageHistory.id, StageHistory.case, StageHistory.stage, StageHistory.changed_at,
                   StageHistory.withdrawn_at),
    Deficiency: (Deficiency.id, Deficiency.case, Deficiency.kind, Deficiency.free_text, Deficiency.note,
                 Deficiency.resolved_at),
}  # fmt: skip
WRITABLE_TABLES = (LoginThrottle,)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_public_role(role: str, password: str | None = None) -> list[str]:
    """Create or update `role`; returns the statements run (password masked)."""
    if not is_postgres():
        raise DomainError("database", "rola dla portalu dotyczy tylko PostgreSQL (OKIENKO_DB=postgresql://…)")
    if not ROLE_PATTERN.match(role or ""):
        raise DomainError("role", "nazwa roli: małe litery, cyfry i _, na początku litera lub _ (do 63 znaków)")
    done: list[str] = []

    def run(sql: str, params: tuple = (), shown: str | None = None) -> None:
        database.execute_sql(sql, params)
        done.append(shown or sql)

    with write_transaction():
        exists = database.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        if password:
            run(f"{verb} ROLE {_q(role)} LOGIN PASSWORD %s", (password,), f"{verb} ROLE {role} LOGIN PASSWORD '***'")
        else:
            run(f"{verb} ROLE {_q(role)} LOGIN")
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
        for model in WRITABLE_TABLES:
            run(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {_q(model._meta.table_name)} TO {_q(role)}")
    return done
