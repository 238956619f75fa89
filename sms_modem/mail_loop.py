"""The mail loop: due e-mail outbox rows → e-mails → SMTP relay → recorded outcome.

Like the SMS loop, everything it knows lives in the database, so stopping or killing it loses
nothing: a claimed row carries a lease and is due again when the lease runs out. A relay that is
down gets the row back untouched (the attempt does not count) and the loop waits, longer each
time, before it tries again. A 4xx answer is retried later, with backoff, up to `max_attempts`; a
5xx answer fails the e-mail for good. The outcome is on the row, where the clerk's case screen shows it.

It beats like the SMS loop (`sms_modem.delivery.Pulse`, one heartbeat row per relay): when it last
looked at the outbox, how the relay answered the last try, the last send and error (addresses
scrubbed), so the desks' header can say that e-mails are not going out before an applicant does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import socket
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses

from sms_modem.channel_loop import ChannelLoop
from sms_modem.delivery import Attempt, Records, RetryPolicy, last_try_fields
from sms_modem.mail_texts import mail_text
from sms_modem.smtp_relay import Relay, RelayConfig, SettingsError, scrub
from storage import mail as store
from storage.mail import StoreUnavailable, utcnow

__all__ = ["MailLoop", "MailSettings", "SettingsError", "parse_sender"]

log = logging.getLogger("okienko.mail")


def parse_sender(text: str) -> Address:
    """OKIENKO_MAIL_FROM, e.g. `PUW Gdańsk – Cudzoziemcy <powiadomienia@uw.gda.pl>`."""
    found = getaddresses([text or ""])
    if len(found) != 1 or "@" not in found[0][1] or not text.strip():
        raise SettingsError(
            f"OKIENKO_MAIL_FROM {text!r} is not one sender address (e.g. 'PUW Gdańsk <powiadomienia@uw.gda.pl>')"
        )
    name, address = found[0]
    user, _, domain = address.rpartition("@")
    if not user or "." not in domain or not address.isascii():
        raise SettingsError(f"OKIENKO_MAIL_FROM {text!r}: the address must be ASCII, name@domain.tld")
    return Address(display_name=name, username=user, domain=domain)


@dataclasses.dataclass(frozen=True)
class MailSettings:
    relay: RelayConfig
    sender: Address
    portal_url: str = "https://okienko.example/status"
    max_attempts: int = 8  # temporary refusals before an e-mail counts as failed
    retry_base_s: float = 60.0
    retry_cap_s: float = 3600.0
    relay_down_cap_s: float = 300.0
    idle_poll_s: float = 5.0
    min_lease_s: float = 60.0
    heartbeat_s: float = 30.0  # the desks call a loop silent for 3 minutes "not running"
    owner: str = dataclasses.field(default_factory=lambda: f"{socket.gethostname()[:60]}:mail:{os.getpid()}"[:80])

    @property
    def heartbeat_sender(self) -> str:
        """The relay, as the heartbeat names it: no user name (it may be an address), no password."""
        return f"{'smtps' if self.relay.implicit_tls else 'smtp'}://{self.relay.host}:{self.relay.port}"[:255]

    @property
    def lease_s(self) -> int:
        # A send has four round trips, each within the relay's timeout: a live loop never loses its row.
        return int(max(self.min_lease_s, 5 * self.relay.timeout_s))


def build_message(item: store.ClaimedMail, settings: MailSettings) -> EmailMessage:
    """One notification as the applicant receives it: plain UTF-8 text, quoted-printable so that
    any relay carries it, the Message-ID made of the outbox row (the same on every retry)."""
    text = mail_text(item.kind, item.language, item.office, settings.portal_url)
    message = EmailMessage(policy=SMTP)
    message["From"] = settings.sender
    message["To"] = item.address
    message["Subject"] = text.subject
    message["Date"] = format_datetime(utcnow().replace(tzinfo=dt.UTC))
    message["Message-ID"] = f"<okienko.{item.id}.{item.created_at:%Y%m%d%H%M%S}@{settings.sender.domain}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    message.set_content(text.body, charset="utf-8", cte="quoted-printable")
    message["Content-Language"] = item.language  # after set_content, which clears every Content-* header
    return message


def _event(**fields) -> None:
    log.info(json.dumps({"event": "mail_attempt", **fields}, ensure_ascii=False, sort_keys=True))


class MailLoop(ChannelLoop):
    name = "mail"
    once_rides_out_outages = False
    stop_cuts_recording = True

    def __init__(self, settings: MailSettings, relay: Relay | None = None) -> None:
        self.settings = settings
        self.relay = relay or Relay(settings.relay)
        records = Records(
            sent=store.record_sent, retry=store.record_retry, failed=store.record_failed,
            unknown=store.record_unknown, release=store.release,
        )  # fmt: skip
        super().__init__(
            owner=settings.owner, lease_s=settings.lease_s, idle_poll_s=settings.idle_poll_s,
            heartbeat_s=settings.heartbeat_s, down_cap_s=settings.relay_down_cap_s, records=records, log=log,
            policy=RetryPolicy(settings.max_attempts, settings.retry_base_s, settings.retry_cap_s), clean=scrub,
        )  # fmt: skip

    def run(self, once: bool = False) -> int:
        """Loop until stopped (or, with once=True, until nothing is due or the relay is down).
        Returns the number of e-mails sent."""
        log.info("mail loop started: relay %s, from %s", self.settings.relay.shown, self.settings.sender.addr_spec)
        return super().run(once)

    def _claim(self) -> list[store.ClaimedMail]:
        return store.claim_due(self.owner, self.lease_s, limit=1)

    def _beat(self, running: bool = True) -> None:
        beat = store.Beat(
            sender=self.settings.heartbeat_sender, owner=self.owner, started_at=self._started_at,
            running=running, channel=store.MAIL, looked_at=self._looked_at, last_sent_at=self._last_sent_at,
            last_error=self._last_error, last_error_at=self._last_error_at, **last_try_fields(self._last_try),
        )  # fmt: skip
        try:
            store.record_heartbeat(beat)
        except StoreUnavailable as exc:
            log.error("database unavailable, heartbeat not written: %s", exc.detail)

    def _send(self, item: store.ClaimedMail) -> Attempt:
        message = build_message(item, self.settings)

        def hand_over() -> str:
            self.relay.send(message, self.settings.sender.addr_spec, item.address)
            return message["Message-ID"]

        done = self._attempt(item.id, item.attempts, hand_over)
        told = {"code": done.code, "error": done.error, "retry_in_s": done.retry_in_s}
        _event(outbox=item.id, attempt=item.attempts, kind=item.kind,
               result="relay_down" if done.result == "down" else done.result,
               **{k: v for k, v in told.items() if v is not None})  # fmt: skip
        return done
