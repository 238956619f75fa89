"""The portal's waitress server (public_status/waitress_server.py): its I/O loop leaves a connection
alone while a request's thread is writing to it, and every answer still arrives whole."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from waitress.channel import HTTPChannel

from public_status.waitress_server import ChannelLeftToItsWriter, portal_server

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


@pytest.fixture(params=[HTTPChannel, ChannelLeftToItsWriter], ids=["waitress", "portal"])
def served(request) -> Iterator[tuple[object, WritingApp, socket.socket]]:
    """The server with waitress's own connections or the portal's, and a client connected to it."""
    app = WritingApp()
    server = portal_server(app, host="127.0.0.1", port=0, threads=2, asyncore_use_poll=True)
    server.channel_class = request.param
    threading.Thread(target=server.run, daemon=True).start()
    client = socket.create_connection(("127.0.0.1", server.effective_port), timeout=WAIT_S)
    try:
        yield server, app, client
    finally:
        app.finish.set()
        client.close()
        server.close()


def loop_turns(server, count: int) -> None:
    """Wait until the I/O loop has gone round `count` more times (each wake-up runs in the loop)."""
    for _ in range(count):
        turned = threading.Event()
        server.trigger.pull_trigger(turned.set)
        assert turned.wait(WAIT_S), "the server's I/O loop did not turn"


def test_the_loop_leaves_a_connection_alone_while_its_writer_holds_the_output_lock(served):
    server, app, client = served
    channel_class = server.channel_class
    client.sendall(b"GET / HTTP/1.1\r\nHost: portal.test\r\n\r\n")
    assert app.wrote_head.wait(WAIT_S)
    (channel,) = [each for each in server._map.values() if isinstance(each, HTTPChannel)]
    assert type(channel) is channel_class
    write_attempts = []
    channel.handle_write = lambda original=channel.handle_write: (write_attempts.append(1), original())[1]

    with channel.outbuf_lock:  # a request's thread between putting bytes in the buffer and sending them
        channel.outbufs[-1].append(b"tail")
        channel.total_outbufs_len += 4
        loop_turns(server, 3)
        attempts_while_locked = len(write_attempts)
    server.pull_trigger()  # what waitress's write_soon does when bytes are left in the buffer
    app.finish.set()

    answer = b""
    while not answer.endswith(b"headtail"):
        chunk = client.recv(4096)
        assert chunk, f"connection closed after {answer!r}"
        answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK")
    if channel_class is ChannelLeftToItsWriter:
        assert attempts_while_locked == 0
    else:  # waitress's own channel: the loop tries (and fails) to write on every turn
        assert attempts_while_locked >= 2


def test_a_large_answer_arrives_whole():
    body = bytes(range(256)) * 16384  # 4 MiB: more than one send takes, so partly sent by the I/O loop

    def app(environ, start_response):
        write = start_response("200 OK", [("Content-Length", str(len(body)))])
        for at in range(0, len(body), 65536):
            write(body[at : at + 65536])
        return []

    server = portal_server(app, host="127.0.0.1", port=0, threads=2, asyncore_use_poll=True)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        with socket.create_connection(("127.0.0.1", server.effective_port), timeout=WAIT_S) as client:
            # Two answers on one connection, in order; the second request asks to close it afterwards.
            client.sendall(b"GET / HTTP/1.1\r\nHost: portal.test\r\n\r\n"
                           b"GET / HTTP/1.1\r\nHost: portal.test\r\nConnection: close\r\n\r\n")  # fmt: skip
            chunks = []
            while chunk := client.recv(65536):
                chunks.append(chunk)
        received = b"".join(chunks)
        assert received.count(b"HTTP/1.1 200 OK") == 2 and received.count(body) == 2
    finally:
        server.close()
