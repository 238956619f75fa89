"""The mail loop's whole view of the store: claiming due e-mails and recording what the relay
answered, plus the helpers every program shares (masking secrets, exit codes, opening the store).

`sms_modem.mail_loop` and its helpers may import this module and no other part of `storage` (an
import-linter contract).
"""

from storage.clock import utcnow
from storage.config import SettingsError, check_settings
from storage.delivery.mail_outbox import (
    ClaimedMail,
    claim_due,
    counts,
    record_failed,
    record_retry,
    record_sent,
    record_unknown,
    release,
)
from storage.errors import DomainError, StoreUnavailable, exit_codes, mask_secrets
from storage.languages import LANGUAGES
from storage.schema import open_current

__all__ = [
    "LANGUAGES",
    "ClaimedMail",
    "DomainError",
    "SettingsError",
    "StoreUnavailable",
    "check_settings",
    "claim_due",
    "counts",
    "exit_codes",
    "mask_secrets",
    "open_current",
    "record_failed",
    "record_retry",
    "record_sent",
    "record_unknown",
    "release",
    "utcnow",
]
