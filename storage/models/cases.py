"""Cases and what hangs on them: numbers, name words, stage history, deficiencies, the office's
messages, the audit trail, portal sessions and the processing-time figures."""

from __future__ import annotations

import json

import peewee as pw

from storage.clock import utcnow
from storage.models.accounts import Clerk
from storage.models.base import BaseModel
from storage.models.catalog import CaseType, DeficiencyKind, MessageTemplate, Office, Stage


class CaseNumberCounter(BaseModel):
    """One row per year; the row lock on it is what makes numbers unique across desks."""

    year = pw.IntegerField(primary_key=True)
    last_serial = pw.IntegerField(default=0)


class Case(BaseModel):
    number = pw.CharField(max_length=16, unique=True)
    case_type = pw.ForeignKeyField(CaseType, on_delete="RESTRICT")
    office = pw.ForeignKeyField(Office, on_delete="RESTRICT")
    channel = pw.CharField(max_length=12)
    external_ref = pw.CharField(max_length=64, null=True, index=True)
    filed_on = pw.DateField()
    applicant_name = pw.CharField(max_length=200)
    # Case-folded surname without diacritics, for the clerks' prefix search.
    surname_key = pw.CharField(max_length=200, index=True)
    phone = pw.CharField(max_length=20, null=True)
    # Optional, given at the counter (storage.emails); erased with the phone by retention.
    email = pw.CharField(max_length=254, null=True)
    language = pw.CharField(max_length=2, default="pl")
    sms_opt_out = pw.BooleanField(default=False)
    password_hash = pw.CharField(max_length=100)
    credential_version = pw.IntegerField(default=1)
    # Moves with every change the applicant can see; the portal re-renders only when it does.
    public_version = pw.IntegerField(default=0)
    stage = pw.ForeignKeyField(Stage, on_delete="RESTRICT")
    stage_changed_at = pw.DateTimeField()
    deadline_on = pw.DateField()
    closed = pw.BooleanField(default=False)
    created_by = pw.ForeignKeyField(Clerk, on_delete="RESTRICT")
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)
    personal_data_purged_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "case_file"  # CASE is an SQL keyword
        # Every worklist page walks one of these in order (storage.cases.worklist).
        indexes = (
            (("office", "closed", "id"), False),
            (("office", "closed", "stage", "id"), False),
            (("office", "closed", "case_type", "id"), False),
            (("office", "closed", "deadline_on", "id"), False),
            (("closed", "id"), False),
            (("closed", "deadline_on", "id"), False),
            # The head of unit's figures (storage.cases.report).
            (("filed_on", "office", "case_type"), False),
            (("closed", "stage", "office", "deadline_on"), False),
            # "Registered today" (storage.cases.worklist).
            (("created_at",), False),
        )


class CaseNameToken(BaseModel):
    """Each folded word of an applicant's name, for the clerks' any-word prefix search
    (storage.cases.name_search keeps it in step with the name)."""

    token = pw.CharField(max_length=64)
    case = pw.ForeignKeyField(Case, on_delete="CASCADE", index=False)

    class Meta:
        table_name = "case_name_token"
        primary_key = pw.CompositeKey("token", "case")
        indexes = ((("case", "token"), False),)


class StageHistory(BaseModel):
    case = pw.ForeignKeyField(Case, backref="history", on_delete="CASCADE")
    stage = pw.ForeignKeyField(Stage, on_delete="RESTRICT")
    changed_at = pw.DateTimeField(default=utcnow)
    clerk = pw.ForeignKeyField(Clerk, null=True, on_delete="RESTRICT")
    # A stage set by mistake and withdrawn: kept for the clerks, left out of the applicant's view.
    withdrawn_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = (
            (("case", "changed_at"), False),
            (("stage", "changed_at"), False),  # decisions per week (storage.cases.report)
        )


class Deficiency(BaseModel):
    case = pw.ForeignKeyField(Case, backref="deficiencies", on_delete="CASCADE")
    kind = pw.ForeignKeyField(DeficiencyKind, null=True, on_delete="RESTRICT")
    free_text = pw.CharField(max_length=300, null=True)
    note = pw.TextField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    created_by = pw.ForeignKeyField(Clerk, backref="+", on_delete="RESTRICT")
    resolved_at = pw.DateTimeField(null=True)
    resolved_by = pw.ForeignKeyField(Clerk, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = ((("case", "resolved_at"), False),)


class OfficeMessage(BaseModel):
    """A message from the office to the applicant, shown on the portal. `body` is final text
    (a template filled in the case's language, or the clerk's own words as written)."""

    case = pw.ForeignKeyField(Case, backref="messages", on_delete="CASCADE")
    clerk = pw.ForeignKeyField(Clerk, on_delete="RESTRICT")
    template = pw.ForeignKeyField(MessageTemplate, null=True, on_delete="RESTRICT")
    language = pw.CharField(max_length=2)
    body = pw.TextField()
    created_at = pw.DateTimeField(default=utcnow)
    read_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("case", "created_at"), False),)


class AuditEvent(BaseModel):
    """Append-only (enforced by triggers): who did what, when. No personal data in `detail`."""

    at = pw.DateTimeField(default=utcnow)
    clerk = pw.ForeignKeyField(Clerk, null=True, on_delete="RESTRICT")
    actor = pw.CharField(max_length=80)
    action = pw.CharField(max_length=40)
    case = pw.ForeignKeyField(Case, null=True, backref="audit", on_delete="RESTRICT")
    detail_json = pw.TextField(default="{}")

    class Meta:
        # The second one answers "cases I last changed" (storage.cases.worklist).
        indexes = ((("case", "at"), False), (("clerk", "case", "at"), False))

    @property
    def detail(self) -> dict:
        return json.loads(self.detail_json)


class PortalSession(BaseModel):
    """An applicant's web session. The cookie carries only a random token; its SHA-256 is the
    key here, so a copy of the table opens no session. Deleting the row ends every copy of the cookie."""

    id = pw.CharField(max_length=64, primary_key=True)
    case_number = pw.CharField(max_length=16, index=True)
    credential_version = pw.IntegerField()
    created_at = pw.DateTimeField()
    # Refreshed at most once a minute (a write per page view would cost more than the page).
    last_seen_at = pw.DateTimeField(index=True)


class ProcessingTime(BaseModel):
    """How long cases took (storage.cases.processing_times), refreshed in the background so that no page
    aggregates history. `measure` is "decision" (filing to first decision) or a stage code (days in it)."""

    case_type = pw.CharField(max_length=40)
    office = pw.CharField(max_length=10)
    measure = pw.CharField(max_length=40)
    cases = pw.IntegerField()
    # None where fewer than storage.cases.processing_times.MIN_CASES cases were decided.
    median_days = pw.FloatField(null=True)
    p80_days = pw.FloatField(null=True)
    computed_at = pw.DateTimeField()

    class Meta:
        table_name = "processing_time"
        primary_key = pw.CompositeKey("case_type", "office", "measure")
