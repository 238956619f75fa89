"""The notices a person must look at, whichever their channel: texts and e-mails the transport may
have taken without saying so ("unknown": never resent on their own) and ones that failed for good.
`sms_modem status` lists them with their case numbers, so a clerk finds an e-mail cut off
mid-message without opening every case."""

from __future__ import annotations

import dataclasses
import datetime as dt

import peewee as pw

from storage.db import unit_of_work
from storage.models import Case, MailOutbox, SmsOutbox, Visit

NEEDS_A_PERSON = ("unknown", "failed")


@dataclasses.dataclass(frozen=True)
class OutboxProblem:
    channel: str  # "sms" or "e-mail"
    id: int
    number: str  # the case number, or "wizyta REF" for a visit's code text
    state: str
    attempts: int
    error_code: str | None
    last_error: str | None
    updated_at: dt.datetime


def problems(limit: int = 50) -> list[OutboxProblem]:
    """Both channels' notices that need a person, newest first."""
    with unit_of_work():
        texts = (
            SmsOutbox.select(SmsOutbox, Case.id, Case.number, Visit.id, Visit.reference)
            .join(Case, pw.JOIN.LEFT_OUTER)
            .switch(SmsOutbox)
            .join(Visit, pw.JOIN.LEFT_OUTER)
            .where(SmsOutbox.state.in_(NEEDS_A_PERSON))
            .order_by(SmsOutbox.updated_at.desc())
            .limit(limit)
        )
        mails = (
            MailOutbox.select(MailOutbox, Case.id, Case.number)
            .join(Case)
            .where(MailOutbox.state.in_(NEEDS_A_PERSON))
            .order_by(MailOutbox.updated_at.desc())
            .limit(limit)
        )
        found = [
            OutboxProblem("sms", r.id, r.case.number if r.case_id else f"wizyta {r.visit.reference}", r.state,
                          r.attempts, r.error_code, r.last_error, r.updated_at)
            for r in texts
        ] + [
            OutboxProblem("e-mail", r.id, r.case.number, r.state, r.attempts, r.error_code, r.last_error, r.updated_at)
            for r in mails
        ]  # fmt: skip
    return sorted(found, key=lambda p: p.updated_at, reverse=True)[:limit]
