"""PostgreSQL: serve the surname-prefix search (LIKE 'abc%' ... ORDER BY) from one index.

The text_pattern_ops index answered the LIKE but not the ORDER BY, so the planner walked
the plain index instead (0.85 s on a million cases). An index on the key in the "C"
collation serves both, whatever locale the database was created with. SQLite: nothing.
"""

from peewee import PostgresqlDatabase


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP INDEX IF EXISTS case_file_surname_key_pattern")
        db.execute_sql(
            'CREATE INDEX IF NOT EXISTS case_file_surname_key_c ON case_file ((surname_key COLLATE "C"), id)'
        )
