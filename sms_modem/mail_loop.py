"""The mail loop: due e-mail outbox rows → e-mails → SMTP relay → recorded outcome.

Like the SMS loop, everything it knows lives in the database, so stopping or killing it loses
nothing: a claimed row carries a lease and is due again when the lease runs out. A relay that is
down gets the row back untouched (the attempt does not count) and the loop waits, longer each
time, before it tries again. A 4xx answer is retried later, with backoff, up to `max_attempts`; a
5xx answer fails the e-mail for good. The outcome is on the row, where the clerk's case screen shows it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import math
import os
import socket
import threading
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses

from sms_modem.mail_texts import mail_text
from sms_modem.persist import persist
from sms_modem.smtp_relay import MaybeSent, Refused, Relay, RelayConfig, RelayDown, SettingsError, scrub
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


def backoff(attempt: int, base_s: float, cap_s: float) -> float:
    """Seconds before the next try: base, 2×base, 4×base … at most cap."""
    return min(cap_s, base_s * 2 ** max(0, attempt - 1))


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
    owner: str = dataclasses.field(default_factory=lambda: f"{socket.gethostname()[:60]}:mail:{os.getpid()}"[:80])

    @property
    def lease_s(self) -> int:
        # A send has four round trips, each within the relay's timeout: a live loop never loses its row.
        return int(max(60.0, 5 * self.relay.timeout_s))


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


class MailLoop:
    def __init__(self, settings: MailSettings, relay: Relay | None = None) -> None:
        self.settings = settings
        self.relay = relay or Relay(settings.relay)
        self.stop = threading.Event()
        self._relay_down = 0  # tries in a row that found the relay down

    def run(self, once: bool = False) -> int:
        """Loop until stopped (or, with once=True, until nothing is due or the relay is down).
        Returns the number of e-mails sent."""
        sent = 0
        log.info("mail loop started: relay %s, from %s", self.settings.relay.shown, self.settings.sender.addr_spec)
        while not self.stop.is_set():
            try:
                claimed = store.claim_due(self.settings.owner, self.settings.lease_s, limit=1)
            except StoreUnavailable as exc:
                log.error("database unavailable, waiting: %s", exc.detail)
                if once:
                    break
                self.stop.wait(5)
                continue
            if not claimed:
                if once:
                    break
                self.stop.wait(self.settings.idle_poll_s)
                continue
            result = self._send(claimed[0])
            sent += result == "sent"
            if result == "relay_down":
                if once:
                    break
                self.stop.wait(backoff(self._relay_down, 1.0, self.settings.relay_down_cap_s))
        return sent

    def _send(self, item: store.ClaimedMail) -> str:
        owner, base = self.settings.owner, {"outbox": item.id, "attempt": item.attempts, "kind": item.kind}
        message = build_message(item, self.settings)
        try:
            self.relay.send(message, self.settings.sender.addr_spec, item.address)
        except RelayDown as exc:
            self._relay_down += 1
            self._persist(store.release, item.id, owner, str(exc))
            _event(**base, result="relay_down", error=str(exc))
            return "relay_down"
        except MaybeSent as exc:
            self._persist(store.record_unknown, item.id, owner, str(exc))
            _event(**base, result="unknown", error=str(exc))
            return "unknown"
        except Refused as exc:
            self._relay_down = 0
            code = f"smtp:{exc.code}"
            if exc.permanent or item.attempts >= self.settings.max_attempts:
                self._persist(store.record_failed, item.id, owner, code, str(exc))
                _event(**base, result="failed", code=code, error=str(exc))
                return "failed"
            # Whole seconds: the store keeps times to the second.
            delay = math.ceil(backoff(item.attempts, self.settings.retry_base_s, self.settings.retry_cap_s))
            due = utcnow() + dt.timedelta(seconds=delay)
            self._persist(store.record_retry, item.id, owner, due, code, str(exc))
            _event(**base, result="retry", code=code, retry_in_s=delay)
            return "retry"
        except Exception as exc:
            # Whatever else broke, the relay may have the message: never sent again on its own.
            log.exception("unexpected failure while sending e-mail outbox %s", item.id)
            error = scrub(f"unexpected: {exc!r}")
            self._persist(store.record_unknown, item.id, owner, error)
            _event(**base, result="unknown", error=error)
            return "unknown"
        self._relay_down = 0
        self._persist(store.record_sent, item.id, owner, message["Message-ID"])
        _event(**base, result="sent")
        return "sent"

    def _persist(self, record, *args) -> None:
        persist(record, *args, wait=self.stop.wait, log=log, unavailable=StoreUnavailable)
