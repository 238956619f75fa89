"""A table that is already in the store, as a migration declares it for its new tables' foreign keys:
its name and, where the key is not `id`, its key. Frozen like the migrations that use it (0014–0016):
nothing here ever changes meaning. Not a migration file (the runner takes only files named by a number)."""

from peewee import Field, Model


def existing_table(db, table_name: str, **key: Field) -> type[Model]:
    """A model of `table_name` with only its key (`id` unless given, e.g. `code=CharField(primary_key=True)`)."""
    meta = type("Meta", (), {"database": db, "table_name": table_name})
    return type(table_name, (Model,), {"Meta": meta, **key})
