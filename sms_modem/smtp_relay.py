"""The office's SMTP relay, named by one URL, and one e-mail handed to it with a clear outcome.

    OKIENKO_SMTP=smtp://user:password@relay.urzad.local:587?starttls=1
    OKIENKO_SMTP=smtps://user:password@relay.urzad.local            (TLS from the first byte, port 465)
    OKIENKO_SMTP=smtp://127.0.0.1:25                                 (a local relay, no login)

Query options: `starttls=1`, `timeout=SECONDS` (default 30), `cafile=PATH` (a private CA to trust
besides the system's). Certificates are always verified. A password is refused on a connection
that is not encrypted (it would cross the network in clear), except to the machine itself.

The conversation is driven step by step (MAIL, RCPT, DATA, body) so that a failure says how far it
got: before the body nothing was sent (`RelayDown`, `Refused`), after it the relay may have taken
the message (`MaybeSent`). Every error text has the password masked and e-mail addresses removed.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sms_modem import delivery
from storage.mail import mask_secrets

DEFAULT_TIMEOUT_S = 30.0
# An e-mail address in a relay's answer ("550 <olena@…>: unknown"); not "***@host" (a masked URL).
_ADDRESS = re.compile(r"<?[^\s<>\"'@,;:()\[\]*]+@[\w.-]+\.[^\W\d_]{2,}\b>?")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingsError(ValueError):
    """OKIENKO_SMTP cannot name a relay (said with the password masked)."""


class RelayDown(delivery.ChannelDown):
    """The relay could not be reached, or refused the connection, TLS or login: nothing was sent,
    and nothing about the e-mail itself is wrong."""


class MaybeSent(delivery.MaybeSent):
    """The connection broke after the message was handed over: the relay may have taken it."""


class Refused(delivery.Refused):
    """The relay answered the e-mail with an error code: 4xx says try later, 5xx never."""

    def __init__(self, smtp_code: int, text: str) -> None:
        super().__init__(f"smtp:{smtp_code}", f"{smtp_code} {text}", permanent=500 <= smtp_code <= 599)
        self.smtp_code, self.text = smtp_code, text


def scrub(text: str) -> str:
    """An error as it may be logged or shown: no password, no e-mail address."""
    return _ADDRESS.sub("<adres>", mask_secrets(text))


@dataclasses.dataclass(frozen=True)
class RelayConfig:
    host: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S
    cafile: str | None = None

    @classmethod
    def parse(cls, url: str) -> RelayConfig:
        shown = mask_secrets(url)
        if not url.strip():
            raise SettingsError("OKIENKO_SMTP is not set (e.g. smtp://user:password@relay.example:587?starttls=1)")
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise SettingsError(f"OKIENKO_SMTP {shown!r}: {scrub(str(exc))}") from None
        if parts.scheme not in ("smtp", "smtps"):
            raise SettingsError(f"OKIENKO_SMTP {shown!r}: the scheme must be smtp:// or smtps://")
        if not parts.hostname:
            raise SettingsError(f"OKIENKO_SMTP {shown!r}: no relay host")
        options = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        unknown = sorted(set(options) - {"starttls", "timeout", "cafile"})
        if unknown:
            raise SettingsError(f"OKIENKO_SMTP {shown!r}: unknown option {unknown[0]!r} (starttls, timeout, cafile)")
        starttls = _flag(options.get("starttls", "0"), shown)
        implicit = parts.scheme == "smtps"
        if implicit and starttls:
            raise SettingsError(f"OKIENKO_SMTP {shown!r}: smtps:// is TLS already; starttls=1 is for smtp://")
        try:
            timeout = float(options.get("timeout", DEFAULT_TIMEOUT_S))
        except ValueError:
            raise SettingsError(f"OKIENKO_SMTP {shown!r}: timeout must be a number of seconds") from None
        if not 0 < timeout <= 600:
            raise SettingsError(f"OKIENKO_SMTP {shown!r}: timeout must be between 0 and 600 seconds")
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password is not None else None
        if password is not None and not (implicit or starttls) and not _is_loopback(parts.hostname):
            raise SettingsError(
                f"OKIENKO_SMTP {shown!r}: a password needs an encrypted connection (add ?starttls=1 or use smtps://)"
            )
        return cls(
            host=parts.hostname,
            port=port or (465 if implicit else 587 if starttls else 25),
            implicit_tls=implicit,
            starttls=starttls,
            username=username,
            password=password,
            timeout_s=timeout,
            cafile=options.get("cafile") or None,
        )

    @property
    def shown(self) -> str:
        """The relay as logs name it: never the password."""
        user = f"{self.username}:***@" if self.username else ""
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{user}{self.host}:{self.port}"

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.cafile:
            try:
                context.load_verify_locations(cafile=self.cafile)
            except (OSError, ssl.SSLError) as exc:
                raise SettingsError(f"OKIENKO_SMTP cafile {self.cafile!r}: {exc}") from None
        return context


def _flag(value: str, shown: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise SettingsError(f"OKIENKO_SMTP {shown!r}: starttls must be 1 or 0")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _dot_stuffed(data: bytes) -> bytes:
    """The body as DATA carries it: a line starting with "." doubled, ending in CRLF "." CRLF."""
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


class Relay:
    """Hands one message at a time to the relay, on a fresh connection each time (a handful of
    e-mails a day do not justify keeping one open and finding out later that it went stale)."""

    def __init__(self, config: RelayConfig) -> None:
        self.config = config
        self._context = config.tls_context() if (config.implicit_tls or config.starttls) else None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        try:
            if c.implicit_tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout_s, context=self._context)
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout_s)
        except (OSError, smtplib.SMTPException) as exc:
            raise RelayDown(scrub(f"cannot connect to {c.shown}: {exc}")) from None
        try:
            smtp.ehlo()
            if c.starttls:
                smtp.starttls(context=self._context)
                smtp.ehlo()
            if c.username is not None:
                smtp.login(c.username, c.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            _close(smtp)
            raise RelayDown(scrub(f"{c.shown} refused the session: {exc}")) from None
        return smtp

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Returns once the relay said it took the message; otherwise raises RelayDown, Refused or MaybeSent."""
        data = _dot_stuffed(message.as_bytes())
        smtp = self._connect()
        try:
            for command in (lambda: smtp.mail(sender), lambda: smtp.rcpt(recipient), lambda: smtp.docmd("DATA")):
                try:
                    code, reply = command()
                except (OSError, smtplib.SMTPException) as exc:
                    raise RelayDown(scrub(f"{self.config.shown} dropped the session: {exc}")) from None
                if code not in (250, 251, 354):
                    raise Refused(code, scrub(reply.decode("utf-8", "replace")))
            # From here on the relay may have the whole message: a broken connection is "maybe sent".
            try:
                smtp.send(data)
                code, reply = smtp.getreply()
            except (OSError, smtplib.SMTPException) as exc:
                raise MaybeSent(scrub(f"{self.config.shown} went silent after the message: {exc}")) from None
            if code != 250:
                raise Refused(code, scrub(reply.decode("utf-8", "replace")))
        finally:
            _close(smtp)


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
