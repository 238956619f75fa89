"""Separate processes standing for separate desks, each opening its own connection.

They come from a fork server that imported the store once: a process spawned afresh imports it
again (about 0.6 s of CPU each, eight per rush), and a plain fork would inherit the test's open
database connection. The fork server starts clean, so a desk shares nothing with the test but
the modules it imported."""

from __future__ import annotations

import multiprocessing
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
        for _ in workers:
            ready.get(timeout=timeout)  # raises queue.Empty, failing the test, if one never got ready
        start.set()
        return [results.get(timeout=timeout) for _ in workers]
    finally:
        for w in workers:
            w.join(timeout=60)
            if w.is_alive():
                w.kill()
