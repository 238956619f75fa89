"""Schema versions: a new migration upgrades an older store without losing a row; a current store is left alone."""

import shutil

import pytest

import storage
from storage import schema
from storage.db import database, unit_of_work
from storage.models import ALL_MODELS
from tests.helpers import CLERK, register

SECOND_MIGRATION = '''"""Add a column with a default and fill it from existing data."""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column("case_file", "archive_box", CharField(max_length=20, null=True)))
    db.execute_sql("UPDATE case_file SET archive_box = 'BOX-' || office_id")
'''


def _snapshot() -> dict[str, list[tuple]]:
    with unit_of_work():
        return {m.__name__: sorted(m.select().tuples()) for m in ALL_MODELS}


@pytest.mark.parametrize(
    "empty_store_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_second_migration_keeps_every_row(empty_store_url, tmp_path):
    _, url = empty_store_url
    migrations = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS_DIR, migrations)
    storage.open_database(url)
    assert schema.migrate(migrations) == ["(new store created)"]
    assert schema.schema_drift() == ""
    storage.load_fixtures()
    storage.create_clerk(CLERK, "Anna Nowak", "GDA", "clerk", "correct-horse-1")
    filings = [register(missing=["photos"]) for _ in range(3)]
    storage.set_stage(filings[0].number, "formal_check", clerk=CLERK)
    before = _snapshot()

    assert schema.migrate(migrations) == []  # current: nothing to do
    (migrations / "0100_archive_box.py").write_text(SECOND_MIGRATION, encoding="utf-8")
    assert schema.pending_migrations(migrations) == ["0100_archive_box"]
    assert schema.migrate(migrations) == ["0100_archive_box"]
    assert schema.migrate(migrations) == []

    assert _snapshot() == before  # the models do not know the new column; every row is intact
    with unit_of_work():
        boxes = database.execute_sql("SELECT DISTINCT archive_box FROM case_file").fetchall()
    assert boxes == [("BOX-GDA",)]
    assert storage.check_applicant(filings[1].number, filings[1].password).number == filings[1].number


@pytest.mark.parametrize(
    "empty_store_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_init_is_idempotent_and_matches_the_models(empty_store_url):
    _, url = empty_store_url
    storage.open_database(url)
    assert schema.init() is True
    assert schema.init() is False
    assert schema.schema_drift() == ""
    assert schema.pending_migrations() == []
