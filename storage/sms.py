"""The SMS loop's whole view of the store: claiming due texts and recording what the modem did,
the heartbeat, quiet hours, and the phone rule for a test text.

`sms_modem` may import this module and no other part of `storage` (an import-linter contract).
"""

from storage.admin.plain_table import PlainTable, plain
from storage.case_numbers import format_number
from storage.clock import to_warsaw, utcnow
from storage.config import SettingsError, check_settings
from storage.delivery.heartbeat import Beat, heartbeats, modem_state
from storage.delivery.heartbeat import record as record_heartbeat
from storage.delivery.quiet_hours import QuietHours
from storage.delivery.sms_outbox import (
    ClaimedSms,
    claim_due,
    counts,
    problems,
    record_delivery,
    record_failed,
    record_retry,
    record_sent,
    record_unknown,
    release,
)
from storage.errors import DomainError, StoreUnavailable, exit_codes
from storage.languages import LANGUAGES
from storage.phones import normalise_mobile
from storage.schema import open_current

__all__ = [
    "LANGUAGES",
    "Beat",
    "ClaimedSms",
    "DomainError",
    "PlainTable",
    "QuietHours",
    "SettingsError",
    "StoreUnavailable",
    "check_settings",
    "claim_due",
    "counts",
    "exit_codes",
    "format_number",
    "heartbeats",
    "modem_state",
    "normalise_mobile",
    "open_current",
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
    "utcnow",
]
