"""Clerks' accounts and the throttle's counters."""

from __future__ import annotations

import peewee as pw

from storage.clock import utcnow
from storage.models.base import BaseModel
from storage.models.catalog import Office


class Clerk(BaseModel):
    login = pw.CharField(max_length=40, unique=True)
    full_name = pw.CharField(max_length=200)
    office = pw.ForeignKeyField(Office, backref="clerks", on_delete="RESTRICT")
    role = pw.CharField(max_length=10, default="clerk")
    password_hash = pw.CharField(max_length=100)
    active = pw.BooleanField(default=True)
    failed_logins = pw.IntegerField(default=0)
    last_failed_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)


class LoginThrottle(BaseModel):
    """Failed public logins per key ("case:<number>" or "addr:<ip>"), shared by all web processes."""

    key = pw.CharField(max_length=120, primary_key=True)
    failures = pw.IntegerField(default=0)
    first_failure_at = pw.DateTimeField()
    last_failure_at = pw.DateTimeField()
    blocked_until = pw.DateTimeField(null=True)
