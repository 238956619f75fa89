"""Clerk accounts: creation, deactivation and login with a growing delay after failures."""

from __future__ import annotations

import datetime as dt
import re

from storage import audit
from storage.accounts.passwords import burn_equal_time, check_password, hash_password
from storage.accounts.throttle import Policy
from storage.clock import utcnow
from storage.db import locked, unit_of_work, write_transaction
from storage.errors import DomainError
from storage.models import ROLES, Clerk, Office
from storage.records import ClerkInfo

LOGIN_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
MIN_CLERK_PASSWORD = 10
# The applicants' throttle's rule, tighter: three free tries, then 2, 4, 8 … seconds, at most 5 minutes.
CLERK_POLICY = Policy(free_failures=3, base_delay_s=2, max_delay_s=300)


def _info(clerk: Clerk) -> ClerkInfo:
    return ClerkInfo(
        clerk.id, clerk.login, clerk.full_name, clerk.office.code, clerk.office.name, clerk.role, clerk.active
    )


def acting_clerk(login: str) -> Clerk:
    """The clerk on whose behalf a rule runs; unknown or deactivated clerks may do nothing."""
    clerk = Clerk.get_or_none(Clerk.login == (login or "").strip().lower())
    if clerk is None:
        raise DomainError("clerk", f"nie ma urzędnika o loginie {login!r}")
    if not clerk.active:
        raise DomainError("clerk", f"konto {login!r} jest wyłączone")
    return clerk


def _validate_new(login: str, full_name: str, office: str, role: str, password: str) -> tuple[str, str]:
    login = (login or "").strip().lower()
    if not LOGIN_PATTERN.match(login):
        raise DomainError("login", "2–40 znaków: małe litery, cyfry, kropka, myślnik, podkreślnik; na początku litera")
    name = " ".join((full_name or "").split())
    if not name:
        raise DomainError("full_name", "pole jest wymagane")
    if len(name) > 200:
        raise DomainError("full_name", "najwyżej 200 znaków")
    if role not in ROLES:
        raise DomainError("role", f"dozwolone role: {', '.join(ROLES)}")
    if len(password or "") < MIN_CLERK_PASSWORD:
        raise DomainError("password", f"hasło urzędnika musi mieć co najmniej {MIN_CLERK_PASSWORD} znaków")
    if len(password.encode("utf-8")) > 72:
        raise DomainError("password", "hasło może mieć najwyżej 72 bajty")
    return login, name


def create_clerk(
    login: str, full_name: str, office: str, role: str, password: str, acting: str | None = None
) -> ClerkInfo:
    login, name = _validate_new(login, full_name, office, role, password)
    hashed = hash_password(password)
    with write_transaction():
        office_row = Office.get_or_none(Office.code == (office or "").upper())
        if office_row is None:
            raise DomainError("office", f"nie ma oddziału {office!r} (wczytaj katalogi: load-fixtures)")
        if Clerk.get_or_none(Clerk.login == login) is not None:
            raise DomainError("login", f"login {login!r} jest już zajęty")
        actor = acting_clerk(acting) if acting else None
        if actor is not None and actor.role != "admin":
            raise DomainError("clerk", "tylko administrator może zakładać konta")
        clerk = Clerk.create(login=login, full_name=name, office=office_row, role=role, password_hash=hashed)
        audit.record(
            "clerk_created", actor, actor=None if actor else "admin-cli", login=login, role=role, office=office_row.code
        )
        return _info(clerk)


def set_clerk_active(login: str, active: bool, acting: str | None = None) -> ClerkInfo:
    with write_transaction():
        clerk = Clerk.get_or_none(Clerk.login == (login or "").strip().lower())
        if clerk is None:
            raise DomainError("login", f"nie ma urzędnika o loginie {login!r}")
        actor = acting_clerk(acting) if acting else None
        Clerk.update(active=active, failed_logins=0).where(Clerk.id == clerk.id).execute()
        audit.record(
            "clerk_activated" if active else "clerk_deactivated",
            actor,
            actor=None if actor else "admin-cli",
            login=clerk.login,
        )
        clerk.active = active
        return _info(clerk)


def login_delay(failures: int) -> int:
    """Seconds a clerk must wait after `failures` wrong passwords in a row."""
    return CLERK_POLICY.delay(failures)


def authenticate_clerk(login: str, password: str, now: dt.datetime | None = None) -> ClerkInfo:
    """Check a clerk's login; a run of failures makes the next try wait (checked before bcrypt)."""
    now = now or utcnow()
    login = (login or "").strip().lower()
    failure = DomainError("login", "nieprawidłowy login lub hasło")
    with unit_of_work():
        clerk = Clerk.select(Clerk, Office).join(Office).where(Clerk.login == login).first()
        if clerk is None or not clerk.active:
            burn_equal_time(password or "")
            raise failure
        wait = login_delay(clerk.failed_logins)
        if wait and clerk.last_failed_at and now < clerk.last_failed_at + dt.timedelta(seconds=wait):
            left = int((clerk.last_failed_at + dt.timedelta(seconds=wait) - now).total_seconds()) + 1
            raise DomainError("login", f"zbyt wiele nieudanych prób – spróbuj ponownie za {left} s")
        ok = check_password(password or "", clerk.password_hash)
        with write_transaction():
            current = locked(Clerk.select().where(Clerk.id == clerk.id)).get()
            if ok:
                if current.failed_logins:
                    Clerk.update(failed_logins=0).where(Clerk.id == clerk.id).execute()
                audit.record("clerk_login", current)
            else:
                Clerk.update(failed_logins=Clerk.failed_logins + 1, last_failed_at=now).where(
                    Clerk.id == clerk.id
                ).execute()
                audit.record("clerk_login_failed", None, actor=clerk.login)
        if not ok:
            raise failure
        return _info(clerk)


def list_clerks() -> list[ClerkInfo]:
    with unit_of_work():
        return [_info(c) for c in Clerk.select(Clerk, Office).join(Office).order_by(Clerk.login)]
