"""A real SMTP server for the mail loop's tests: aiosmtpd on 127.0.0.1, optionally with STARTTLS
(a self-signed certificate made here with `cryptography`) and a login; scripted answers to RCPT
and DATA stand in for a relay that says "later" (4xx) or "never" (5xx)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import ipaddress
import socket
import ssl
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "okienko", "Pa55:w@rd-relay"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and localhost) and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "okienko test relay")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "relay.pem", directory / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclasses.dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    over_tls: bool
    logged_in: bool

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


class Recorder:
    """aiosmtpd handler: keeps what it accepted; `rcpt_replies` / `data_replies` are answers given
    first (one per attempt) before it accepts."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.rcpt_replies: list[str] = []
        self.data_replies: list[str] = []
        self.drop_after_data = False
        self.answer_delay_s = 0.0  # between keeping a message and saying "250": a slow relay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            return self.data_replies.pop(0)
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content or envelope.content,
                session.ssl is not None,
                bool(session.authenticated),
            )
        )
        if self.drop_after_data:  # took the message, then the line went dead before "250"
            server.transport.abort()
        if self.answer_delay_s:
            await asyncio.sleep(self.answer_delay_s)
        return "250 2.0.0 accepted"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


class Relay:
    """One aiosmtpd server; `url` is what OKIENKO_SMTP would say to reach it."""

    def __init__(self, tmp_path: Path, *, starttls: bool = False, port: int | None = None) -> None:
        self.recorder = Recorder()
        self.port = port or free_port()
        self.starttls = starttls
        kwargs: dict = {}
        if starttls:
            self.cert, key = self_signed(tmp_path)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cert, key)
            kwargs = dict(tls_context=context, require_starttls=True, authenticator=_authenticator, auth_required=True)
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def url(self) -> str:
        if self.starttls:
            secret = PASSWORD.replace("@", "%40")
            return f"smtp://{USER}:{secret}@127.0.0.1:{self.port}?starttls=1&timeout=5&cafile={self.cert}"
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    def start(self) -> Relay:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.recorder.received
