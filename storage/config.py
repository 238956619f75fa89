"""Settings read from the environment, in one place."""

from __future__ import annotations

import os

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
