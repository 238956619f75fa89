"""Settings read from the environment, in one place: each `OKIENKO_*` variable the store and the
worker programs read, with its rule. Every program calls `check_settings` at start, so a broken
value stops it with one line naming the variable, instead of a crash on the first request that
happens to read it (a bcrypt cost of "abc" once turned only unknown-number logins into 500s,
which told an attacker which numbers exist).

The portal's and the clerk app's own variables (secret key, proxy, printer) are checked by their
own settings loaders at start, in the same one-line way."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from storage.db import DEFAULT_DB_URL, check_url
from storage.errors import DomainError


class SettingsError(DomainError):
    """An `OKIENKO_*` variable breaks its rule; `field` is the variable's name (exit code 2)."""


DEFAULT_BCRYPT_COST = 12
# Retention periods (docs/operations.md, retention): how long personal data outlive their purpose.
DEFAULT_RETAIN_CLOSED_DAYS = 30
DEFAULT_RETAIN_SMS_DAYS = 7
MAX_RETAIN_DAYS = 3650
# Long admin work (backup, restore, purge, migrate) in a log: a plain progress line at most this often.
DEFAULT_PROGRESS_EVERY_S = 30
# A purge erases this many rows per committed transaction (desks wait for a batch, never for the whole backlog).
DEFAULT_PURGE_BATCH = 10_000


def _whole_number(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        # isdigit() alone would take "²" or Arabic digits, which int() then refuses or reads differently.
        if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
            raise ValueError
        return int(raw)

    return parse


def _directory(raw: str) -> Path:
    if not Path(raw).is_dir():
        raise ValueError
    return Path(raw)


def check_slots_dir() -> Path:
    """Where the portal processes of this machine share their password-check slots (lock files)."""
    return setting("OKIENKO_CHECK_SLOTS_DIR") or Path(tempfile.gettempdir()) / f"okienko-check-slots-{os.getuid()}"  # type: ignore[return-value]


def _web_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in raw):
        raise ValueError
    parts.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
    return raw


def _pin(raw: str) -> str:
    if not (raw.isascii() and raw.isdigit() and 4 <= len(raw) <= 8):
        raise ValueError
    return raw


def _store_url(raw: str) -> str:
    check_url(raw)
    return raw


@dataclasses.dataclass(frozen=True)
class Setting:
    name: str
    rule: str  # said after the name when a value breaks it
    parse: Callable[[str], object]  # raises ValueError (or DomainError with its own reason)
    default: object = None
    secret: bool = False  # never echo the value (a masked URL is still shown)


SETTINGS = {
    s.name: s
    for s in (
        Setting("OKIENKO_DB", "adres sqlite:///PLIK albo postgresql://UŻYTKOWNIK@HOST/BAZA", _store_url,
                DEFAULT_DB_URL, secret=True),
        Setting("OKIENKO_BCRYPT_COST", "liczba całkowita od 4 do 31 (koszt bcrypt)", _whole_number(4, 31),
                DEFAULT_BCRYPT_COST),
        Setting("OKIENKO_RETAIN_CLOSED_DAYS", f"liczba dni od 0 do {MAX_RETAIN_DAYS}",
                _whole_number(0, MAX_RETAIN_DAYS), DEFAULT_RETAIN_CLOSED_DAYS),
        Setting("OKIENKO_RETAIN_SMS_DAYS", f"liczba dni od 0 do {MAX_RETAIN_DAYS}", _whole_number(0, MAX_RETAIN_DAYS),
                DEFAULT_RETAIN_SMS_DAYS),
        Setting("OKIENKO_PROGRESS_EVERY_S", "liczba sekund od 0 do 3600 (co ile linia postępu w dzienniku)",
                _whole_number(0, 3600), DEFAULT_PROGRESS_EVERY_S),
        Setting("OKIENKO_PURGE_BATCH", "liczba wierszy od 1 do 1000000 (partia jednej transakcji purge)",
                _whole_number(1, 1_000_000), DEFAULT_PURGE_BATCH),
        Setting("OKIENKO_PG_BIN", "istniejący katalog z programami pg_dump i pg_restore", _directory),
        Setting("OKIENKO_FIXTURES", "istniejący katalog z plikami katalogów (TOML)", _directory),
        Setting("OKIENKO_PORTAL_URL", "adres http:// albo https:// portalu (bez spacji)", _web_url),
        Setting("OKIENKO_MODEM_PIN", "PIN karty SIM: od 4 do 8 cyfr", _pin, secret=True),
        Setting("OKIENKO_CHECK_SLOTS_DIR", "istniejący katalog na blokady sprawdzania haseł (wspólny dla procesów "
                "portalu na tej maszynie)", _directory),
    )
}  # fmt: skip

# What every program that opens the store checks: the store may read any of these on some path.
STORE_SETTINGS = ("OKIENKO_DB", "OKIENKO_BCRYPT_COST", "OKIENKO_RETAIN_CLOSED_DAYS", "OKIENKO_RETAIN_SMS_DAYS",
                  "OKIENKO_PG_BIN", "OKIENKO_FIXTURES", "OKIENKO_PROGRESS_EVERY_S", "OKIENKO_PURGE_BATCH")  # fmt: skip


def setting(name: str, env: Mapping[str, str] | None = None) -> object:
    """The value of `name` (its default when unset or blank); SettingsError naming the variable
    and its rule when the value breaks it."""
    spec = SETTINGS[name]
    raw = (os.environ if env is None else env).get(name, "").strip()
    if not raw:
        return spec.default
    try:
        return spec.parse(raw)
    except DomainError as exc:  # a rule with its own reason (the store URL's), already masked
        raise SettingsError(name, exc.rule) from None
    except ValueError:
        shown = "" if spec.secret else f", nie {raw!r}"
        raise SettingsError(name, f"{spec.rule}{shown}") from None


def check_settings(
    names: Iterable[str] = (), *, db_url: str | None = None, env: Mapping[str, str] | None = None
) -> None:
    """What a program does first: the store's settings plus `names`. `db_url` is the `--db`
    option when given (OKIENKO_DB is then not read, so not checked). Raises SettingsError for
    the first variable that breaks its rule."""
    env = os.environ if env is None else env
    for name in dict.fromkeys((*STORE_SETTINGS, *names)):
        if name == "OKIENKO_DB" and db_url:
            _store_url(db_url)  # the --db option's own message: it is not OKIENKO_DB
        else:
            setting(name, env)


def bcrypt_cost() -> int:
    # bcrypt itself accepts 4..31; below 10 is only sensible in tests.
    return setting("OKIENKO_BCRYPT_COST")  # type: ignore[return-value]


def retain_closed_days() -> int:
    """Days after a case closed before its applicant's phone is erased."""
    return setting("OKIENKO_RETAIN_CLOSED_DAYS")  # type: ignore[return-value]


def retain_sms_days() -> int:
    """Days after a text reached a final state before its outbox row is erased."""
    return setting("OKIENKO_RETAIN_SMS_DAYS")  # type: ignore[return-value]


def progress_every_s() -> int:
    """Seconds between plain progress lines when stderr is not a terminal (0: every step)."""
    return setting("OKIENKO_PROGRESS_EVERY_S")  # type: ignore[return-value]


def purge_batch() -> int:
    """Rows a purge erases per committed transaction."""
    return setting("OKIENKO_PURGE_BATCH")  # type: ignore[return-value]


def pg_bin_dir() -> str | None:
    """Where pg_dump/pg_restore live when they are not the right version on PATH."""
    folder = setting("OKIENKO_PG_BIN")
    return str(folder) if folder else None
