"""Fee names in Russian and Ukrainian.

The filing receipt names the fees due when the proof of payment was missing at intake, in the
applicant's language as well as Polish; fees had only Polish and English names. The columns start
empty and `load-fixtures` fills them from fixtures/case_types.toml.
"""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("fee", "label_ru", CharField(max_length=300, default="")),
        migrator.add_column("fee", "label_uk", CharField(max_length=300, default="")),
    )
