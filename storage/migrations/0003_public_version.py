"""A per-case counter of changes an applicant can see (stage, deficiencies, notes, password).

The portal re-renders a status page only when it moved, instead of on every request."""

from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(migrator.add_column("case_file", "public_version", IntegerField(default=0)))
