"""Every state change of the SMS outbox lives here: a stage change queues a text, opting out or
withdrawing a stage cancels queued ones, the send loop claims due texts under a lease and
records what happened, and retention deletes finished rows.

A claimed row is `sending` with a lease; if its loop dies, the lease runs out and the row
is due again. Duplicates are therefore possible only for a loop that died after the modem
accepted a text and before `record_sent` committed (see sms_modem for the window).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import peewee as pw

from storage import audit
from storage.catalog.visit_calendar import as_utc, local
from storage.clock import utcnow
from storage.db import database, is_postgres, unit_of_work, write_transaction
from storage.delivery.code_texts import BOOKED_PRIORITY, OFFICE_LANE, code_hash, next_turn, texts_ahead
from storage.delivery.lease import LOOP_CALLS, finish_leased, lease
from storage.delivery.lease import due as lease_due
from storage.models import OUTBOX_STATES, Case, Office, OfficeMessage, SmsOutbox, Stage, Visit, VisitRules
from storage.text import ascii_letters

__all__ = ["ClaimedSms", "record_delivery", *LOOP_CALLS]  # what the SMS loop may call, through storage.sms

DELIVERY_MATCH_WINDOW = dt.timedelta(days=7)
UNSENT_STATES = ("queued", "sending")
FINAL_STATES = ("delivered", "failed", "cancelled")


KIND_STAGE = "stage"  # "the stage of your case changed"
KIND_MESSAGE = "message"  # "you have a message from the office"
KIND_VISIT_CODE = "visit_code"  # the code that confirms (or cancels) a visit booking
# A booked visit's day, time, office and reference: a visit text of BOOKED_PRIORITY, without a code.
KIND_VISIT_BOOKED = "visit_booked"
# Code texts go out in quiet hours too (the applicant is waiting for them), and before the office's
# texts of the same turn; otherwise the order of sending is the texts' turns (storage.delivery.code_texts).
CODE_PRIORITY = 10


@dataclasses.dataclass(frozen=True)
class ClaimedSms:
    """What the SMS loop needs to write one text: the phone as the case has it at claim time,
    never the name or the case number (the e-mail side's twin is ClaimedMail)."""

    id: int
    phone: str
    language: str
    attempts: int  # including this one
    kind: str = KIND_STAGE
    code: str | None = None  # visit_code texts: the code itself
    office: str | None = None  # visit texts: the office's town, in plain letters (GSM-7)
    reference: str | None = None  # visit_booked texts: the booking reference, the visit's local day and time
    day: dt.date | None = None
    time: str | None = None


def queue_stage_text(case: Case, stage: Stage, now: dt.datetime) -> str | None:
    """Queue the "your case's stage changed" text for a stage change (inside its transaction).
    Returns why none was queued: no phone, opted out, or one still waiting (one text per burst)."""
    if not case.phone:
        return "no_phone"
    if case.sms_opt_out:
        return "opted_out"
    waiting = (SmsOutbox.case == case) & SmsOutbox.state.in_(UNSENT_STATES) & SmsOutbox.message.is_null()
    if SmsOutbox.select().where(waiting).exists():
        return "already_queued"
    SmsOutbox.create(case=case, stage=stage, state="queued", created_at=now, due_at=now, updated_at=now,
                     lane=OFFICE_LANE, turn=next_turn(OFFICE_LANE, now))  # fmt: skip
    return None


def queue_message_notice(case: Case, message: OfficeMessage, now: dt.datetime) -> str | None:
    """Queue "you have a message from the office" for a new message (inside its transaction),
    by the stage texts' rules: no phone or opted out, none; a notice still waiting for the
    case already announces this one too. The row names its message (unique), so a message is
    announced at most once, whatever restarts. Returns why none was queued."""
    if not case.phone:
        return "no_phone"
    if case.sms_opt_out:
        return "opted_out"
    waiting = (SmsOutbox.case == case) & SmsOutbox.state.in_(UNSENT_STATES) & SmsOutbox.message.is_null(False)
    if SmsOutbox.select().where(waiting).exists():
        return "already_queued"
    SmsOutbox.create(case=case, message=message, state="queued", created_at=now, due_at=now, updated_at=now,
                     lane=OFFICE_LANE, turn=next_turn(OFFICE_LANE, now))  # fmt: skip
    return None


def queue_visit_code(visit: Visit, code: str, lane: str, now: dt.datetime) -> int:
    """Queue a visit's code text (inside the transaction that issued the code, after the visit
    stores the code's hash) in `lane` (the client's network). A code text still waiting for the
    same visit is cancelled: only the newest code works. Returns how many texts wait ahead of it.

    On PostgreSQL through okienko_queue_visit_code (storage.delivery.code_texts): the portal's role has no
    right on this table, and the function checks the code against the visit."""
    if is_postgres():
        (ahead,) = database.execute_sql(
            "SELECT okienko_queue_visit_code(%s, %s, %s, %s)", (visit.id, code, lane, now)
        ).fetchone()
        return int(ahead)
    waiting = (SmsOutbox.visit == visit) & (SmsOutbox.state == "queued")
    SmsOutbox.update(state="cancelled", code=None, updated_at=now, last_error="replaced by a newer code").where(
        waiting
    ).execute()
    turn = next_turn(lane, now)
    row = SmsOutbox.create(visit=visit, code=code, priority=CODE_PRIORITY, state="queued", created_at=now, due_at=now,
                           updated_at=now, lane=lane[:50], turn=turn)  # fmt: skip
    return texts_ahead(row.id, turn)


def queue_visit_booked(visit: Visit, lane: str, now: dt.datetime) -> None:
    """Queue a booked visit's confirmation text (inside the transaction that booked it, `now` its
    moment): once per booking, in `lane` (the client's network), before the office's texts of the
    same turn. On PostgreSQL through okienko_queue_visit_booked (storage.delivery.code_texts), which checks
    the same."""
    if is_postgres():
        database.execute_sql("SELECT okienko_queue_visit_booked(%s, %s, %s)", (visit.id, lane, now))
        return
    if SmsOutbox.select().where((SmsOutbox.visit == visit) & (SmsOutbox.priority == BOOKED_PRIORITY)).exists():
        return
    SmsOutbox.create(visit=visit, code=None, priority=BOOKED_PRIORITY, state="queued", created_at=now, due_at=now,
                     updated_at=now, lane=lane[:50], turn=next_turn(lane[:50], now))  # fmt: skip


def visit_code_sent_at(visit_id: int) -> dt.datetime | None:
    """When the visit's first text went to the modem (None: not yet). Through
    okienko_visit_code_sent_at on PostgreSQL, where the portal's role cannot read the outbox."""
    if is_postgres():
        (at,) = database.execute_sql("SELECT okienko_visit_code_sent_at(%s)", (visit_id,)).fetchone()
        return at
    at = SmsOutbox.select(pw.fn.MIN(SmsOutbox.sent_at)).where(SmsOutbox.visit == visit_id).scalar()
    return dt.datetime.fromisoformat(str(at)) if at is not None and not isinstance(at, dt.datetime) else at


def cancel_visit_codes(visit: Visit, reason: str, now: dt.datetime) -> int:
    """Cancel a visit's code texts still only queued whose code the visit no longer has (the code
    was used or replaced, or the visit ended); call it after changing the visit."""
    if is_postgres():
        (dropped,) = database.execute_sql(
            "SELECT okienko_drop_visit_codes(%s, %s, %s)", (visit.id, reason, now)
        ).fetchone()
        return int(dropped)
    current = Visit.select(Visit.reference, Visit.code_hash, Visit.code_purpose).where(Visit.id == visit.id).first()
    dead = [
        row.id
        for row in SmsOutbox.select(SmsOutbox.id, SmsOutbox.code).where(
            (SmsOutbox.visit == visit) & (SmsOutbox.state == "queued")
        )
        if not _code_is_current(current, row.code)
    ]
    if not dead:
        return 0
    return (
        SmsOutbox.update(state="cancelled", code=None, updated_at=now, last_error=reason)
        .where(SmsOutbox.id.in_(dead))
        .execute()
    )


def _code_is_current(visit: Visit | None, code: str | None) -> bool:
    return bool(
        visit is not None and code and visit.code_hash and visit.code_purpose
        and visit.code_hash == code_hash(visit.reference, visit.code_purpose, code)
    )  # fmt: skip


def cancel_queued(case: Case, reason: str, now: dt.datetime, *, queued_since: dt.datetime | None = None) -> int:
    """Cancel the case's texts that are still only queued (inside the caller's transaction);
    `queued_since` limits it to texts queued from that moment on. Returns how many."""
    which = (SmsOutbox.case == case) & (SmsOutbox.state == "queued")
    if queued_since is not None:
        which &= SmsOutbox.created_at >= queued_since
    return SmsOutbox.update(state="cancelled", updated_at=now, last_error=reason).where(which).execute()


def delete_finished(now: dt.datetime, keep: dt.timedelta) -> int:
    """Retention: delete rows that reached a final state longer than `keep` ago, and sent texts
    whose delivery report can no longer match. Returns how many."""
    finished = SmsOutbox.state.in_(FINAL_STATES) & (SmsOutbox.updated_at <= now - keep)
    # A delivery report may still match a "sent" text within the window (inclusive); after it the text is final.
    unreported = (SmsOutbox.state == "sent") & (SmsOutbox.updated_at < now - max(keep, DELIVERY_MATCH_WINDOW))
    return SmsOutbox.delete().where(finished | unreported).execute()


def claim_due(
    owner: str, lease_seconds: int, limit: int = 1, now: dt.datetime | None = None, *, urgent_only: bool = False
) -> list[ClaimedSms]:
    """Take up to `limit` due texts for `owner`, lowest turn first (storage.delivery.code_texts: fair across
    the lanes); `urgent_only` (quiet hours) takes only code texts. A code text waits while an
    older hold for the same phone is still pending, so a phone has one live code from a hold at a
    time. Rows whose applicant has opted out (or lost the phone number) since queueing, and code
    texts whose code can no longer be used, are cancelled here and never returned."""
    now = now or utcnow()
    with write_transaction():
        due = lease_due(SmsOutbox, now)
        if urgent_only:
            due &= SmsOutbox.priority > 0
        mine, older = Visit.alias("mine"), Visit.alias("older")
        waits_for_older_hold = (
            older.select(older.id)
            .join(mine, on=(older.phone_key == mine.phone_key) & (older.id < mine.id))
            .where(
                (mine.id == SmsOutbox.visit)
                & (mine.state == "held")
                & (older.state == "held")
                & (older.hold_expires_at > now)
            )
        )
        query = (
            SmsOutbox.select(SmsOutbox.id)
            .where(due & ~pw.fn.EXISTS(waits_for_older_hold))
            .order_by(SmsOutbox.turn, SmsOutbox.priority.desc(), SmsOutbox.id)
            .limit(limit * 4)
        )
        if is_postgres():
            # Two loops on one store: each skips the rows the other has locked, so no row is taken twice.
            query = query.for_update(skip_locked=True)
        ids = [row.id for row in query]
        if not ids:
            return []
        rows = (
            # The joined rows' keys are selected too: without them peewee sets the foreign keys to None.
            SmsOutbox.select(
                SmsOutbox, Case.id, Case.phone, Case.language, Case.sms_opt_out, Visit, Office.code, Office.city
            )
            .join(Case, pw.JOIN.LEFT_OUTER)
            .switch(SmsOutbox)
            .join(Visit, pw.JOIN.LEFT_OUTER)
            .join(Office, pw.JOIN.LEFT_OUTER)
            .where(SmsOutbox.id.in_(ids))
            .order_by(SmsOutbox.turn, SmsOutbox.priority.desc(), SmsOutbox.id)
        )
        claimed: list[ClaimedSms] = []
        for row in rows:
            reason = _why_not_send(row, now)
            if reason:
                SmsOutbox.update(state="cancelled", last_error=reason, lease_owner=None, lease_until=None, code=None,
                                 updated_at=now).where(SmsOutbox.id == row.id).execute()  # fmt: skip
                case = Case(id=row.case_id) if row.case_id else None
                audit.record("sms_cancelled", None, case, actor=owner, outbox=row.id, reason=reason)
                continue
            if len(claimed) >= limit:
                continue
            lease(SmsOutbox, row.id, owner, lease_seconds, now)
            if row.visit_id is not None and row.priority == BOOKED_PRIORITY:
                visit = row.visit
                starts = local(as_utc(visit.starts_at))
                claimed.append(ClaimedSms(row.id, visit.phone, visit.language, row.attempts + 1, KIND_VISIT_BOOKED,
                                          office=ascii_letters(visit.office.city), reference=visit.reference,
                                          day=starts.date(), time=f"{starts:%H:%M}"))  # fmt: skip
            elif row.visit_id is not None:
                visit = row.visit
                claimed.append(ClaimedSms(row.id, visit.phone, visit.language, row.attempts + 1, KIND_VISIT_CODE,
                                          row.code, ascii_letters(visit.office.city)))  # fmt: skip
            else:
                kind = KIND_MESSAGE if row.message_id is not None else KIND_STAGE
                claimed.append(ClaimedSms(row.id, row.case.phone, row.case.language, row.attempts + 1, kind))
        return claimed


def _why_not_send(row: SmsOutbox, now: dt.datetime) -> str | None:
    if row.visit_id is not None:
        visit = row.visit
        if not visit.phone:
            return "no phone number"
        if row.priority == BOOKED_PRIORITY:  # the booking's confirmation
            return None if visit.state == "booked" else "visit no longer booked"
        if not _code_is_current(visit, row.code) or not visit.code_expires_at or visit.code_expires_at <= now:
            return "code no longer valid"
        return None
    if row.case.sms_opt_out:
        return "applicant opted out"
    if not row.case.phone:
        return "no phone number"
    return None


def _finish(outbox_id: int, owner: str, **values) -> bool:
    return finish_leased(SmsOutbox, outbox_id, owner, **values)


def record_sent(outbox_id: int, owner: str, message_ref: int, sender: str, at: dt.datetime | None = None) -> bool:
    """`sender` names the modem (host and port), which outlives the loop process that used it.
    A visit's code starts its life now, when the modem has taken its text: its 10 minutes (the
    hold's) count from here, not from the request, and a pending hold lasts as long as its code."""
    at = at or utcnow()
    with write_transaction():
        row = SmsOutbox.select(SmsOutbox.visit, SmsOutbox.code).where(SmsOutbox.id == outbox_id).tuples().first()
        visit_id, code = row or (None, None)
        done = _finish(outbox_id, owner, state="sent", message_ref=message_ref, sender=sender, sent_at=at,
                       error_code=None, last_error=None, code=None)  # fmt: skip
        if done and visit_id is not None and code is not None:  # a code text, not a confirmation
            _start_code_life(visit_id, at)
    return done


def _start_code_life(visit_id: int, at: dt.datetime) -> None:
    minutes = VisitRules.select(VisitRules.hold_minutes).scalar() or 10
    ends = at + dt.timedelta(minutes=minutes)
    live_code = (Visit.id == visit_id) & Visit.code_hash.is_null(False) & (Visit.code_expires_at > at)
    Visit.update(code_expires_at=ends, updated_at=at).where(live_code).execute()
    Visit.update(hold_expires_at=ends).where(live_code & (Visit.state == "held")).execute()


def record_retry(outbox_id: int, owner: str, due_at: dt.datetime, code: str, error: str) -> bool:
    return _finish(outbox_id, owner, state="queued", due_at=due_at, error_code=code, last_error=error[:500])


def record_failed(outbox_id: int, owner: str, code: str, error: str) -> bool:
    return _finish(outbox_id, owner, state="failed", error_code=code, last_error=error[:500], code=None)


def record_unknown(outbox_id: int, owner: str, error: str) -> bool:
    """The modem may or may not have sent it (it stopped answering after taking the text):
    never resent automatically; `status` shows it for a person to decide."""
    return _finish(outbox_id, owner, state="unknown", error_code="timeout_after_body", last_error=error[:500],
                   code=None)  # fmt: skip


def release(outbox_id: int, owner: str) -> bool:
    """Give a claimed row back untouched (nothing reached the modem), e.g. on shutdown."""
    return _finish(outbox_id, owner, state="queued", attempts=SmsOutbox.attempts - 1)


def record_delivery(
    sender: str, message_ref: int, delivered: bool, status_code: int, at: dt.datetime | None = None
) -> int | None:
    """Match a delivery report to the latest text `sender` sent with that reference (references
    are per modem and wrap at 256, so only recent texts qualify). Returns the outbox id or None."""
    at = at or utcnow()
    with write_transaction():
        row = (
            SmsOutbox.select(SmsOutbox.id)
            .where(
                (SmsOutbox.message_ref == message_ref)
                & (SmsOutbox.sender == sender)
                & (SmsOutbox.state == "sent")
                & (SmsOutbox.sent_at >= at - DELIVERY_MATCH_WINDOW)
            )
            .order_by(SmsOutbox.sent_at.desc(), SmsOutbox.id.desc())
            .first()
        )
        if row is None:
            return None
        values = (
            {"state": "delivered", "delivered_at": at}
            if delivered
            else {
                "state": "failed",
                "error_code": f"delivery:{status_code}",
                "last_error": "delivery report: not delivered",
            }
        )
        SmsOutbox.update(updated_at=at, **values).where(SmsOutbox.id == row.id).execute()
        return row.id


def counts() -> dict[str, int]:
    with unit_of_work():
        found = dict(SmsOutbox.select(SmsOutbox.state, pw.fn.COUNT(SmsOutbox.id)).group_by(SmsOutbox.state).tuples())
    return {state: found.get(state, 0) for state in OUTBOX_STATES}
