"""The one loop both channels run: claim a due outbox row under a lease, hand it to the transport
(`sms_modem.delivery.attempt` records how that ended), wait out a transport that is down, and beat.

`SendLoop` (the GSM modem) and `MailLoop` (the SMTP relay) fill in what differs: how a row is
claimed, how its message is built and handed over, what readiness means before a claim (the modem
must be connected and read; the relay is dialled per message) and what the heartbeat carries.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from sms_modem.delivery import Attempt, Pulse, Records, RetryPolicy, attempt, backoff
from sms_modem.persist import persist

# The basics every facade shares (storage.program_basics), through the SMS facade: the mail
# facade re-exports the very same exception and clock.
from storage.sms import StoreUnavailable, utcnow

__all__ = ["ChannelLoop"]

STORE_DOWN_WAIT_S = 5.0


class ChannelLoop:
    """Claim → send → record, until stopped. Subclasses set the class attributes and fill in
    `_claim`, `_send` and `_beat`; the other hooks have defaults that suit a transport dialled
    per message."""

    name: ClassVar[str]  # "sms" or "mail": the heartbeat thread's name
    # A --once run of the SMS loop waits out a store or modem outage, as systemd's timer expects it
    # to finish its queue (the modem sits on this machine and comes back after a reconnect); a --once
    # run of the mail loop gives up and leaves the rows due, since the relay is someone else's
    # machine and may be down for hours.
    once_rides_out_outages: ClassVar[bool]
    # Whether recording an outcome gives up early when the loop is told to stop (see `persist`).
    # The SMS loop never does: the text is out, and a row left unrecorded would be sent again.
    stop_cuts_recording: ClassVar[bool]

    def __init__(
        self, *, owner: str, lease_s: int, idle_poll_s: float, heartbeat_s: float, policy: RetryPolicy,
        records: Records, log: logging.Logger, down_cap_s: float, clean: Callable[[str], str] = str,
    ) -> None:  # fmt: skip
        self.stop = threading.Event()
        self.owner, self.lease_s, self.idle_poll_s = owner, lease_s, idle_poll_s
        self._policy, self._records, self._log, self._clean = policy, records, log, clean
        self._down_cap_s = down_cap_s
        self._down = 0  # tries in a row that found the transport down
        # What the heartbeat reports. Written by the loop's thread, read by the heartbeat's.
        self._started_at = utcnow()
        self._looked_at: dt.datetime | None = None
        self._last_try: tuple[Attempt, dt.datetime] | None = None  # the last try and when
        self._last_sent_at: dt.datetime | None = None
        self._last_error: str | None = None
        self._last_error_at: dt.datetime | None = None
        self._pulse = Pulse(self._beat, heartbeat_s, name=f"{self.name}-heartbeat", log=log)

    # ------------------------------------------------------------------ the channel's part

    def _claim(self) -> Sequence[Any]:
        """Due rows, leased to this loop's owner."""
        raise NotImplementedError

    def _send(self, item: Any) -> Attempt:
        """Hand one claimed row to the transport through `self._attempt`."""
        raise NotImplementedError

    def _beat(self, running: bool = True) -> None:
        raise NotImplementedError

    def _ready(self) -> bool:
        """Whether the transport can take a message now; False sends the loop round again."""
        return True

    def _nothing_due(self) -> None:
        """A --once run found nothing due (or nothing it may send now)."""

    def _transport_down(self) -> None:
        """The transport could not be reached: wait, longer each time, before the next try."""
        self.stop.wait(backoff(self._down, 1.0, self._down_cap_s))

    def _finish(self, once: bool) -> None:
        """The loop ends (stopped, or a --once run done)."""

    # ------------------------------------------------------------------ the loop

    def run(self, once: bool = False) -> int:
        """Loop until stopped (or, with once=True, until nothing is due). Returns messages sent."""
        sent = 0
        self._pulse.start()
        try:
            while not self.stop.is_set():
                if not self._ready():
                    continue
                try:
                    claimed = self._claim()
                except StoreUnavailable as exc:
                    self._log.error("database unavailable, waiting: %s", exc.detail)
                    self._note_error(f"database unavailable: {exc.detail}")
                    if once and not self.once_rides_out_outages:
                        break
                    self.stop.wait(STORE_DOWN_WAIT_S)
                    continue
                if self._looked_at is None:
                    self._pulse.soon()  # the first look: the desks learn the loop works without waiting a beat
                self._looked_at = utcnow()
                if not claimed:
                    if once:
                        self._nothing_due()
                        break
                    self.stop.wait(self.idle_poll_s)
                    continue
                for item in claimed:
                    done = self._send(item)
                    sent += done.result == "sent"
                    if done.result == "down":
                        if once and not self.once_rides_out_outages:
                            return sent
                        self._transport_down()
        finally:
            try:
                self._finish(once)
            finally:
                self._pulse.stop()
        return sent

    # ------------------------------------------------------------------ one try

    def _attempt(self, row_id: int, tries: int, hand_over: Callable[[], str]) -> Attempt:
        """Hand one claimed row over and record the outcome; keep what the heartbeat reports."""
        done = attempt(row_id, tries, hand_over, owner=self.owner, records=self._records, policy=self._policy,
                       now=utcnow, persist=self._persist, log=self._log, clean=self._clean)  # fmt: skip
        self._down = self._down + 1 if done.result == "down" else 0
        changed = self._last_try is None or self._last_try[0].answer != done.answer
        self._last_try = (done, utcnow())
        if done.result == "sent":
            self._last_sent_at = self._last_try[1]
        else:
            self._note_error(f"{done.result}: {done.code or done.error} (outbox {row_id})")
        if changed:
            self._pulse.soon()  # the desks hear at once that the transport stopped (or started) answering
        return done

    def _note_error(self, error: str) -> None:
        self._last_error, self._last_error_at = error, utcnow()

    def _persist(self, record: Callable[..., object], *args: object) -> None:
        persist(record, *args, wait=self.stop.wait if self.stop_cuts_recording else time.sleep, log=self._log,
                unavailable=StoreUnavailable)  # fmt: skip
