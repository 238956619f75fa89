"""One delivery pipeline, two channels: what the SMS loop and the mail loop do alike.

A loop claims a due outbox row under a lease, hands it to its transport (the GSM modem or the
SMTP relay) and records how that ended. The transports fail in the same four ways, and each way
is recorded the same on both channels:

- `ChannelDown`: nothing reached the transport → the row goes back untouched (the try does not
  count) and the loop waits, longer each time, before the next;
- `MaybeSent`: the transport may have it → "unknown", never sent again on its own (a person looks);
- `Refused`: the transport said no → retried later with backoff, or failed for good when the
  refusal is permanent or the tries are spent;
- anything else the library throws → treated as `MaybeSent`, and the loop goes on.

A success is recorded through `persist` (riding out a short database outage); a loop killed
between the transport's "yes" and that commit is the one window for a duplicate (docs/delivery.md).

Both loops beat the same way too (`Pulse`): a thread of their own writes the heartbeat every
`heartbeat_s` seconds and at once when something the desks must hear of changed, so a loop
waiting out a backoff or a slow transport still says it is alive.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import threading
from collections.abc import Callable

__all__ = ["Attempt", "ChannelDown", "MaybeSent", "Pulse", "Records", "Refused", "RetryPolicy", "attempt", "backoff",
           "last_try_fields"]  # fmt: skip

# How the transport answered a try, in the heartbeat's words (storage.delivery.heartbeat.TRY_*).
ANSWERS = {"sent": "ok", "down": "unreachable", "retry": "refused", "failed": "refused", "unknown": "maybe_sent"}


def backoff(attempt: int, base_s: float, cap_s: float) -> float:
    """Seconds before the next try: base, 2×base, 4×base … at most cap."""
    return min(cap_s, base_s * 2 ** max(0, attempt - 1))


class ChannelDown(Exception):
    """Nothing was handed over: the modem or relay could not be reached."""


class MaybeSent(Exception):
    """The transport may have taken the message without saying so."""


class Refused(Exception):
    """The transport refused the message; `code` names why (e.g. 'CMS 38', 'smtp:450')."""

    def __init__(self, code: str, detail: str, permanent: bool) -> None:
        super().__init__(detail)
        self.code, self.detail, self.permanent = code, detail, permanent


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    retry_base_s: float
    retry_cap_s: float


@dataclasses.dataclass(frozen=True)
class Records:
    """How one channel's outbox records the end of a try: its facade's functions, each called
    with (row id, owner, …) as storage.sms and storage.mail define them."""

    sent: Callable[[int, str, str], object]
    retry: Callable[[int, str, dt.datetime, str, str], object]
    failed: Callable[[int, str, str, str], object]
    unknown: Callable[[int, str, str], object]
    release: Callable[[int, str, str], object]


@dataclasses.dataclass(frozen=True)
class Attempt:
    """How one try ended: 'sent', 'retry', 'failed', 'unknown' or 'down'."""

    result: str
    reference: str | None = None
    code: str | None = None
    error: str | None = None
    retry_in_s: int | None = None

    @property
    def answer(self) -> str:
        """The transport's answer as the heartbeat keeps it: ok, unreachable, refused or maybe_sent."""
        return ANSWERS[self.result]


def attempt(
    row_id: int,
    tries: int,
    send: Callable[[], str],
    *,
    owner: str,
    records: Records,
    policy: RetryPolicy,
    now: Callable[[], dt.datetime],
    persist: Callable[..., None],
    log: logging.Logger,
    clean: Callable[[str], str] = str,
) -> Attempt:
    """Hand one claimed row (its `tries` counting this one) to `send`, which returns the transport's
    reference for it, and record the outcome on both channels' common terms."""
    try:
        reference = send()
    except ChannelDown as exc:
        error = clean(str(exc))
        persist(records.release, row_id, owner, error)
        return Attempt("down", error=error)
    except MaybeSent as exc:
        error = clean(str(exc))
        persist(records.unknown, row_id, owner, error)
        return Attempt("unknown", error=error)
    except Refused as exc:
        detail = clean(exc.detail)
        if exc.permanent or tries >= policy.max_attempts:
            persist(records.failed, row_id, owner, exc.code, detail)
            return Attempt("failed", code=exc.code, error=detail)
        # Whole seconds: the store keeps times to the second.
        delay = math.ceil(backoff(tries, policy.retry_base_s, policy.retry_cap_s))
        persist(records.retry, row_id, owner, now() + dt.timedelta(seconds=delay), exc.code, detail)
        return Attempt("retry", code=exc.code, error=detail, retry_in_s=delay)
    except Exception as exc:
        # The libraries have more ways to fail than they document. Whatever it was, the message
        # may have gone out, so it is never sent again on its own; and a dead loop would leave the
        # rest of the queue waiting for a restart, so the loop goes on.
        log.exception("unexpected failure while sending outbox %s", row_id)
        error = clean(f"unexpected: {exc!r}")
        persist(records.unknown, row_id, owner, error)
        return Attempt("unknown", error=error)
    persist(records.sent, row_id, owner, reference)
    return Attempt("sent", reference=reference)


def last_try_fields(last_try: tuple[Attempt, dt.datetime] | None) -> dict:
    """A heartbeat's last_try, last_try_code and last_try_at: how the transport answered the loop's
    last try and when (nothing before its first, so the row keeps what an earlier run knew)."""
    if last_try is None:
        return {}
    done, at = last_try
    return {"last_try": done.answer, "last_try_code": done.code, "last_try_at": at}


class Pulse:
    """A loop's heartbeat thread: calls `beat(running)` every `every_s` seconds and at once after
    `soon()`; `stop()` ends it with a last beat that says the loop stopped. A beat that fails is
    logged and the next one tried: a heartbeat that stops quietly is worse than a logged one."""

    def __init__(self, beat: Callable[[bool], None], every_s: float, *, name: str, log: logging.Logger) -> None:
        self._beat, self._every_s, self._log = beat, every_s, log
        self._soon, self._done = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._forever, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def soon(self) -> None:
        self._soon.set()

    def stop(self) -> None:
        self._done.set()
        self._soon.set()
        self._thread.join(timeout=30)
        self._safely(running=False)

    def _forever(self) -> None:
        while not self._done.is_set():
            self._soon.clear()
            self._safely(running=True)
            self._soon.wait(self._every_s)

    def _safely(self, running: bool) -> None:
        try:
            self._beat(running)
        except Exception:
            self._log.exception("heartbeat not written")
