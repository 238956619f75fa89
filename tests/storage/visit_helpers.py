"""What the visit tests share: a fixed Monday, the first slot of the Tuesday after, and the code
the outbox holds for a visit (as the phone would show it)."""

from __future__ import annotations

import datetime as dt

from bench.runs import queued_code
from storage import portal

NOW = dt.datetime(2027, 3, 22, 10, 0)  # Monday, 11:00 in Warsaw
TUESDAY = dt.date(2027, 3, 23)
CLIENT = "203.0.113.7"


def first_slot(group: str = "filing", office: str = "GDA", day: dt.date = TUESDAY) -> dt.datetime:
    return portal.visit_times(office, group, day, now=NOW)[0].starts_at


def code_of(reference: str) -> str | None:
    """The newest code text's code for a visit (kept in the outbox until sent), None if there is none."""
    return queued_code(reference)


def hold(phone: str = "+48 501 234 567", *, group: str = "filing", starts_at=None, client: str = CLIENT,
         now: dt.datetime = NOW, **kw) -> portal.HeldVisit:  # fmt: skip
    return portal.request_visit(
        "GDA", group, starts_at or first_slot(group), "Olena Kovalenko", phone, "uk", client, now=now, **kw
    )


def book(phone: str = "+48 501 234 567", **kw) -> portal.VisitConfirmation:
    held = hold(phone, **kw)
    return portal.confirm_visit(held.reference, code_of(held.reference), kw.get("client", CLIENT), now=NOW)
