"""A visit's own fields: its reference and codes, the digest kept of its phone, the field rules for a
booking, and the columns the portal's database role may touch."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from storage import phones
from storage.errors import DomainError
from storage.languages import LANGUAGES
from storage.models import (
    Visit,
)

# On PostgreSQL the portal connects as a role (storage.admin.roles) that may read only these columns of a
# visit: never the name, the phone or the clerk. Every query on the portal's path names its columns.
PORTAL_READABLE = (
    Visit.id, Visit.reference, Visit.office, Visit.group, Visit.starts_at, Visit.visit_day, Visit.seat,
    Visit.state, Visit.phone_key, Visit.phone_day_key, Visit.code_hash, Visit.code_purpose,
    Visit.code_expires_at, Visit.code_tries_left, Visit.hold_expires_at, Visit.case, Visit.created_at,
    Visit.client_prefix, Visit.client_key,
)  # fmt: skip


# What holding, confirming and cancelling change (a new booking is an INSERT of the whole row).
PORTAL_WRITABLE = (
    Visit.state, Visit.phone_day_key, Visit.code_hash, Visit.code_purpose, Visit.code_expires_at,
    Visit.code_tries_left, Visit.hold_expires_at, Visit.booked_at, Visit.cancelled_at, Visit.updated_at,
    Visit.client_key,
)  # fmt: skip


PHONE_KEY_LENGTH = 20


def phone_key(mobile: str | None) -> str | None:
    """What the store keeps of a phone where the portal's role may read it (the one-visit-per-day
    index, the limits' keys, the visit's `phone_key`): a digest, never the number. Unsalted, so it
    hides the number from a reader of the table, not from someone who hashes every number (docs/security.md)."""
    if not mobile:
        return None
    return hashlib.sha256(f"okienko-visit-phone:{mobile}".encode()).hexdigest()[:PHONE_KEY_LENGTH]


REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out over the phone


REFERENCE_LENGTH = 6


def new_reference(office: str) -> str:
    return f"{office}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


# What people copy in front of a reference from a text or a letter: "№", "nr", "No.", "#".
_REFERENCE_PREFIXES = ("NR", "NO")


def normalise_reference(text: str) -> str:
    """A reference as people copy it – "№GDA-WXKYNR", "nr GDA WXKYNR", "gda.wxkynr", "GDAWXKYNR" –
    as the store writes it, "GDA-WXKYNR": marks such as №, #, dots, dashes and spaces are dropped
    (a reference is letters and digits only), then a leading "nr"/"No" if what is left is too long."""
    ref = "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())
    if len(ref) == 5 + REFERENCE_LENGTH and ref[:2] in _REFERENCE_PREFIXES:
        ref = ref[2:]
    office, rest = ref[:3], ref[3:]
    if len(ref) != 3 + REFERENCE_LENGTH or not office.isalpha() or set(rest) - set(REFERENCE_ALPHABET):
        raise DomainError("reference", "numer rezerwacji wygląda tak: GDA-7K3M9Q")
    return f"{office}-{rest}"


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def check_language(value: str) -> str:
    lang = (value or "").strip().lower()
    if lang not in LANGUAGES:
        raise DomainError("language", f"dozwolone języki: {', '.join(LANGUAGES)}")
    return lang


def check_mobile(value: str | None) -> str:
    mobile = phones.normalise_mobile(value)
    if mobile is None:
        raise DomainError("phone", "pole jest wymagane – kod przyjdzie SMS-em na ten numer", "required")
    return mobile


def check_client(value: str) -> str:
    client = (value or "").strip()
    if not client:
        raise DomainError("client", "brak adresu klienta")
    return client


def as_datetime(value: object) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
