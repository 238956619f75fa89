"""Applicant passwords and clerk passwords: generated with `secrets`, stored as bcrypt hashes."""

from __future__ import annotations

import functools
import secrets

import bcrypt

from storage.config import bcrypt_cost

# No 0/O, 1/l/I and no lower case: the password is read off paper and typed on a phone.
APPLICANT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
APPLICANT_LENGTH = 12  # 12 symbols of 32 = 60 bits
GROUP = 4


def applicant_password_bits() -> float:
    import math

    return APPLICANT_LENGTH * math.log2(len(APPLICANT_ALPHABET))


def new_applicant_password() -> str:
    raw = "".join(secrets.choice(APPLICANT_ALPHABET) for _ in range(APPLICANT_LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, APPLICANT_LENGTH, GROUP))


def normalise_applicant_password(typed: str) -> str:
    """Case, spaces and dashes do not matter when an applicant types the password."""
    return "".join((typed or "").split()).replace("-", "").upper()


def hash_password(plain: str) -> str:
    return bcrypt.hashpw(plain.encode("utf-8"), bcrypt.gensalt(rounds=bcrypt_cost())).decode("ascii")


def check_password(plain: str, hashed: str) -> bool:
    # bcrypt looks at 72 bytes at most; longer input would be silently cut, so refuse it.
    encoded = plain.encode("utf-8")
    if len(encoded) > 72:
        return False
    return bcrypt.checkpw(encoded, hashed.encode("ascii"))


@functools.cache
def _dummy_hash(cost: int) -> str:
    return bcrypt.hashpw(b"okienko-no-such-account", bcrypt.gensalt(rounds=cost)).decode("ascii")


def burn_equal_time(plain: str) -> None:
    """Spend what checking a real hash costs, so an unknown login answers no faster."""
    check_password(plain, _dummy_hash(bcrypt_cost()))
