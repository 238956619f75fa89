"""The schema. Only `storage` touches these classes; front ends get plain values back."""

from __future__ import annotations

import json

import peewee as pw

from storage.clock import utcnow
from storage.db import database

CHANNELS = ("in_person", "post", "electronic")
ROLES = ("clerk", "admin")


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class MultilingualLabel(BaseModel):
    """Catalogue rows that an applicant reads carry a label in each portal language."""

    label_pl = pw.CharField(max_length=300)
    label_en = pw.CharField(max_length=300)
    label_ru = pw.CharField(max_length=300)
    label_uk = pw.CharField(max_length=300)

    def label(self, lang: str) -> str:
        return getattr(self, f"label_{lang}", None) or self.label_pl


class Office(BaseModel):
    code = pw.CharField(primary_key=True, max_length=8)
    name = pw.CharField(max_length=200)
    city = pw.CharField(max_length=80)
    address = pw.TextField()
    phone = pw.CharField(max_length=40, null=True)
    email = pw.CharField(max_length=254, null=True)
    # Where in the building applicants are served ("sala obsługi, pokój 1"), per language; "" = not given.
    room_pl = pw.CharField(max_length=200, default="")
    room_en = pw.CharField(max_length=200, default="")
    room_ru = pw.CharField(max_length=200, default="")
    room_uk = pw.CharField(max_length=200, default="")
    # JSON list of [weekday 1..7, "HH:MM", "HH:MM"]; front ends name the weekdays per language.
    hours_json = pw.TextField(default="[]")
    is_main = pw.BooleanField(default=False)
    position = pw.IntegerField(default=0)

    @property
    def hours(self) -> list[tuple[int, str, str]]:
        return [tuple(row) for row in json.loads(self.hours_json)]


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


class CaseType(MultilingualLabel):
    code = pw.CharField(primary_key=True, max_length=40)
    # The Polish name shortened where the label does not fit the clerk's list column ("" = the label fits).
    short_pl = pw.CharField(max_length=40, default="")
    deadline_days = pw.IntegerField()
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class Fee(BaseModel):
    case_type = pw.ForeignKeyField(CaseType, backref="fees", on_delete="CASCADE")
    code = pw.CharField(max_length=40)
    label_pl = pw.CharField(max_length=300)
    label_en = pw.CharField(max_length=300)
    # Empty in a store migrated by 0012 until the fixtures are loaded again.
    label_ru = pw.CharField(max_length=300, default="")
    label_uk = pw.CharField(max_length=300, default="")
    amount_grosze = pw.IntegerField()
    position = pw.IntegerField(default=0)
    # The reduced fee where the law grants one (the information panel shows it beside the full one).
    reduced_grosze = pw.IntegerField(null=True)

    class Meta:
        indexes = ((("case_type", "code"), True),)

    def label(self, lang: str) -> str:
        return getattr(self, f"label_{lang}", None) or self.label_pl


class DeficiencyKind(MultilingualLabel):
    code = pw.CharField(primary_key=True, max_length=40)
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class RequiredDocument(BaseModel):
    case_type = pw.ForeignKeyField(CaseType, backref="required_documents", on_delete="CASCADE")
    kind = pw.ForeignKeyField(DeficiencyKind, on_delete="RESTRICT")
    position = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("case_type", "kind"), True),)


class Stage(MultilingualLabel):
    code = pw.CharField(primary_key=True, max_length=40)
    # The Polish name shortened where the label does not fit the clerk's list column ("" = the label fits).
    short_pl = pw.CharField(max_length=40, default="")
    position = pw.IntegerField(default=0)
    explanation_pl = pw.TextField()
    explanation_en = pw.TextField()
    explanation_ru = pw.TextField()
    explanation_uk = pw.TextField()
    closes_case = pw.BooleanField(default=False)
    # Whether the statutory deadline runs at this stage; only then can a case be overdue.
    clock_runs = pw.BooleanField(default=True)
    is_initial = pw.BooleanField(default=False)
    # A decision on the application was issued (the head of unit's figures count these).
    is_decision = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)
    # False for detours (e.g. a suspension): never proposed as the stage that normally follows.
    usual_path = pw.BooleanField(default=True)

    def explanation(self, lang: str) -> str:
        return getattr(self, f"explanation_{lang}", None) or self.explanation_pl


class LegalAct(MultilingualLabel):
    """A law the information panel cites: its name in each language and a link to its current text."""

    code = pw.CharField(primary_key=True, max_length=40)
    url = pw.CharField(max_length=300)
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class CaseTypeGuide(BaseModel):
    """The information panel's own texts about a kind of case (fees, documents and the time limit
    come from the other catalogues)."""

    case_type = pw.ForeignKeyField(CaseType, primary_key=True, on_delete="CASCADE")
    who_for_pl = pw.TextField()
    who_for_en = pw.TextField()
    who_for_ru = pw.TextField()
    who_for_uk = pw.TextField()
    notes_pl = pw.TextField(default="")
    notes_en = pw.TextField(default="")
    notes_ru = pw.TextField(default="")
    notes_uk = pw.TextField(default="")
    # JSON lists: filing channels (models.CHANNELS) and LegalAct codes, in the order shown.
    channels_json = pw.TextField(default="[]")
    legal_acts_json = pw.TextField(default="[]")

    class Meta:
        table_name = "case_type_guide"


class InfoText(BaseModel):
    """A text the information panel shows for every kind of case (how to pay, how to file, …)."""

    code = pw.CharField(primary_key=True, max_length=40)
    text_pl = pw.TextField()
    text_en = pw.TextField()
    text_ru = pw.TextField()
    text_uk = pw.TextField()


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


class MessageTemplate(BaseModel):
    """A message the office often sends, in the four languages, with {document}, {date} and
    {office} placeholders the clerk fills in."""

    code = pw.CharField(max_length=40, primary_key=True)
    label_pl = pw.CharField(max_length=200)  # what the clerk picks from
    text_pl = pw.TextField()
    text_en = pw.TextField()
    text_ru = pw.TextField()
    text_uk = pw.TextField()
    placeholders_json = pw.TextField(default="[]")
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)

    def text(self, lang: str) -> str:
        return getattr(self, f"text_{lang}", None) or self.text_pl

    @property
    def placeholder_codes(self) -> list[str]:
        return json.loads(self.placeholders_json)


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


class VisitGroup(MultilingualLabel):
    """A kind of matter a visit can be booked for (fixtures/visit_groups.toml)."""

    code = pw.CharField(primary_key=True, max_length=40)
    slot_minutes = pw.IntegerField()
    # The Polish name shortened where the label does not fit the clerk's list column ("" = the label fits).
    short_pl = pw.CharField(max_length=40, default="")
    # False where one person books for others (an employer, an inviting person).
    one_per_phone_per_day = pw.BooleanField(default=True)
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class VisitGroupOffice(BaseModel):
    """How an office serves a group: seats per slot and opening hours per weekday."""

    group = pw.ForeignKeyField(VisitGroup, backref="offices", on_delete="CASCADE")
    office = pw.ForeignKeyField(Office, on_delete="RESTRICT")
    desks = pw.IntegerField()
    # JSON list of [weekday 1..7, "HH:MM", "HH:MM"], Warsaw wall-clock times.
    hours_json = pw.TextField(default="[]")
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "visit_group_office"
        indexes = ((("group", "office"), True),)

    @property
    def hours(self) -> list[tuple[int, str, str]]:
        return [tuple(row) for row in json.loads(self.hours_json)]


class VisitRules(BaseModel):
    """The booking settings of fixtures/visit_groups.toml, one row (id 1)."""

    id = pw.IntegerField(primary_key=True)
    horizon_days = pw.IntegerField()
    closed_weekdays_json = pw.TextField(default="[]")
    hold_minutes = pw.IntegerField()
    code_tries = pw.IntegerField()
    timezone = pw.CharField(max_length=60)

    class Meta:
        table_name = "visit_rules"

    @property
    def closed_weekdays(self) -> frozenset[int]:
        return frozenset(json.loads(self.closed_weekdays_json))


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


OUTBOX_STATES = ("queued", "sending", "sent", "delivered", "failed", "cancelled", "unknown")


class SmsOutbox(BaseModel):
    """A text to send. The phone is read from the case (or the visit) at send time, never copied here."""

    case = pw.ForeignKeyField(Case, backref="sms", null=True, on_delete="CASCADE")
    # Set for a visit's code text ("visit_code"); `code` is the plain code, kept only until sent.
    visit = pw.ForeignKeyField(Visit, backref="sms", null=True, on_delete="CASCADE")
    code = pw.CharField(max_length=6, null=True)
    # Higher goes first; code texts go ahead of stage texts and ignore quiet hours.
    priority = pw.IntegerField(default=0)
    stage = pw.ForeignKeyField(Stage, null=True, on_delete="RESTRICT")
    # Set for "you have a message from the office"; unique: one notification per message, ever.
    message = pw.ForeignKeyField(OfficeMessage, null=True, unique=True, on_delete="CASCADE")
    state = pw.CharField(max_length=10, default="queued")
    created_at = pw.DateTimeField(default=utcnow)
    due_at = pw.DateTimeField(default=utcnow)
    attempts = pw.IntegerField(default=0)
    lease_owner = pw.CharField(max_length=80, null=True)
    lease_until = pw.DateTimeField(null=True)
    message_ref = pw.IntegerField(null=True)
    # References are per modem: a delivery report matches only texts its own sender sent.
    sender = pw.CharField(max_length=255, null=True)
    error_code = pw.CharField(max_length=40, null=True)
    last_error = pw.TextField(null=True)
    sent_at = pw.DateTimeField(null=True)
    delivered_at = pw.DateTimeField(null=True)
    updated_at = pw.DateTimeField(default=utcnow)
    # Fair sending (storage.delivery.code_texts): texts queue in lanes – a code text in its client's network's,
    # every text of the office's own (stage, message) in one lane – and each gets a turn: one after
    # its lane's last waiting text, never before the head of the queue. The loop takes the lowest turn.
    lane = pw.CharField(max_length=50, null=True)
    turn = pw.BigIntegerField(default=0)

    class Meta:
        indexes = (
            (("state", "due_at"), False),
            (("case", "state"), False),
            (("state", "turn"), False),
            (("lane", "state"), False),
            (("sent_at",), False),
        )


MAIL_STATES = ("queued", "sending", "sent", "failed", "cancelled", "unknown")


class MailOutbox(BaseModel):
    """An e-mail notification to send (storage.delivery.mail_outbox). As with texts, the address is read
    from the case at send time, never copied here."""

    case = pw.ForeignKeyField(Case, backref="mail", on_delete="CASCADE")
    stage = pw.ForeignKeyField(Stage, null=True, on_delete="RESTRICT")
    # Set for "you have a message from the office"; unique: one e-mail per message, ever.
    message = pw.ForeignKeyField(OfficeMessage, null=True, unique=True, on_delete="CASCADE")
    state = pw.CharField(max_length=10, default="queued")
    created_at = pw.DateTimeField(default=utcnow)
    due_at = pw.DateTimeField(default=utcnow)
    attempts = pw.IntegerField(default=0)
    lease_owner = pw.CharField(max_length=80, null=True)
    lease_until = pw.DateTimeField(null=True)
    # The Message-ID header it went out with (no personal data: outbox id and time).
    message_id_header = pw.CharField(max_length=255, null=True)
    error_code = pw.CharField(max_length=40, null=True)
    last_error = pw.TextField(null=True)
    sent_at = pw.DateTimeField(null=True)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("state", "due_at"), False),
            (("case", "state"), False),
        )


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


class LoginThrottle(BaseModel):
    """Failed public logins per key ("case:<number>" or "addr:<ip>"), shared by all web processes."""

    key = pw.CharField(max_length=120, primary_key=True)
    failures = pw.IntegerField(default=0)
    first_failure_at = pw.DateTimeField()
    last_failure_at = pw.DateTimeField()
    blocked_until = pw.DateTimeField(null=True)


class ModemHeartbeat(BaseModel):
    """The SMS loop's latest sign of life, one row per modem (sender, as in the outbox); the desks'
    header and `sms_modem status` read it. Never a phone number (errors are scrubbed)."""

    sender = pw.CharField(max_length=255, primary_key=True)
    owner = pw.CharField(max_length=80)
    started_at = pw.DateTimeField()
    seen_at = pw.DateTimeField()
    running = pw.BooleanField(default=True)
    connected = pw.BooleanField(default=False)
    signal = pw.IntegerField(null=True)  # 0-31 as +CSQ reports it; None: unknown
    network = pw.CharField(max_length=80, null=True)
    registration = pw.CharField(max_length=40, null=True)
    quiet_hours = pw.CharField(max_length=20, null=True)  # the loop's own setting; None: off
    queue_depth = pw.IntegerField(default=0)
    oldest_due_at = pw.DateTimeField(null=True)
    last_sent_at = pw.DateTimeField(null=True)
    last_error = pw.CharField(max_length=300, null=True)
    last_error_at = pw.DateTimeField(null=True)


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


ALL_MODELS: list[type[BaseModel]] = [
    Office,
    Clerk,
    CaseType,
    Fee,
    DeficiencyKind,
    RequiredDocument,
    Stage,
    LegalAct,
    CaseTypeGuide,
    InfoText,
    CaseNumberCounter,
    Case,
    CaseNameToken,
    StageHistory,
    Deficiency,
    MessageTemplate,
    OfficeMessage,
    SmsOutbox,
    MailOutbox,
    AuditEvent,
    LoginThrottle,
    ModemHeartbeat,
    PortalSession,
    VisitGroup,
    VisitGroupOffice,
    VisitRules,
    Visit,
    ProcessingTime,
]
