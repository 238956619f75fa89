"""Separate processes standing for separate desks, each opening its own connection.

They come from a fork server that imported the store once: a process spawned afresh imports it
again (about 0.6 s of CPU each, eight per rush), and a plain fork would inherit the test's open
database connection. The fork server starts clean, so a desk shares nothing with the test but
the modules it imported."""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Callable, Sequence
from multiprocessing.context import BaseContext

PRELOAD = ["storage", "storage.portal", "storage.desk", "tests.storage.visit_helpers"]


def context() -> BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)  # read when this process's fork server first starts
    return ctx


def run_together(target: Callable, parts: Sequence[tuple], timeout: float = 300) -> list:
    """Start one process per part, `target(*part, ready, start, results)`; once every process has
    said it is ready (its database open), let them all go at once; return what each put in `results`."""
    ctx = context()
    ready, start, results = ctx.Queue(), ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=target, args=(*part, ready, start, results)) for part in parts]
    for w in workers:
        w.start()
    try:
        deadline = time.monotonic() + timeout
        for _ in workers:
            _wait_for(ready, workers, deadline, "said it was ready")
        start.set()
        answers = [_wait_for(results, workers, deadline, "reported") for _ in workers]
    except BaseException:
        for w in workers:
            w.kill()  # the others would wait for a start that never comes
        raise
    for w in workers:
        w.join(timeout=60)
    return answers


def _wait_for(answers, workers: list, deadline: float, what: str) -> object:
    """The next answer; a desk that died before giving its own fails the test at once, not at the deadline."""
    while True:
        try:
            return answers.get(timeout=0.2)
        except queue.Empty:
            dead = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
            if dead or time.monotonic() > deadline:
                raise AssertionError(f"not every desk {what}: exit codes of dead desks {dead}") from None
