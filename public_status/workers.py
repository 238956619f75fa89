"""`serve --workers N`: N portal processes answering on one listening socket.

Why by hand and not gunicorn: the portal's defences rest on waitress itself – its proxy trust (only
the configured proxy's X-Forwarded-For counts), its header and body limits and its connection limit
(public_status/settings.py). gunicorn would serve the app with its own worker classes, and every one
of those rules would have to be rebuilt and tested again. So the parent binds the socket once and
forks N waitress servers onto it (the kernel hands each new connection to one of them), the usual
pre-fork shape; this module is only the supervisor: it restarts a worker that dies and stops them all
on SIGTERM or Ctrl+C.

Everything that decides who may do what (sessions, login throttles, holds) lives in the database,
so any worker can answer any request; docs/operations.md lists what lives where.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import time
from collections.abc import Callable

log = logging.getLogger("okienko.portal")

# A worker that dies within this many seconds of its start is failing at start (a broken setting,
# an unreachable store): restarting it at once would spin, so the supervisor waits, longer each time.
QUICK_DEATH_S = 5.0
MAX_RESTART_WAIT_S = 30.0


def default_workers(postgres: bool) -> int:
    """One per core on PostgreSQL; SQLite allows one writer at a time, so one process."""
    return max(1, os.cpu_count() or 1) if postgres else 1


def serve_forked(listener: socket.socket, workers: int, run_worker: Callable[[socket.socket], None]) -> int:
    """Fork `workers` processes, each calling `run_worker(listener)` until it is stopped; keep that
    many alive until SIGTERM/SIGINT, then stop them and return 0."""
    children: dict[int, float] = {}
    stopping = False
    failures = 0

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the parent, which stops us
            code = 0
            try:
                run_worker(listener)
            except BaseException:
                log.exception("portal worker %d stopped on an error", os.getpid())
                code = 1
            os._exit(code)
        children[pid] = time.monotonic()

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            _signal(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for _ in range(workers):
            spawn()
        log.info("portal: %d worker processes %s", workers, sorted(children))
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            started = children.pop(pid, None)
            if started is None or stopping:
                continue
            quick = time.monotonic() - started < QUICK_DEATH_S
            failures = failures + 1 if quick else 0
            log.error("portal worker %d ended (status %d); starting another", pid, status)
            if failures:
                time.sleep(min(MAX_RESTART_WAIT_S, 2 ** min(failures, 5)))
            if not stopping:
                spawn()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for pid in list(children):
            _signal(pid, signal.SIGTERM)
            _reap(pid)
    return 0


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """The one socket all workers accept on, bound before any fork (OSError: taken, no such address)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[
        0
    ]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen(backlog)
    except OSError:
        listener.close()
        raise
    return listener


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
