"""The mail loop's whole view of the store: claiming due e-mails and recording what the relay
answered, its heartbeat, plus the helpers every program shares (masking secrets, exit codes,
opening the store).

`sms_modem.mail_loop` and its helpers may import this module and no other part of `storage` (an
import-linter contract).
"""

from storage import program_basics
from storage.delivery import mail_outbox
from storage.delivery.heartbeat import MAIL, Beat
from storage.delivery.heartbeat import record as record_heartbeat
from storage.delivery.mail_outbox import *  # noqa: F403 – the loop's calls, listed once in storage.delivery.lease
from storage.errors import mask_secrets
from storage.program_basics import *  # noqa: F403 – every program's basics, listed once there

__all__ = [
    *program_basics.__all__,
    *mail_outbox.__all__,
    "MAIL",
    "Beat",
    "mask_secrets",
    "record_heartbeat",
]
