"""Every state change of the e-mail outbox lives here: a stage change or a message from the office
queues an e-mail (beside the SMS, in the same transaction and by the same rules), opting out or
withdrawing a stage cancels queued ones, the mail loop claims due e-mails under a lease and records
what the relay answered, and retention deletes finished rows.

States: queued → sending (claimed, with a lease) → sent | failed | unknown, or cancelled. A relay
that answers 4xx puts the row back to queued with a later due time; 5xx fails it; a relay that
cannot be reached gives the row back untouched. "unknown" means the connection broke after the
message was handed over and before the relay said it took it: it may have gone out, so it is never
sent again on its own (the clerk sees it). There is no delivery report for e-mail: "sent" is final.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import peewee as pw

from storage import audit
from storage.clock import utcnow
from storage.db import is_postgres, unit_of_work, write_transaction
from storage.delivery.lease import LOOP_CALLS, due, finish_leased, lease
from storage.emails import ascii_address
from storage.errors import DomainError
from storage.models import MAIL_STATES, Case, MailOutbox, Office, OfficeMessage, Stage
from storage.records import MailInfo

__all__ = ["ClaimedMail", *LOOP_CALLS]  # what the mail loop may call, through storage.mail

UNSENT_STATES = ("queued", "sending")
FINAL_STATES = ("sent", "failed", "cancelled")

KIND_STAGE = "stage"  # "the stage of your case changed"
KIND_MESSAGE = "message"  # "you have a message from the office"


@dataclasses.dataclass(frozen=True)
class ClaimedMail:
    """What the mail loop needs to write one e-mail: never the name, the message text or a password."""

    id: int
    address: str  # ASCII form, for the envelope and the To: header
    language: str
    kind: str
    office: str  # the name of the office that holds the case, from the catalogue
    attempts: int  # including this one
    created_at: dt.datetime


def _skip_reason(case: Case) -> str | None:
    if not case.email:
        return "no_email"
    if case.sms_opt_out:  # "no notifications, please" covers both channels
        return "opted_out"
    return None


def _queue(case: Case, now: dt.datetime, **what) -> str | None:
    skipped = _skip_reason(case)
    if skipped:
        return skipped
    # One e-mail per burst, as with texts: one still waiting of the same kind already announces this.
    same_kind = MailOutbox.message.is_null(False) if "message" in what else MailOutbox.message.is_null()
    waiting = (MailOutbox.case == case) & MailOutbox.state.in_(UNSENT_STATES) & same_kind
    if MailOutbox.select().where(waiting).exists():
        return "already_queued"
    MailOutbox.create(case=case, state="queued", created_at=now, due_at=now, updated_at=now, **what)
    return None


def queue_stage_mail(case: Case, stage: Stage, now: dt.datetime) -> str | None:
    """Queue "the stage of your case changed" (inside the stage change's transaction). Returns why
    none was queued: no address, opted out, or one still waiting."""
    return _queue(case, now, stage=stage)


def queue_message_mail(case: Case, message: OfficeMessage, now: dt.datetime) -> str | None:
    """Queue "you have a new message from the office" (inside the message's transaction); the row
    names its message (unique), so a message is announced by e-mail at most once."""
    return _queue(case, now, message=message)


def audit_detail(outcome: str) -> dict[str, str]:
    """What a stage change's or a message's audit row says about its e-mail: nothing for a case
    without an address (most of them), otherwise the outcome."""
    return {} if outcome == "no_email" else {"mail": outcome}


def cancel_queued(case: Case, reason: str, now: dt.datetime, *, queued_since: dt.datetime | None = None) -> int:
    """Cancel the case's e-mails still only queued (inside the caller's transaction); `queued_since`
    limits it to those queued from that moment on. Returns how many."""
    which = (MailOutbox.case == case) & (MailOutbox.state == "queued")
    if queued_since is not None:
        which &= MailOutbox.created_at >= queued_since
    return MailOutbox.update(state="cancelled", updated_at=now, last_error=reason).where(which).execute()


def delete_finished(now: dt.datetime, keep: dt.timedelta) -> int:
    """Retention: delete rows that reached a final state longer than `keep` ago ("unknown" waits
    for a person, queued and sending rows are still at work). Returns how many."""
    finished = MailOutbox.state.in_(FINAL_STATES) & (MailOutbox.updated_at <= now - keep)
    return MailOutbox.delete().where(finished).execute()


def claim_due(owner: str, lease_seconds: int, limit: int = 1, now: dt.datetime | None = None) -> list[ClaimedMail]:
    """Take up to `limit` due e-mails for `owner`. Rows whose applicant opted out or whose address
    was removed (or erased by retention) since queueing are cancelled here and never returned."""
    now = now or utcnow()
    with write_transaction():
        query = MailOutbox.select(MailOutbox.id).where(due(MailOutbox, now)).order_by(MailOutbox.due_at, MailOutbox.id)
        if is_postgres():
            query = query.for_update(skip_locked=True)  # two loops never take one row
        ids = [row.id for row in query.limit(limit * 4)]
        if not ids:
            return []
        rows = (
            MailOutbox.select(MailOutbox, Case.id, Case.email, Case.language, Case.sms_opt_out, Office.name)
            .join(Case)
            .join(Office)
            .where(MailOutbox.id.in_(ids))
            .order_by(MailOutbox.due_at, MailOutbox.id)
        )
        claimed: list[ClaimedMail] = []
        for row in rows:
            skipped = _skip_reason(row.case)
            address = None
            if not skipped:
                try:
                    address = ascii_address(row.case.email)
                except DomainError:  # stored before a stricter rule: the clerk must correct it
                    skipped = "bad_email"
            if skipped:
                reason = {"no_email": "no e-mail address", "opted_out": "applicant opted out"}.get(
                    skipped, "address no longer valid"
                )
                MailOutbox.update(state="cancelled", last_error=reason, lease_owner=None, lease_until=None,
                                  updated_at=now).where(MailOutbox.id == row.id).execute()  # fmt: skip
                # Case.id is selected: the joined case's columns replace the row's own case_id.
                audit.record("mail_cancelled", None, Case(id=row.case.id), actor=owner, outbox=row.id, reason=reason)
                continue
            if len(claimed) >= limit:
                continue
            lease(MailOutbox, row.id, owner, lease_seconds, now)
            kind = KIND_MESSAGE if row.message_id is not None else KIND_STAGE
            claimed.append(
                ClaimedMail(
                    row.id,
                    address or "",
                    row.case.language,
                    kind,
                    row.case.office.name,
                    row.attempts + 1,
                    row.created_at,
                )
            )
        return claimed


def _finish(outbox_id: int, owner: str, **values) -> bool:
    return finish_leased(MailOutbox, outbox_id, owner, **values)


def record_sent(outbox_id: int, owner: str, message_id_header: str, at: dt.datetime | None = None) -> bool:
    return _finish(outbox_id, owner, state="sent", message_id_header=message_id_header[:255], sent_at=at or utcnow(),
                   error_code=None, last_error=None)  # fmt: skip


def record_retry(outbox_id: int, owner: str, due_at: dt.datetime, code: str, error: str) -> bool:
    """The relay said "not now" (4xx): the row waits until `due_at` and is tried again."""
    return _finish(outbox_id, owner, state="queued", due_at=due_at, error_code=code[:40], last_error=error[:500])


def record_failed(outbox_id: int, owner: str, code: str, error: str) -> bool:
    return _finish(outbox_id, owner, state="failed", error_code=code[:40], last_error=error[:500])


def record_unknown(outbox_id: int, owner: str, error: str) -> bool:
    """The connection broke after the message was handed over: maybe sent, never resent automatically."""
    return _finish(outbox_id, owner, state="unknown", error_code="maybe_sent", last_error=error[:500])


def release(outbox_id: int, owner: str, error: str | None = None) -> bool:
    """Give a claimed row back (nothing reached the relay: it was down, or the loop stops). The
    attempt does not count; the reason stays visible to the clerk until the next try."""
    extra = {"last_error": error[:500], "error_code": "relay_down"} if error else {}
    return _finish(outbox_id, owner, state="queued", attempts=MailOutbox.attempts - 1, **extra)


def counts() -> dict[str, int]:
    with unit_of_work():
        found = dict(
            MailOutbox.select(MailOutbox.state, pw.fn.COUNT(MailOutbox.id)).group_by(MailOutbox.state).tuples()
        )
    return {state: found.get(state, 0) for state in MAIL_STATES}


def case_mail(case: Case) -> list[MailInfo]:
    """The case's e-mails for the clerks, oldest first (inside the caller's unit of work)."""
    return [
        MailInfo(
            m.id, m.state, m.stage_id, m.message_id, m.created_at, m.attempts, m.sent_at, m.error_code, m.last_error
        )
        for m in MailOutbox.select().where(MailOutbox.case == case).order_by(MailOutbox.id)
    ]


def states_by_message(case: Case) -> dict[int, str]:
    """The state of each message's e-mail notice (inside the caller's unit of work)."""
    return dict(
        MailOutbox.select(MailOutbox.message, MailOutbox.state)
        .where((MailOutbox.case == case) & MailOutbox.message.is_null(False))
        .tuples()
    )
