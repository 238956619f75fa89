"""Settings read from the environment, in one place."""

from __future__ import annotations

import os
import re

from storage.errors import DomainError

DEFAULT_DB_URL = "sqlite:///okienko.sqlite3"
DEFAULT_BCRYPT_COST = 12


def database_url() -> str:
    return os.environ.get("OKIENKO_DB", "").strip() or DEFAULT_DB_URL


def bcrypt_cost() -> int:
    raw = os.environ.get("OKIENKO_BCRYPT_COST", "").strip()
    if not raw:
        return DEFAULT_BCRYPT_COST
    cost = int(raw)
    # bcrypt itself accepts 4..31; below 10 is only sensible in tests.
    if not 4 <= cost <= 31:
        raise ValueError("OKIENKO_BCRYPT_COST must be between 4 and 31")
    return cost


# Retention periods (README, "Retention"): how long personal data outlive their purpose.
DEFAULT_RETAIN_CLOSED_DAYS = 30
DEFAULT_RETAIN_SMS_DAYS = 7
MAX_RETAIN_DAYS = 3650


def _days(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) > MAX_RETAIN_DAYS:
        raise DomainError(name, f"liczba dni od 0 do {MAX_RETAIN_DAYS}, nie {raw!r}")
    return int(raw)


def retain_closed_days() -> int:
    """Days after a case closed before its applicant's phone is erased."""
    return _days("OKIENKO_RETAIN_CLOSED_DAYS", DEFAULT_RETAIN_CLOSED_DAYS)


def retain_sms_days() -> int:
    """Days after a text reached a final state before its outbox row is erased."""
    return _days("OKIENKO_RETAIN_SMS_DAYS", DEFAULT_RETAIN_SMS_DAYS)


def pg_bin_dir() -> str | None:
    """Where pg_dump/pg_restore live when they are not the right version on PATH."""
    return os.environ.get("OKIENKO_PG_BIN", "").strip() or None


_URL_PASSWORD = re.compile(r"(://[^:/@\s]*):[^@\s]*@")


def mask_password(text: str) -> str:
    """`postgresql://user:SECRET@host` → `postgresql://user:***@host`, wherever it appears in `text`."""
    return _URL_PASSWORD.sub(r"\1:***@", text)
