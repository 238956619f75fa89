"""Clerk accounts and the append-only audit trail."""

import datetime as dt

import peewee
import pytest

import storage
from storage.accounts.clerks import login_delay
from storage.clock import utcnow
from storage.db import database, unit_of_work
from storage.errors import DomainError
from storage.models import AuditEvent
from tests.helpers import CLERK, CLERK_PASSWORD, register


def test_authenticate_clerk(store):
    info = storage.authenticate_clerk(" Anna ", CLERK_PASSWORD)  # login is trimmed and case-folded
    assert (info.login, info.office_code, info.role) == (CLERK, "GDA", "clerk")
    with pytest.raises(DomainError, match="nieprawidłowy login lub hasło"):
        storage.authenticate_clerk(CLERK, "wrong-password")
    with pytest.raises(DomainError, match="nieprawidłowy login lub hasło"):
        storage.authenticate_clerk("nobody", CLERK_PASSWORD)


def test_repeated_failures_slow_down_then_success_resets(store):
    now = utcnow()
    for _ in range(4):
        with pytest.raises(DomainError):
            storage.authenticate_clerk(CLERK, "wrong", now=now)
    with pytest.raises(DomainError, match="spróbuj ponownie za"):
        storage.authenticate_clerk(CLERK, CLERK_PASSWORD, now=now)
    later = now + dt.timedelta(seconds=login_delay(4) + 1)
    assert storage.authenticate_clerk(CLERK, CLERK_PASSWORD, now=later).login == CLERK
    assert storage.authenticate_clerk(CLERK, CLERK_PASSWORD, now=later).login == CLERK


def test_login_delay_grows_and_is_capped():
    assert [login_delay(n) for n in range(6)] == [0, 0, 0, 2, 4, 8]
    assert login_delay(50) == 300


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("Bad Login", "X Y", "GDA", "clerk", "long-enough-pw"), "login"),
        (("newbie", "", "GDA", "clerk", "long-enough-pw"), "full_name"),
        (("newbie", "X Y", "WAW", "clerk", "long-enough-pw"), "office"),
        (("newbie", "X Y", "GDA", "boss", "long-enough-pw"), "role"),
        (("newbie", "X Y", "GDA", "clerk", "short"), "password"),
        ((CLERK, "X Y", "GDA", "clerk", "long-enough-pw"), "login"),
    ],
)
def test_bad_clerk_accounts_are_refused(store, args, field):
    with pytest.raises(DomainError) as err:
        storage.create_clerk(*args)
    assert err.value.field == field


def test_deactivated_clerk_can_neither_log_in_nor_act(store):
    filing = register()
    storage.set_clerk_active(CLERK, False)
    with pytest.raises(DomainError):
        storage.authenticate_clerk(CLERK, CLERK_PASSWORD)
    with pytest.raises(DomainError, match="wyłączone"):
        storage.set_stage(filing.number, "formal_check", clerk=CLERK)


def test_audit_trail_refuses_update_and_delete(store):
    register()
    with unit_of_work():
        with pytest.raises(peewee.DatabaseError, match="append-only"), database.atomic():
            AuditEvent.update(action="tampered").execute()
        with pytest.raises(peewee.DatabaseError, match="append-only"), database.atomic():
            AuditEvent.delete().execute()
        assert AuditEvent.select().where(AuditEvent.action == "tampered").count() == 0
        assert AuditEvent.select().count() >= 4
