"""The send loop: due outbox rows → texts → modem → recorded outcome.

Everything it knows lives in the database, so killing it loses nothing: a row it was
sending keeps a lease, and when the lease runs out the row is due again. The one window for
a duplicate is between the modem accepting a text and `record_sent` committing; a loop killed
there sends that text again on restart. A text the modem took without answering is marked
"unknown" and never resent automatically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import queue
import socket
import time

from sms_modem.channel_loop import ChannelLoop
from sms_modem.delivery import Attempt, Records, RetryPolicy, backoff, last_try_fields
from sms_modem.modem import LinkDown, ModemLink, ModemStatus
from sms_modem.texts import check_all, text_for
from storage import sms as store
from storage.sms import QuietHours, StoreUnavailable

__all__ = ["LoopSettings", "QuietHours", "SendLoop"]

log = logging.getLogger("okienko.sms")

DEFAULT_QUIET = QuietHours(dt.time(20, 0), dt.time(8, 0))


@dataclasses.dataclass(frozen=True)
class LoopSettings:
    port: str
    baud: int = 115200
    pin: str | None = None
    portal_url: str = "https://okienko.example/status"
    per_minute: float = 8.0  # a GSM modem sends 6-10 a minute; 0 means as fast as it takes them
    quiet: QuietHours | None = DEFAULT_QUIET
    max_attempts: int = 5
    retry_base_s: float = 60.0
    retry_cap_s: float = 3600.0
    prompt_timeout_s: float = 5.0
    body_timeout_s: float = 35.0
    network_timeout_s: float = 60.0
    reconnect_cap_s: float = 60.0
    idle_poll_s: float = 2.0
    min_lease_s: float = 60.0
    heartbeat_s: float = 30.0  # the desks call a loop silent for 3 minutes "delayed"
    owner: str = dataclasses.field(default_factory=lambda: f"{socket.gethostname()[:60]}:{os.getpid()}")

    @property
    def sender(self) -> str:
        """The modem: message references are its own, and it outlives any one loop process. The
        configured port is kept as written: a stable name (/dev/serial/by-id/…) may point to
        another ttyUSB after a replug."""
        return f"{socket.gethostname()[:60]}:{self.port}"[-255:]

    @property
    def lease_s(self) -> int:
        # Longer than the slowest send, so a live loop never loses its row to another.
        return int(max(self.min_lease_s, 3 * (self.prompt_timeout_s + self.body_timeout_s)))


def _event(**fields) -> None:
    log.info(json.dumps({"event": "sms_attempt", **fields}, ensure_ascii=False, sort_keys=True))


class SendLoop(ChannelLoop):
    name = "sms"
    once_rides_out_outages = True
    stop_cuts_recording = False

    def __init__(self, settings: LoopSettings, link: ModemLink | None = None) -> None:
        check_all(settings.portal_url)
        self.settings = settings
        self.link = link or ModemLink(settings.port, settings.baud, settings.pin, settings.prompt_timeout_s,
                                      settings.body_timeout_s, settings.network_timeout_s)  # fmt: skip
        # The SMS outbox's release takes no error: a modem that was down says nothing about the text.
        records = Records(
            sent=lambda row, owner, reference: store.record_sent(row, owner, reference, settings.sender),
            retry=store.record_retry, failed=store.record_failed, unknown=store.record_unknown,
            release=lambda row, owner, error: store.release(row, owner),
        )  # fmt: skip
        super().__init__(
            owner=settings.owner, lease_s=settings.lease_s, idle_poll_s=settings.idle_poll_s,
            heartbeat_s=settings.heartbeat_s, down_cap_s=settings.reconnect_cap_s, records=records, log=log,
            policy=RetryPolicy(settings.max_attempts, settings.retry_base_s, settings.retry_cap_s),
        )  # fmt: skip
        self._reports_owed = 0  # texts sent in this run whose delivery report has not come yet
        self._reconnects = 0
        self._last_send = 0.0
        self._reading: ModemStatus | None = None  # None until the modem answered a status query
        self._reading_at = 0.0
        self._quiet_now = False

    # ------------------------------------------------------------------ the channel's part

    def _ready(self) -> bool:
        """The modem connected, its delivery reports recorded and its signal read."""
        quiet = self.settings.quiet
        self._quiet_now = bool(quiet and quiet.contains(dt.datetime.now(dt.UTC)))
        if not self._ensure_link():
            return False
        self._record_reports()
        return self._refresh_status()

    def _claim(self) -> list[store.ClaimedSms]:
        # In quiet hours only code texts go out: someone is waiting for them at the screen.
        return store.claim_due(self.owner, self.lease_s, limit=1, urgent_only=self._quiet_now)

    def _nothing_due(self) -> None:
        if self._quiet_now:
            log.info("quiet hours: due texts wait for the morning")

    def _transport_down(self) -> None:
        """`_ready` reconnects, waiting longer each time the modem is not there."""

    def _finish(self, once: bool) -> None:
        try:
            if once:
                self._await_reports()
        finally:
            self.link.close()
            self._reading = None

    def _ensure_link(self) -> bool:
        if self.link.healthy():
            return True
        if self._reading is not None:
            self._reading = None
            self._pulse.soon()  # the desks hear of a lost modem at once, not at the next beat
        delay = backoff(self._reconnects, 1.0, self.settings.reconnect_cap_s) if self._reconnects else 0
        if delay and self.stop.wait(delay):
            return False
        try:
            self.link.open()
        except LinkDown as exc:
            self._reconnects += 1
            log.warning("modem not available (attempt %d): %s", self._reconnects, exc)
            self._note_error(f"modem not available: {exc}")
            return False
        self._reconnects = 0
        self._reading_at = 0.0  # read the signal before the first text
        return True

    # ------------------------------------------------------------------ heartbeat

    def _refresh_status(self) -> bool:
        """Read signal and registration when the last reading is a heartbeat old. Only here,
        between texts: the port carries one command at a time. False when the modem did not answer."""
        if self._reading is not None and time.monotonic() - self._reading_at < self.settings.heartbeat_s:
            return True
        first = self._reading is None
        self._reading_at = time.monotonic()
        try:
            self._reading = self.link.status()
        except LinkDown as exc:
            log.warning("%s", exc)
            self._note_error(str(exc))
            self._reading = None
            self.link.close()
            self._pulse.soon()
            return False
        if first:
            self._pulse.soon()
        return True

    def _beat(self, running: bool = True) -> None:
        reading = self._reading
        connected = reading is not None and self.link.healthy()
        quiet = self.settings.quiet
        beat = store.Beat(
            sender=self.settings.sender, owner=self.owner, started_at=self._started_at, running=running,
            connected=connected, signal=reading.signal if connected else None,
            network=reading.network if connected else None, registration=reading.registration if connected else None,
            quiet_hours=str(quiet) if quiet else None, last_sent_at=self._last_sent_at, last_error=self._last_error,
            last_error_at=self._last_error_at, channel=store.SMS, looked_at=self._looked_at,
            **last_try_fields(self._last_try),
        )  # fmt: skip
        try:
            store.record_heartbeat(beat)
        except StoreUnavailable as exc:
            log.error("database unavailable, heartbeat not written: %s", exc.detail)

    def _pace(self) -> None:
        if self.settings.per_minute > 0:
            wait = 60.0 / self.settings.per_minute - (time.monotonic() - self._last_send)
            if wait > 0:
                self.stop.wait(wait)
        self._last_send = time.monotonic()

    # ------------------------------------------------------------------ one text

    def _send(self, item: store.ClaimedSms) -> Attempt:
        self._pace()
        text = text_for(item.kind, item.language, self.settings.portal_url, item.code, item.office,
                        reference=item.reference, day=item.day, time=item.time)  # fmt: skip
        started = time.perf_counter()
        done = self._attempt(item.id, item.attempts, lambda: self.link.send(item.phone, text))
        base = {"outbox": item.id, "attempt": item.attempts}
        if done.result == "sent":
            self._reports_owed += 1
            _event(**base, result="sent", ref=done.reference, ms=round((time.perf_counter() - started) * 1000, 1))
            return done
        told = {"code": done.code, "error": done.error, "retry_in_s": done.retry_in_s}
        _event(**base, result="link_down" if done.result == "down" else done.result,
               **{k: v for k, v in told.items() if v is not None})  # fmt: skip
        if done.result in ("down", "unknown"):
            # Nothing reached a modem that is gone, and one that stopped answering may be stuck:
            # either way it is reconnected before the next text.
            self.link.close()
        return done

    def _await_reports(self, limit_s: float = 10.0) -> None:
        """Before a --once run exits, give the network a moment to report on what was sent."""
        deadline = time.monotonic() + limit_s
        while self._reports_owed and time.monotonic() < deadline:
            self._record_reports(wait_s=min(0.5, deadline - time.monotonic()))

    def _record_reports(self, wait_s: float = 0.0) -> None:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                report = self.link.reports.get(timeout=max(0.0, deadline - time.monotonic()) if wait_s else 0)
            except queue.Empty:
                return
            try:
                matched = store.record_delivery(self.settings.sender, report.reference, report.delivered, report.status)
            except StoreUnavailable as exc:
                self.link.reports.put(report)  # keep it for the next round
                log.error("database unavailable, delivery report kept: %s", exc.detail)
                return
            self._reports_owed = max(0, self._reports_owed - 1)
            log.info(json.dumps({"event": "sms_delivery", "ref": report.reference, "delivered": report.delivered,
                                 "outbox": matched}))  # fmt: skip
