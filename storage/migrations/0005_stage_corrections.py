"""Stage corrections: a withdrawn stage stays in the history with the time it was withdrawn
(the applicant's view leaves it out), and detour stages are marked so that the clerk app
proposes only the usual next stage."""

from peewee import BooleanField, DateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("stage_history", "withdrawn_at", DateTimeField(null=True)),
        migrator.add_column("stage", "usual_path", BooleanField(default=True)),
    )
