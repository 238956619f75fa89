"""What the load benchmarks share: the store a run works on (a fresh SQLite file, or the
PostgreSQL database named by --pg, emptied), percentiles, a tally of the answers many client
threads get, and how a bench stops on Ctrl+C."""

from __future__ import annotations

import argparse
import collections
import contextlib
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bench.postgres import empty_postgres


def stops_cleanly(main: Callable[[], None]) -> None:
    """Run a bench's main so that Ctrl+C, or SIGTERM, ends it as the storage CLI's long work ends:
    the one line its builder raised (storage.admin.progress.Interrupted: what is kept, how to go on),
    exit code 130, no traceback."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        main()
    except KeyboardInterrupt as stopped:
        print(f"przerwano: {stopped.args[0]}" if stopped.args else "przerwano", file=sys.stderr, flush=True)
        raise SystemExit(130) from None


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pg", help="a PostgreSQL database URL to use instead of a new SQLite file (emptied first)")


@contextlib.contextmanager
def scratch_store(pg: str | None, name: str) -> Iterator[tuple[Path, str]]:
    """A scratch folder for the run's logs and the store's URL: `pg` emptied, or a new SQLite file
    in the folder. The folder goes when the block ends."""
    with tempfile.TemporaryDirectory(prefix=f"okienko-{name}-") as tmp:
        url = pg or f"sqlite:///{Path(tmp) / f'{name}.sqlite3'}"
        if pg:
            empty_postgres(url)
        yield Path(tmp), url


def queued_code(reference: str) -> str | None:
    """The code of a booking as the phone would get it: from the newest code text queued for the
    visit in the SMS outbox (kept there until sent); None if there is none."""
    from storage.db import unit_of_work
    from storage.models import SmsOutbox, Visit

    with unit_of_work():
        row = (
            SmsOutbox.select(SmsOutbox.code)
            .join(Visit)
            .where(Visit.reference == reference, SmsOutbox.code.is_null(False))
            .order_by(SmsOutbox.id.desc())
            .first()
        )
    return row.code if row else None


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Tally:
    """How long each request took and what it was answered, added to by many threads at once."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.codes: collections.Counter = collections.Counter()
        self._lock = threading.Lock()

    def add(self, took: float, status: int | str) -> None:
        with self._lock:
            self.latencies.append(took)
            self.codes[status] += 1


def start_threads(loop: Callable[[object], None], clients: Iterable[object]) -> list[threading.Thread]:
    """One daemon thread running `loop` per client, started; the caller joins them."""
    threads = [threading.Thread(target=loop, args=(client,), daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    return threads
