"""An office's e-mail address and, per language, the room where applicants are served.

The room used to sit inside the Polish address ("…, 80-810 Gdańsk (sala obsługi, pokój 1)"), so
every language showed it in Polish. The columns start empty; `load-fixtures` fills them from
fixtures/offices.toml (and takes the room out of the address)."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("office", "email", CharField(max_length=254, null=True)),
        migrator.add_column("office", "room_pl", CharField(max_length=200, default="")),
        migrator.add_column("office", "room_en", CharField(max_length=200, default="")),
        migrator.add_column("office", "room_ru", CharField(max_length=200, default="")),
        migrator.add_column("office", "room_uk", CharField(max_length=200, default="")),
    )
