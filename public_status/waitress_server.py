"""waitress's server for the portal, with one correction to its connections.

Since waitress 2.1 (Pylons/waitress#364) a request's thread sends its answer itself while holding the
connection's output lock, and the server's I/O loop meanwhile finds the connection "writable" (bytes
wait in its buffer), gets POLLOUT at once, fails to take the lock and polls again: about 30,000 empty
loops a second, measured on one portal process under 32 connections. The loop then holds the
interpreter lock nearly all the time (py-spy: 237 of 274 samples), and every request thread waits
the interpreter's switch interval (5 ms) each time it comes back from a send or a database call. On
PostgreSQL, where each status page makes a database round trip, one process fell from over a
thousand status pages a second to 110–190 (docs/measured.md, "The portal on several processes").

The correction: while a request's thread holds the output lock, the connection is not "writable"
for the I/O loop. Nothing waits for it there: that thread flushes what it wrote, and whatever it
could not send is announced by waitress's own wake-up (the trigger pulled in `write_soon` and at the
end of every request), after which the loop looks again and finds the lock free.

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


class ChannelLeftToItsWriter(HTTPChannel):
    """A connection the I/O loop leaves alone while a request's thread is writing to it."""

    def writable(self) -> bool:
        if self.requests and not self._output_lock_free():
            return False
        return bool(super().writable())

    def _output_lock_free(self) -> bool:
        if not self.outbuf_lock.acquire(False):
            return False
        self.outbuf_lock.release()
        return True


def portal_server(app: Any, **options: Any) -> Any:
    """`waitress.create_server(app, **options)` whose listeners make `ChannelLeftToItsWriter`s."""
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    sockets: dict[int, Any] = {}
    server = create_server(app, map=sockets, **options)
    for listener in list(sockets.values()):
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = ChannelLeftToItsWriter
    return server
