"""A benchmark's PostgreSQL database, emptied before a run so every run starts from the same store."""

from __future__ import annotations


def empty_postgres(url: str) -> None:
    """Drop everything in the database's public schema (the benchmarks' own database, never a real one)."""
    import storage
    from storage.db import close_database, database

    storage.open_database(url)
    with storage.unit_of_work():
        database.execute_sql("DROP SCHEMA public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
    close_database()
