"""How many more connections the PostgreSQL server lets this store's user open: the portal checks
its processes × threads against it before it listens, so that a busy day never meets "too many
connections" half-way (docs/portal.md, "Several processes and machines")."""

from __future__ import annotations

import dataclasses

from storage.db import POOL_SIZE, database, is_postgres, unit_of_work

__all__ = ["ConnectionRoom", "connection_room", "connections_needed"]


@dataclasses.dataclass(frozen=True)
class ConnectionRoom:
    max_connections: int  # the server's
    reserved: int  # kept for superusers (0 when this user is one)
    in_use: int  # client connections open now, this check's own not counted
    role_limit: int | None  # the user's CONNECTION LIMIT, None when unlimited
    role_in_use: int  # this user's connections open now, this check's own not counted

    @property
    def free(self) -> int:
        """Connections this user may still open."""
        room = self.max_connections - self.reserved - self.in_use
        if self.role_limit is not None:
            room = min(room, self.role_limit - self.role_in_use)
        return max(0, room)


def connections_needed(processes: int, threads: int) -> int:
    """At most one connection per thread that works, and at most the pool's size per process."""
    return processes * min(threads, POOL_SIZE)


def connection_room() -> ConnectionRoom | None:
    """What the server allows now (None on SQLite, which has no such limit)."""
    if not is_postgres():
        return None
    with unit_of_work():
        row = database.execute_sql(
            "SELECT current_setting('max_connections')::int,"
            " CASE WHEN r.rolsuper THEN 0 ELSE current_setting('superuser_reserved_connections')::int END,"
            " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') - 1,"
            " NULLIF(r.rolconnlimit, -1),"
            " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
            "   AND usename = current_user) - 1"
            " FROM pg_roles r WHERE r.rolname = current_user"
        ).fetchone()
    return ConnectionRoom(*row)
