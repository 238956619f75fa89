"""The PostgreSQL connection pool, without a round trip to the server when a connection is lent out.

peewee's pool asks the server `SELECT 1` each time it lends a connection, because whether a socket
is still open can only be known by using it. The server's log showed it before every lookup of a
status page, which itself needs that one lookup: two round trips where one answers. Under
bench/scale.py (two portal processes, the status page through nginx), perf put the server's CPU at
145 µs per page with the ping and 92 µs without, and the portal's own at 534 and 408 µs.

A connection given back to the pool less than RECENT_S ago is lent without the ping: libpq saw it
work a moment ago and left it idle. What the ping finds is a connection that died while it lay idle:
a firewall or pooler closing idle links (after minutes, never a tenth of a second), a server that
restarted (which takes longer than that, and while it is down a new connection fails as well), or
an administrator ending backends, which can land in the window. Under load every connection comes
back within milliseconds, so the ping is saved exactly where it costs; a quiet portal still pings.
When a lent connection turns out dead, the one unit of work that got it fails with the store's
ordinary "unavailable" error (the portal's 503 page), writes nothing, and the connection is never
lent again (tests/storage/test_pool.py).
"""

from __future__ import annotations

import time
from typing import Any

from playhouse.pool import PooledPostgresqlDatabase
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

# Long enough that a busy pool's connections always come back within it, short enough that no
# failure that leaves the server reachable fits inside it.
RECENT_S = 0.1


class PooledPostgres(PooledPostgresqlDatabase):
    """peewee's PostgreSQL pool that trusts a connection it got back moments ago."""

    recent_s = RECENT_S

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._returned_at: dict[int, float] = {}  # conn_key → when it came back to the pool
        super().__init__(*args, **kwargs)

    def _can_reuse(self, conn: Any) -> bool:  # called under the pool's lock, on the way back in
        reusable = super()._can_reuse(conn)
        if reusable:
            self._returned_at[self.conn_key(conn)] = time.monotonic()
        return reusable

    def _is_closed(self, conn: Any) -> bool:  # called under the pool's lock, on the way out
        returned = self._returned_at.pop(self.conn_key(conn), None)
        if (
            returned is not None
            and time.monotonic() - returned < self.recent_s
            and not conn.closed
            and conn.get_transaction_status() == TRANSACTION_STATUS_IDLE
        ):
            return False
        return super()._is_closed(conn)

    def _close_raw(self, conn: Any) -> None:
        self._returned_at.pop(self.conn_key(conn), None)
        super()._close_raw(conn)
