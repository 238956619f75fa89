"""The mail loop's whole view of the store: claiming due e-mails and recording what the relay
answered, plus the helpers every program shares (masking secrets, exit codes, opening the store).

`sms_modem.mail_loop` and its helpers may import this module and no other part of `storage` (an
import-linter contract).
"""

from storage import program_basics
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
from storage.errors import mask_secrets
from storage.program_basics import *  # noqa: F403 – every program's basics, listed once there

__all__ = [
    *program_basics.__all__,
    "ClaimedMail",
    "claim_due",
    "counts",
    "mask_secrets",
    "record_failed",
    "record_retry",
    "record_sent",
    "record_unknown",
    "release",
]
