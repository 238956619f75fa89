"""The head of unit's figures (storage.report).

A stage can mark a decision (`decision = true` in fixtures/stages.toml), so the figures never
name a stage in code. Three indexes let the report's GROUP BY queries read an index instead
of the tables: filings by date; open cases by stage, then office and deadline (stage first, so
SQLite groups in index order instead of walking the whole table by its stage index); and stage
changes by stage and time.
"""

from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("stage", "is_decision", BooleanField(default=False)),
        migrator.add_index("case_file", ("filed_on", "office_id", "case_type_id"), False),
        migrator.add_index("case_file", ("closed", "stage_id", "office_id", "deadline_on"), False),
        migrator.add_index("stage_history", ("stage_id", "changed_at"), False),
    )
