"""The PostgreSQL connection pool, without a round trip to the server when a connection is lent out.

peewee's pool asks the server `SELECT 1` each time it lends a connection, because whether a socket
is still open can only be known by using it. The server's log showed it before every lookup of a
status page, which itself needs that one lookup: two round trips where one answers. Under
bench/scale.py (two portal processes, the status page through nginx), perf put the server's CPU at
145 µs per page with the ping and 92 µs without, and the portal's own at 534 and 408 µs.

This pool lends a connection without the ping when it came back less than RECENT_S ago, has no
transaction open, and its socket has nothing to read. An idle connection is sent nothing by the
server, except when the server ends it: a backend ended by an administrator, a crash of any backend
(the server then ends them all and is back within tens of milliseconds), a shutdown or
`idle_session_timeout` each send the connection a last message and close it, and a backend killed
outright closes its socket. Either makes the socket readable at once, whenever it happened, even
while a unit of work still held the connection; the pool then pings as peewee does, drops the
dead connection and opens a new one, and nobody sees an error. A zero-timeout poll() costs a system
call, not a round trip.

What a poll cannot see is a link cut silently on the way (a firewall or NAT dropping an idle
connection), which takes minutes, not a tenth of a second: a connection idle that long is pinged as
before. What is left: an end whose last bytes are still on their way across the network when the
connection is lent. That request fails with the store's ordinary "unavailable" (the portal's 503),
writes nothing, and the connection is dropped (tests/storage/test_pool.py).
"""

from __future__ import annotations

import select
import time
from typing import Any

from playhouse.pool import PooledPostgresqlDatabase
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

# Long enough that a busy pool's connections always come back within it, far shorter than a
# firewall or NAT lets an idle connection live.
RECENT_S = 0.1


def _has_something_to_read(conn: Any) -> bool:
    """Whether the server sent this idle connection anything (its last words, or the end of the stream).
    poll(), not select(): the portal's descriptors pass 1024 with a thousand open client connections."""
    try:
        poller = select.poll()
        poller.register(conn.fileno(), select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except (OSError, ValueError):  # no descriptor any more: certainly not usable as it is
        return True


class PooledPostgres(PooledPostgresqlDatabase):
    """peewee's PostgreSQL pool that trusts a connection it got back moments ago, if the server has
    not written to it since."""

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
            and not _has_something_to_read(conn)
        ):
            return False
        return super()._is_closed(conn)

    def _close_raw(self, conn: Any) -> None:
        self._returned_at.pop(self.conn_key(conn), None)
        super()._close_raw(conn)

    def dispose(self) -> None:
        super().dispose()
        with self._pool_lock:
            self._returned_at.clear()
