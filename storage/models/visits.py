"""Visits: a seat at a desk at a time, held, booked, and what happened to it."""

from __future__ import annotations

import peewee as pw

from storage.clock import utcnow
from storage.models.accounts import Clerk
from storage.models.base import BaseModel
from storage.models.cases import Case
from storage.models.catalog import Office, VisitGroup

VISIT_STATES = ("held", "booked", "arrived", "no_show", "served", "cancelled", "expired")


# A visit in one of these occupies its seat (and its phone's day).
SEAT_STATES = ("held", "booked", "arrived", "no_show", "served")


class Visit(BaseModel):
    """A booked (or held) seat at a desk. Name and phone are erased a week after the visit day;
    the rest stays for statistics."""

    reference = pw.CharField(max_length=16, unique=True)
    office = pw.ForeignKeyField(Office, on_delete="RESTRICT")
    group = pw.ForeignKeyField(VisitGroup, on_delete="RESTRICT")
    starts_at = pw.DateTimeField()  # naive UTC
    visit_day = pw.DateField()  # the Warsaw date of starts_at
    seat = pw.IntegerField()
    state = pw.CharField(max_length=10)
    name = pw.CharField(max_length=200, null=True)
    phone = pw.CharField(max_length=20, null=True)
    language = pw.CharField(max_length=2, default="pl")
    # The phone's key (phone_key) while the visit is active, for groups with one visit per phone per day;
    # None otherwise.
    phone_day_key = pw.CharField(max_length=20, null=True)
    # A digest of the phone (storage.visits.fields.phone_key): what the portal's database role may read instead.
    phone_key = pw.CharField(max_length=20, null=True)
    code_hash = pw.CharField(max_length=64, null=True)
    code_purpose = pw.CharField(max_length=10, null=True)  # "confirm" or "cancel"
    code_expires_at = pw.DateTimeField(null=True)
    code_tries_left = pw.IntegerField(default=0)
    hold_expires_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    booked_at = pw.DateTimeField(null=True)
    booked_by = pw.ForeignKeyField(Clerk, null=True, on_delete="RESTRICT")
    cancelled_at = pw.DateTimeField(null=True)
    updated_at = pw.DateTimeField(default=utcnow)
    case = pw.ForeignKeyField(Case, null=True, backref="visits", on_delete="SET NULL")
    personal_data_purged_at = pw.DateTimeField(null=True)
    # Where an online hold came from, no more precisely than the limits need (storage.delivery.code_texts):
    # the client's network (IPv4 /24, IPv6 /64), kept to count a network's unconfirmed holds, and a
    # digest of the address while the hold is pending (one pending hold per address), erased when
    # the hold ends. Both go with the name at retention.
    client_prefix = pw.CharField(max_length=50, null=True)
    client_key = pw.CharField(max_length=20, null=True)

    class Meta:
        indexes = (
            (("office", "visit_day", "starts_at"), False),
            (("state", "hold_expires_at"), False),
            (("client_prefix", "created_at"), False),
            (("client_key", "state"), False),
            (("phone_key", "state"), False),
        )


# No seat twice and one visit per phone per day, kept by the database itself (partial unique
# indexes, on SQLite and PostgreSQL alike), not only by a check in code.
Visit.add_index(
    Visit.index(
        Visit.office,
        Visit.group,
        Visit.starts_at,
        Visit.seat,
        unique=True,
        where=Visit.state.in_(SEAT_STATES),
        name="visit_seat_taken",
    )
)


Visit.add_index(
    Visit.index(
        Visit.phone_day_key,
        Visit.visit_day,
        unique=True,
        where=Visit.state.in_(SEAT_STATES) & Visit.phone_day_key.is_null(False),
        name="visit_phone_day",
    )
)
