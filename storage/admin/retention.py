"""Retention: personal data are kept while their purpose lasts, then erased (`python -m storage purge`).

Each step is a condition on age and state, so a run erases only what has expired since the
last one and a repeated run erases nothing: safe for a nightly timer. The whole purge is one
transaction with one audit row carrying counts only, never what was erased.

What stays: the case itself (number, type, dates, stages, deficiencies, the applicant's name
in the file) is the office's record of an administrative proceeding, not contact data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from storage import audit
from storage.accounts import throttle
from storage.clock import utcnow, warsaw_date
from storage.config import retain_closed_days, retain_sms_days
from storage.db import write_transaction
from storage.delivery import mail_outbox
from storage.delivery import sms_outbox as outbox
from storage.models import Case, Visit

log = logging.getLogger(__name__)

# Texts whose story is over. "sent" is over once no delivery report can match it any more;
# "unknown" (maybe sent) waits for a person, and queued/sending texts are still at work.
# Visit bookings (DESIGN.md: "bookings: a week after the visit"): name and phone go, the anonymous
# slot record (office, group, time, state) stays for statistics.
BOOKING_RETENTION = dt.timedelta(days=7)


@dataclasses.dataclass(frozen=True)
class RetentionPolicy:
    closed_case_days: int
    sms_days: int

    @classmethod
    def from_environment(cls) -> RetentionPolicy:
        return cls(closed_case_days=retain_closed_days(), sms_days=retain_sms_days())


@dataclasses.dataclass(frozen=True)
class PurgeCounts:
    case_contacts: int  # closed cases whose phone was erased
    sms_rows: int  # finished outbox rows deleted
    throttle_rows: int  # forgotten counters (failed logins, visit-booking limits)
    visit_contacts: int = 0  # visits whose name and phone were erased
    mail_rows: int = 0  # finished e-mail outbox rows deleted (the SMS period applies)

    @property
    def total(self) -> int:
        return self.case_contacts + self.sms_rows + self.throttle_rows + self.visit_contacts + self.mail_rows


def _purge_case_contacts(policy: RetentionPolicy, now: dt.datetime) -> int:
    """The phone and e-mail address of a case closed longer ago than the period (a closed case
    never reopens: storage.cases.rules.set_stage refuses). One typed in again later is erased again."""
    # Inclusive: times are stored to the second, and a period of 0 days means "at once".
    cutoff = now - dt.timedelta(days=policy.closed_case_days)
    expired = Case.closed & (Case.stage_changed_at <= cutoff)
    return (
        Case.update(phone=None, email=None, personal_data_purged_at=now, updated_at=now)
        .where(
            expired & (Case.phone.is_null(False) | Case.email.is_null(False) | Case.personal_data_purged_at.is_null())
        )
        .execute()
    )


def _purge_visit_contacts(now: dt.datetime) -> int:
    """Name and phone of every visit whose day is at least a week past (booked, cancelled or a hold
    that was never confirmed alike), with any code left on it."""
    last_day = warsaw_date(now) - BOOKING_RETENTION
    return (
        Visit.update(name=None, phone=None, phone_key=None, phone_day_key=None, code_hash=None, code_purpose=None,
                     client_prefix=None, client_key=None, personal_data_purged_at=now, updated_at=now)
        .where((Visit.visit_day <= last_day) & Visit.personal_data_purged_at.is_null())
        .execute()
    )  # fmt: skip


def _purge_sms(policy: RetentionPolicy, now: dt.datetime) -> int:
    return outbox.delete_finished(now, dt.timedelta(days=policy.sms_days))


def purge(policy: RetentionPolicy | None = None, now: dt.datetime | None = None) -> PurgeCounts:
    """Erase everything whose retention period has ended; returns how much of each."""
    policy = policy or RetentionPolicy.from_environment()
    now = now or utcnow()
    with write_transaction():
        counts = PurgeCounts(
            case_contacts=_purge_case_contacts(policy, now),
            sms_rows=_purge_sms(policy, now),
            throttle_rows=throttle.forget_stale(now),
            visit_contacts=_purge_visit_contacts(now),
            mail_rows=mail_outbox.delete_finished(now, dt.timedelta(days=policy.sms_days)),
        )
        audit.record(
            "retention_purge",
            None,
            actor="retention",
            closed_case_days=policy.closed_case_days,
            sms_days=policy.sms_days,
            **dataclasses.asdict(counts),
        )
    log.info("retention purge: %s", dataclasses.asdict(counts))
    return counts
