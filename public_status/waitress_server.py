"""waitress's server for the portal, with one correction to its connections.

Since waitress 2.1 (Pylons/waitress#364) a request's thread sends its answer itself while holding the
connection's output lock, and the server's I/O loop meanwhile finds the connection "writable" (bytes
wait in its buffer), gets POLLOUT at once, fails to take the lock and polls again: about 30,000 empty
loops a second, measured on one portal process under 32 connections. The loop then holds the
interpreter lock nearly all the time (py-spy: 237 of 274 samples), and every request thread waits
the interpreter's switch interval (5 ms) each time it comes back from a send or a database call. On
PostgreSQL, where each status page makes a database round trip, one process fell from over a
thousand status pages a second to 110–190 (docs/measured.md, "The portal on several processes").

The correction: while a request's thread holds the output lock, the loop waits for that lock (at
most WRITER_WAIT_S) before it asks whether the connection is writable. Waiting on a lock gives the
interpreter to the writer, which holds the lock only for one append and one send, so the loop looks
once the write is done instead of spinning. Past the bound it answers as waitress does, so it never
hides bytes that wait: an earlier version said "not writable" while the lock was held and could
miss waitress's wake-up (pulled while the lock is still held), leaving bytes unsent until the loop's
one-second poll ran out – found in review, for answers over the 16 MiB high-water mark and streams.

And one silence: waitress logs "Task queue depth is N" for every request that finds all threads busy,
while holding the lock its threads take their next request under. Under a rush that is a log line
per request – 12 % of the interpreter's time in a profile of the status page under 32 connections –
and it says nothing nginx's access log and the benches do not say better.
"""

from __future__ import annotations

import logging
from typing import Any

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer

# A write holds the lock for one append and one send (microseconds); the wait only has to outlast
# the interpreter's switch interval (5 ms) that the writer may be waiting for.
WRITER_WAIT_S = 0.01


class ChannelWaitingForItsWriter(HTTPChannel):
    """A connection whose I/O loop waits for a request's thread to finish writing to it."""

    writer_wait_s = WRITER_WAIT_S

    def writable(self) -> bool:
        if self.requests and self.outbuf_lock.acquire(timeout=self.writer_wait_s):
            self.outbuf_lock.release()
        return bool(super().writable())


def portal_server(app: Any, **options: Any) -> Any:
    """`waitress.create_server(app, **options)` whose listeners make `ChannelWaitingForItsWriter`s."""
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    sockets: dict[int, Any] = {}
    server = create_server(app, map=sockets, **options)
    for listener in list(sockets.values()):
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = ChannelWaitingForItsWriter
    return server
