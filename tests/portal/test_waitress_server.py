"""The portal's waitress server (public_status/waitress_server.py): its I/O loop waits for a request's
thread to finish a write instead of spinning on the connection, never hides bytes that wait, and
every answer still arrives whole."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from waitress.channel import HTTPChannel

from public_status.waitress_server import ChannelWaitingForItsWriter, portal_server

WAIT_S = 30


class WritingApp:
    """A WSGI app whose one answer ("headtail", 8 bytes) is written in two parts: "head" through
    waitress's write(), then it waits until the test lets it finish; the test writes "tail" into
    the connection's buffer itself, holding the output lock as a request's thread does."""

    def __init__(self) -> None:
        self.wrote_head, self.finish = threading.Event(), threading.Event()

    def __call__(self, environ, start_response):
        write = start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "8")])
        write(b"head")
        self.wrote_head.set()
        assert self.finish.wait(WAIT_S)
        return []


def running(app, **options) -> object:
    server = portal_server(app, host="127.0.0.1", port=0, threads=2, asyncore_use_poll=True, **options)
    threading.Thread(target=server.run, daemon=True).start()
    return server


def stopped(server) -> None:
    server.task_dispatcher.shutdown()  # the request threads first: a task must not pull a closed trigger
    server.close()


@pytest.fixture
def served() -> Iterator[tuple[object, WritingApp, socket.socket]]:
    app = WritingApp()
    server = running(app)
    client = socket.create_connection(("127.0.0.1", server.effective_port), timeout=WAIT_S)
    try:
        yield server, app, client
    finally:
        app.finish.set()
        client.close()
        stopped(server)


def test_the_portal_server_makes_its_connections_wait_for_their_writer(served):
    server, app, client = served
    client.sendall(b"GET / HTTP/1.1\r\nHost: portal.test\r\n\r\n")
    assert app.wrote_head.wait(WAIT_S)
    assert {type(each) for each in server._map.values() if isinstance(each, HTTPChannel)} == {
        ChannelWaitingForItsWriter
    }


@pytest.mark.parametrize("channel_class", [HTTPChannel, ChannelWaitingForItsWriter], ids=["waitress", "portal"])
def test_while_a_writer_holds_the_output_lock_the_loop_waits_for_it_then_sends_its_bytes(
    served, channel_class, monkeypatch
):
    """Asked whether the connection is writable while a request's thread is between putting bytes in
    the buffer and sending them, waitress's own channel answers at once (the loop then polls, fails
    to take the lock and asks again: the spin); the portal's waits for the lock, then says yes."""
    monkeypatch.setattr(ChannelWaitingForItsWriter, "writer_wait_s", WAIT_S)
    server, app, client = served
    client.sendall(b"GET / HTTP/1.1\r\nHost: portal.test\r\n\r\n")
    assert app.wrote_head.wait(WAIT_S)
    (channel,) = [each for each in server._map.values() if isinstance(each, HTTPChannel)]
    channel.__class__ = channel_class
    released, answered = threading.Event(), {}

    def ask() -> None:
        answered["writable"] = channel.writable()
        answered["after the write"] = released.is_set()

    with channel.outbuf_lock:  # as waitress's write_soon holds it
        channel.outbufs[-1].append(b"tail")
        channel.total_outbufs_len += 4
        asker = threading.Thread(target=ask)
        asker.start()
        if channel_class is HTTPChannel:
            asker.join(WAIT_S)  # answers without waiting for the lock
        released.set()
    asker.join(WAIT_S)
    assert answered["writable"]  # the bytes are never hidden
    assert answered["after the write"] is (channel_class is ChannelWaitingForItsWriter)

    server.pull_trigger()
    app.finish.set()
    answer = b""
    while not answer.endswith(b"headtail"):
        chunk = client.recv(4096)
        assert chunk, f"connection closed after {answer!r}"
        answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK")


@pytest.mark.parametrize("high_water", [None, 131072], ids=["default", "low-high-water-mark"])
def test_large_pipelined_answers_arrive_whole_and_in_order(high_water):
    """4 MiB answers, twice on one connection. With a high-water mark of 128 KiB the request's thread
    waits for the loop to drain the buffer again and again (waitress's own flow control), the path
    on which the first version of the correction could leave bytes waiting for the loop's timeout."""
    body = bytes(range(256)) * 16384

    def app(environ, start_response):
        write = start_response("200 OK", [("Content-Length", str(len(body)))])
        for at in range(0, len(body), 65536):
            write(body[at : at + 65536])
        return []

    server = running(app, **({"outbuf_high_watermark": high_water} if high_water else {}))
    try:
        with socket.create_connection(("127.0.0.1", server.effective_port), timeout=WAIT_S) as client:
            # The second request asks to close the connection after its answer.
            client.sendall(b"GET / HTTP/1.1\r\nHost: portal.test\r\n\r\n"
                           b"GET / HTTP/1.1\r\nHost: portal.test\r\nConnection: close\r\n\r\n")  # fmt: skip
            chunks = []
            while chunk := client.recv(65536):
                chunks.append(chunk)
        received = b"".join(chunks)
        assert received.count(b"HTTP/1.1 200 OK") == 2 and received.count(body) == 2
    finally:
        stopped(server)
