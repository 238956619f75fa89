"""Separate processes standing for separate desks, each with its own connection to the store.

They come from a fork server that imported the store once: a process spawned afresh imports it
again (about 0.6 s of CPU each, eight per rush), and a plain fork would inherit the test's open
database connection. The fork server starts clean, so a desk shares nothing with the test but
the modules it imported."""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Callable, Sequence

PRELOAD = ["storage", "storage.portal", "storage.desk", "tests.storage.visit_helpers"]


def run_together(work: Callable, url: str, parts: Sequence[tuple], timeout: float = 300) -> tuple[list, float]:
    """One desk per part, each connected to the store at `url`; once every desk is connected, all
    are let go at once to run `work(*part)`. Returns what each returned, and the seconds from the
    release to the last answer."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)  # read when this process's fork server first starts
    ready, start, results = ctx.Queue(), ctx.Event(), ctx.Queue()
    desks = [ctx.Process(target=_desk, args=(work, url, part, ready, start, results)) for part in parts]
    for desk in desks:
        desk.start()
    try:
        deadline = time.monotonic() + timeout
        for _ in desks:
            _next(ready, desks, deadline, "connected")
        released = time.perf_counter()
        start.set()
        answers = [_next(results, desks, deadline, "answered") for _ in desks]
        seconds = time.perf_counter() - released
    except BaseException:
        for desk in desks:
            desk.kill()  # the others would wait for a start that never comes
        raise
    for desk in desks:
        desk.join(timeout=60)
    return answers, seconds


def _desk(work: Callable, url: str, part: tuple, ready, start, results) -> None:
    import storage
    from storage.db import unit_of_work

    storage.open_database(url)
    with unit_of_work():  # connects (a backend started, a file opened) and leaves the connection in the pool
        pass
    ready.put(True)
    if start.wait(300):
        results.put(work(*part))


def _next(answers, desks: list, deadline: float, what: str) -> object:
    """The next answer; a desk that died before giving its own fails the test at once, not at the deadline."""
    while True:
        try:
            return answers.get(timeout=0.2)
        except queue.Empty:
            dead = [d.exitcode for d in desks if d.exitcode not in (None, 0)]
            if dead or time.monotonic() > deadline:
                raise AssertionError(f"not every desk {what}: exit codes of dead desks {dead}") from None
