"""Short Polish names for the clerk's list columns (issue 19, problem 9): a case type, stage or
visit group whose label does not fit its column at 120×35 gets `short_pl` from the catalogue
(`short` in fixtures/*.toml); "" means the label itself fits."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        *(migrator.add_column(table, "short_pl", CharField(max_length=40, default=""))
          for table in ("case_type", "stage", "visit_group"))
    )  # fmt: skip
