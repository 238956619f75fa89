"""The lease both outboxes (SMS and e-mail) share: a claimed row is `sending` for one loop for a
while, and only that loop may record what became of it – a lease that ran out may be someone
else's by now (docs/delivery.md)."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from storage.clock import utcnow
from storage.db import write_transaction
from storage.models import MailOutbox, SmsOutbox

Outbox = type[SmsOutbox | MailOutbox]

# What a delivery loop calls on its outbox, the same names on both channels: each outbox module
# lists them in its __all__, and the loop's facade (storage.sms, storage.mail) re-exports that.
LOOP_CALLS = ("claim_due", "counts", "record_failed", "record_retry", "record_sent", "record_unknown", "release")


def due(table: Outbox, now: dt.datetime) -> pw.Expression:
    """Rows a loop may take now: queued and due, or claimed by a loop whose lease ran out."""
    queued = (table.state == "queued") & (table.due_at <= now)
    abandoned = (table.state == "sending") & (table.lease_until < now)
    return queued | abandoned


def lease(table: Outbox, outbox_id: int, owner: str, lease_seconds: int, now: dt.datetime) -> None:
    """Mark a row of an outbox (SMS or e-mail) as being sent by `owner` for `lease_seconds`, counting
    the attempt. Inside the claiming transaction."""
    table.update(
        state="sending",
        lease_owner=owner,
        lease_until=now + dt.timedelta(seconds=lease_seconds),
        attempts=table.attempts + 1,
        updated_at=now,
    ).where(table.id == outbox_id).execute()


def finish_leased(table: Outbox, outbox_id: int, owner: str, **values) -> bool:
    """Update a claimed row of an outbox (SMS or e-mail) only while `owner` still holds it: a lease
    that ran out may be someone else's by now."""
    values["updated_at"] = utcnow()
    with write_transaction():
        changed = (
            table.update(lease_owner=None, lease_until=None, **values)
            .where((table.id == outbox_id) & (table.lease_owner == owner) & (table.state == "sending"))
            .execute()
        )
    return bool(changed)
