"""The SMS loop's whole view of the store: claiming due texts and recording what the modem did,
the heartbeat (and both channels' states for `sms_modem status`), quiet hours, and the phone rule
for a test text.

`sms_modem` may import this module and no other part of `storage` (an import-linter contract).
"""

from storage import program_basics
from storage.admin.plain_table import PlainTable, plain
from storage.case_numbers import format_number
from storage.clock import to_warsaw
from storage.delivery import sms_outbox
from storage.delivery.attention import problems
from storage.delivery.heartbeat import MAIL, SMS, Beat, heartbeats, modem_state
from storage.delivery.heartbeat import current_mail_state as mail_state
from storage.delivery.heartbeat import record as record_heartbeat
from storage.delivery.quiet_hours import QuietHours
from storage.delivery.sms_outbox import *  # noqa: F403 – the loop's calls, listed once in storage.delivery.lease
from storage.phones import normalise_mobile
from storage.program_basics import *  # noqa: F403 – every program's basics, listed once there

__all__ = [
    *program_basics.__all__,
    *sms_outbox.__all__,
    "MAIL",
    "SMS",
    "Beat",
    "PlainTable",
    "QuietHours",
    "format_number",
    "heartbeats",
    "mail_state",
    "modem_state",
    "normalise_mobile",
    "plain",
    "problems",
    "record_heartbeat",
    "to_warsaw",
]
