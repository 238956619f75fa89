"""Retention: personal data are kept while their purpose lasts, then erased (`python -m storage purge`).

Each step is a condition on age and state, so a run erases only what has expired since the
last one and a repeated run erases nothing: safe for a nightly timer. The purge goes in batches of
OKIENKO_PURGE_BATCH case and visit rows, each one transaction with one audit row carrying its counts
only, never what was erased; the outboxes and counters go with the last batch. A nightly run is one
batch; a backlog of millions does not hold the desks' rows for minutes, shows its progress, and,
stopped by Ctrl+C, keeps the batches committed so far (the next run goes on from there).

What stays: the case itself (number, type, dates, stages, deficiencies, the applicant's name
in the file) is the office's record of an administrative proceeding, not contact data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import peewee

from storage import audit
from storage.accounts import throttle
from storage.admin.progress import Interrupted, Progress, number
from storage.clock import utcnow, warsaw_date
from storage.config import purge_batch, retain_closed_days, retain_sms_days
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


def _expired_cases(policy: RetentionPolicy, now: dt.datetime) -> peewee.Expression:
    """Cases closed longer ago than the period (a closed case never reopens: storage.cases.rules.set_stage
    refuses) that still hold a phone or an e-mail address, or were never marked. One typed in again later
    is erased again."""
    # Inclusive: times are stored to the second, and a period of 0 days means "at once".
    cutoff = now - dt.timedelta(days=policy.closed_case_days)
    expired = Case.closed & (Case.stage_changed_at <= cutoff)
    return expired & (Case.phone.is_null(False) | Case.email.is_null(False) | Case.personal_data_purged_at.is_null())


def _expired_visits(now: dt.datetime) -> peewee.Expression:
    """Visits whose day is at least a week past (booked, cancelled or a hold that was never confirmed
    alike) and not yet erased."""
    last_day = warsaw_date(now) - BOOKING_RETENTION
    return (Visit.visit_day <= last_day) & Visit.personal_data_purged_at.is_null()


def _purge_case_contacts(policy: RetentionPolicy, now: dt.datetime, limit: int) -> int:
    """The phone and e-mail address of up to `limit` expired cases, the oldest ids first."""
    if limit <= 0:
        return 0
    batch = Case.select(Case.id).where(_expired_cases(policy, now)).order_by(Case.id).limit(limit)
    return (
        Case.update(phone=None, email=None, personal_data_purged_at=now, updated_at=now)
        .where(Case.id.in_(batch))
        .execute()
    )


def _purge_visit_contacts(now: dt.datetime, limit: int) -> int:
    """Name, phone and any code left on up to `limit` expired visits."""
    if limit <= 0:
        return 0
    batch = Visit.select(Visit.id).where(_expired_visits(now)).order_by(Visit.id).limit(limit)
    return (
        Visit.update(name=None, phone=None, phone_key=None, phone_day_key=None, code_hash=None, code_purpose=None,
                     client_prefix=None, client_key=None, personal_data_purged_at=now, updated_at=now)
        .where(Visit.id.in_(batch))
        .execute()
    )  # fmt: skip


def _purge_sms(policy: RetentionPolicy, now: dt.datetime) -> int:
    return outbox.delete_finished(now, dt.timedelta(days=policy.sms_days))


def _batch(policy: RetentionPolicy, now: dt.datetime, size: int) -> tuple[PurgeCounts, bool]:
    """One committed batch: up to `size` case and visit rows, and with the last batch (fewer rows were
    due than fit) the outboxes and counters. Returns its counts and whether it was the last."""
    with write_transaction():
        cases = _purge_case_contacts(policy, now, size)
        visits = _purge_visit_contacts(now, size - cases)
        last = cases + visits < size
        counts = PurgeCounts(
            case_contacts=cases,
            visit_contacts=visits,
            sms_rows=_purge_sms(policy, now) if last else 0,
            throttle_rows=throttle.forget_stale(now) if last else 0,
            mail_rows=mail_outbox.delete_finished(now, dt.timedelta(days=policy.sms_days)) if last else 0,
        )
        audit.record(
            "retention_purge",
            None,
            actor="retention",
            closed_case_days=policy.closed_case_days,
            sms_days=policy.sms_days,
            **dataclasses.asdict(counts),
        )
    return counts, last


def _add(a: PurgeCounts, b: PurgeCounts) -> PurgeCounts:
    return PurgeCounts(**{f.name: getattr(a, f.name) + getattr(b, f.name) for f in dataclasses.fields(PurgeCounts)})


def purge(
    policy: RetentionPolicy | None = None,
    now: dt.datetime | None = None,
    *,
    batch_size: int | None = None,
    quiet: bool = True,
) -> PurgeCounts:
    """Erase everything whose retention period has ended, in committed batches; returns how much of
    each. `quiet=False` shows the progress (case and visit rows) on stderr."""
    policy = policy or RetentionPolicy.from_environment()
    now = now or utcnow()
    size = batch_size or purge_batch()
    with write_transaction():
        due = (
            Case.select().where(_expired_cases(policy, now)).count()
            + Visit.select().where(_expired_visits(now)).count()
        )
    batches = due // size + 1  # the last one has room to spare (and takes the outboxes)
    total, done = PurgeCounts(0, 0, 0), 0
    try:
        with Progress("purge", "wierszy", due, quiet=quiet) as shown:
            last = False
            while not last:
                counts, last = _batch(policy, now, size)
                total, done = _add(total, counts), done + 1
                shown.update(min(due, total.case_contacts + total.visit_contacts))
    except KeyboardInterrupt:
        raise Interrupted(
            f"usunięto {done} z {max(batches, done + 1)} partii ({number(total.total)} wierszy), "
            "przerwana partia wycofana; uruchom purge ponownie, by dokończyć"
        ) from None
    log.info("retention purge: %s", dataclasses.asdict(total))
    return total
