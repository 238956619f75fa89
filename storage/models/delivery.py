"""The SMS and e-mail outboxes and the modem's heartbeat."""

from __future__ import annotations

import peewee as pw

from storage.clock import utcnow
from storage.models.base import BaseModel
from storage.models.cases import Case, OfficeMessage
from storage.models.catalog import Stage
from storage.models.visits import Visit

OUTBOX_STATES = ("queued", "sending", "sent", "delivered", "failed", "cancelled", "unknown")


class Outbox(BaseModel):
    """What a notice waiting for a channel is, whichever the channel (no table of its own): its
    state and due time, the lease of the loop sending it (storage.delivery.lease) and how its last
    try ended. Each channel's table adds what it names and what the transport gave back."""

    stage = pw.ForeignKeyField(Stage, null=True, on_delete="RESTRICT")
    # Set for "you have a message from the office"; unique: one notice per message and channel, ever.
    message = pw.ForeignKeyField(OfficeMessage, null=True, unique=True, on_delete="CASCADE")
    state = pw.CharField(max_length=10, default="queued")
    created_at = pw.DateTimeField(default=utcnow)
    due_at = pw.DateTimeField(default=utcnow)
    attempts = pw.IntegerField(default=0)
    lease_owner = pw.CharField(max_length=80, null=True)
    lease_until = pw.DateTimeField(null=True)
    error_code = pw.CharField(max_length=40, null=True)
    last_error = pw.TextField(null=True)
    sent_at = pw.DateTimeField(null=True)
    updated_at = pw.DateTimeField(default=utcnow)


class SmsOutbox(Outbox):
    """A text to send. The phone is read from the case (or the visit) at send time, never copied here."""

    case = pw.ForeignKeyField(Case, backref="sms", null=True, on_delete="CASCADE")
    # Set for a visit's code text ("visit_code"); `code` is the plain code, kept only until sent.
    visit = pw.ForeignKeyField(Visit, backref="sms", null=True, on_delete="CASCADE")
    code = pw.CharField(max_length=6, null=True)
    # Higher goes first; code texts go ahead of stage texts and ignore quiet hours.
    priority = pw.IntegerField(default=0)
    message_ref = pw.IntegerField(null=True)
    # References are per modem: a delivery report matches only texts its own sender sent.
    sender = pw.CharField(max_length=255, null=True)
    delivered_at = pw.DateTimeField(null=True)
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


class MailOutbox(Outbox):
    """An e-mail notification to send (storage.delivery.mail_outbox). As with texts, the address is read
    from the case at send time, never copied here."""

    case = pw.ForeignKeyField(Case, backref="mail", on_delete="CASCADE")
    # The Message-ID header it went out with (no personal data: outbox id and time).
    message_id_header = pw.CharField(max_length=255, null=True)

    class Meta:
        indexes = (
            (("state", "due_at"), False),
            (("case", "state"), False),
        )


HEARTBEAT_CHANNELS = ("sms", "mail")


class DeliveryHeartbeat(BaseModel):
    """A delivery loop's latest sign of life, one row per sender: a modem (as the SMS outbox names
    it) or an SMTP relay (`smtp://host:port`). The desks' header and `sms_modem status` read it.
    Never a phone number or an e-mail address (errors are scrubbed). The table keeps the name it
    had when only the SMS loop beat (migration 0010): renaming it buys nothing on kept stores."""

    sender = pw.CharField(max_length=255, primary_key=True)
    channel = pw.CharField(max_length=10, default="sms")  # HEARTBEAT_CHANNELS
    owner = pw.CharField(max_length=80)
    started_at = pw.DateTimeField()
    seen_at = pw.DateTimeField()
    running = pw.BooleanField(default=True)
    connected = pw.BooleanField(default=False)  # SMS: a modem answers; e-mail: unused (see last_try)
    signal = pw.IntegerField(null=True)  # 0-31 as +CSQ reports it; None: unknown
    network = pw.CharField(max_length=80, null=True)
    registration = pw.CharField(max_length=40, null=True)
    quiet_hours = pw.CharField(max_length=20, null=True)  # the loop's own setting; None: off
    # Rows waiting (texts: due now; e-mails: not yet sent) and the oldest one's due (e-mails:
    # queueing) time: storage.delivery.heartbeat._waiting_rows says why they differ.
    queue_depth = pw.IntegerField(default=0)
    oldest_due_at = pw.DateTimeField(null=True)
    looked_at = pw.DateTimeField(null=True)  # when the loop last asked its outbox for work
    # How the transport answered the last try: ok | unreachable | refused | maybe_sent, with the
    # refusal's code (smtp:451, CMS 38): the failure kinds of sms_modem.delivery.
    last_try = pw.CharField(max_length=20, null=True)
    last_try_code = pw.CharField(max_length=40, null=True)
    last_try_at = pw.DateTimeField(null=True)
    last_sent_at = pw.DateTimeField(null=True)
    last_error = pw.CharField(max_length=300, null=True)
    last_error_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "modem_heartbeat"
