"""The SMS loop's whole view of the store: claiming due texts and recording what the modem did,
the heartbeat, quiet hours, and the phone rule for a test text.

`sms_modem` may import this module and no other part of `storage` (an import-linter contract).
"""

from storage import program_basics
from storage.admin.plain_table import PlainTable, plain
from storage.case_numbers import format_number
from storage.clock import to_warsaw
from storage.delivery.attention import problems
from storage.delivery.heartbeat import Beat, heartbeats, modem_state
from storage.delivery.heartbeat import record as record_heartbeat
from storage.delivery.quiet_hours import QuietHours
from storage.delivery.sms_outbox import (
    ClaimedSms,
    claim_due,
    counts,
    record_delivery,
    record_failed,
    record_retry,
    record_sent,
    record_unknown,
    release,
)
from storage.phones import normalise_mobile
from storage.program_basics import *  # noqa: F403 – every program's basics, listed once there

__all__ = [
    *program_basics.__all__,
    "Beat",
    "ClaimedSms",
    "PlainTable",
    "QuietHours",
    "claim_due",
    "counts",
    "format_number",
    "heartbeats",
    "modem_state",
    "normalise_mobile",
    "plain",
    "problems",
    "record_delivery",
    "record_failed",
    "record_heartbeat",
    "record_retry",
    "record_sent",
    "record_unknown",
    "release",
    "to_warsaw",
]
