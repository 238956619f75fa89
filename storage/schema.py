"""Creating and migrating the schema.

A new store is created from the models and stamped with every migration file present;
an existing store gets the migration files it has not applied yet (peewee's
`playhouse.migrations.Runner`, history in the `schema_migration` table). A migration file
therefore describes the change from the previous schema in plain table/column names and
never imports the models, which keep moving.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import peewee
from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from storage.db import database, is_postgres, open_database, unit_of_work
from storage.errors import DomainError
from storage.models import ALL_MODELS, AuditEvent

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Indexes made by hand in _backend_specific_sql(); the models cannot declare them.
BACKEND_EXTRA_INDEXES = {"case_file_surname_key_c", "case_name_token_c"}
# The PostgreSQL functions of storage.delivery.code_texts are written once, in these migrations; a fresh
# store runs the same statements. A migration that redefines one of them joins this list after them.
PG_FUNCTION_MIGRATIONS = ("0018_fair_code_texts", "0021_visit_booked_text")


def _runner(migrations_dir: Path | None) -> Runner:
    return Runner(database.obj, directory=str(migrations_dir or MIGRATIONS_DIR))


def _migrations_pg_functions() -> list[str]:
    """The statements that create the portal's SECURITY DEFINER functions, as their migrations wrote them."""
    return [
        statement
        for name in PG_FUNCTION_MIGRATIONS
        for statement in importlib.import_module(f"storage.migrations.{name}").PG_FUNCTIONS
    ]


def _backend_specific_sql() -> list[str]:
    """What peewee's models cannot express: audit immutability and PostgreSQL's prefix index."""
    table = AuditEvent._meta.table_name
    if is_postgres():
        return [
            # Surname-prefix search: LIKE and ORDER BY in the C collation (migration 0002 says why).
            'CREATE INDEX IF NOT EXISTS case_file_surname_key_c ON case_file ((surname_key COLLATE "C"), id)',
            # Any-word name search: prefix ranges compared byte-wise (migration 0006).
            'CREATE INDEX IF NOT EXISTS case_name_token_c ON case_name_token ((token COLLATE "C"), case_id)',
            # Closed cases stand at the closing stage: the planner's estimates need to know (migration 0024).
            "CREATE STATISTICS IF NOT EXISTS case_file_closed_stage (dependencies, mcv) ON closed, stage_id"
            " FROM case_file",
            """CREATE OR REPLACE FUNCTION okienko_audit_is_append_only() RETURNS trigger
               LANGUAGE plpgsql AS $$
               BEGIN RAISE EXCEPTION 'audit trail is append-only'; END $$""",
            f"DROP TRIGGER IF EXISTS audit_append_only ON {table}",
            f"""CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION okienko_audit_is_append_only()""",
            # The portal's only way to queue a visit's texts (storage.delivery.code_texts, migrations 0018, 0021).
            *_migrations_pg_functions(),
        ]
    return [
        f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
    ]


def is_initialised() -> bool:
    with unit_of_work():
        return database.table_exists("case_file")


def init(migrations_dir: Path | None = None) -> bool:
    """Create the schema in an empty store. Returns False (and does nothing) if it exists."""
    with unit_of_work():
        if database.table_exists("case_file"):
            return False
        with database.atomic():
            database.create_tables(ALL_MODELS)
            for statement in _backend_specific_sql():
                database.execute_sql(statement)
        _runner(migrations_dir).fake()
        return True


def migrate(
    migrations_dir: Path | None = None,
    *,
    on_pending: Callable[[list[str]], None] | None = None,
    on_applied: Callable[[str], None] | None = None,
) -> list[str]:
    """Bring any older schema to the current one; on a current one do nothing.

    Returns the names of the migrations applied (an empty store is created instead). Each migration
    commits with its history row, one by one, so a stopped run keeps those applied and the next run
    goes on; `on_pending` hears the plan, `on_applied` each one done (the admin CLI's progress).
    """
    with unit_of_work():
        if init(migrations_dir):
            return ["(new store created)"]
        runner = _runner(migrations_dir)
        plan = [m.name for m in runner.status() if not m.applied and m.path]
        if on_pending:
            on_pending(plan)
        for name in plan:
            runner.up(target=name)
            if on_applied:
                on_applied(name)
        return plan


def pending_migrations(migrations_dir: Path | None = None) -> list[str]:
    with unit_of_work():
        return [m.name for m in _runner(migrations_dir).status() if not m.applied and m.path]


def require_current() -> None:
    """Refuse to work on a store whose schema is older (or missing) than this program's,
    with the one command that fixes it, instead of failing later on a missing column."""
    with unit_of_work():
        if not database.table_exists("case_file"):
            raise DomainError("database", "baza nie ma jeszcze schematu – uruchom: python -m storage migrate")
        pending = pending_migrations()
    if pending:
        raise DomainError(
            "database",
            f"schemat bazy jest starszy niż program (brakuje: {', '.join(pending)}) – "
            "uruchom: python -m storage migrate",
        )


def schema_drift() -> str:
    """Differences between the live schema and the models ('' when they agree)."""
    with unit_of_work():
        diff = diff_models(database.obj, ALL_MODELS)
        diff = diff._replace(drop_indexes=[i for i in diff.drop_indexes if i.name not in BACKEND_EXTRA_INDEXES])
        return str(diff) if diff else ""


def open_current(url: str | None = None) -> None:
    """What a front end does at start: open the store (default OKIENKO_DB) and refuse one
    that is missing or whose schema is older than the program (DomainError naming the command
    that fixes it)."""
    db = open_database(url)
    if isinstance(db, peewee.SqliteDatabase) and db.database != ":memory:" and not Path(db.database).exists():
        # SQLite would create an empty file on the first connection: a typo'd path or a disk not
        # mounted yet would leave a stray file behind and a portal answering "no schema".
        raise DomainError("database", f"nie ma pliku bazy {db.database} – nową bazę tworzy: python -m storage init")
    require_current()
