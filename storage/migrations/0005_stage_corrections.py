"""Stage corrections: a withdrawn stage stays in the history with the time it was withdrawn
(the applicant's view leaves it out), and detour stages are marked so that the clerk app
proposes only the usual next stage (`load-fixtures` keeps `usual_path` from `detour = true` in
fixtures/stages.toml; the codes below are the shipped detours, so a store is right after
`migrate` alone)."""

from peewee import BooleanField, DateTimeField, PostgresqlDatabase

DETOURS = ("suspended", "appeal")


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("stage_history", "withdrawn_at", DateTimeField(null=True)),
        migrator.add_column("stage", "usual_path", BooleanField(default=True)),
    )
    pg = isinstance(db, PostgresqlDatabase)
    marks = ",".join(["%s" if pg else "?"] * len(DETOURS))
    db.execute_sql(f"UPDATE stage SET usual_path = {'FALSE' if pg else '0'} WHERE code IN ({marks})", list(DETOURS))
