"""What the booking tests share: a free slot, the code from the SMS outbox, the booking pages' paths."""

from __future__ import annotations

import datetime as dt
import re

from storage import portal as store
from storage.db import unit_of_work
from storage.models import SmsOutbox, Visit
from tests.storage.visit_helpers import code_of

OFFICE, GROUP = "GDA", "filing"
NAME, PHONE = "Hanna Kowalczuk", "+48 501 234 567"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TIME_LINK = re.compile(r'href="(/visit/details\?[^"]+)"')
DAY_LINK = re.compile(r'href="(/visit/times\?[^"]+)"')


def free_days(office: str = OFFICE, group: str = GROUP) -> list[dt.date]:
    today = dt.date.today()
    months = [today.replace(day=1), (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)]
    return [d.day for m in months for d in store.visit_days(office, group, month=m) if d.open and d.free > 0]


def sms_code(reference: str) -> str:
    """The code as the applicant's phone gets it: the text queued in the store's SMS outbox."""
    code = code_of(reference)
    assert code is not None, f"no code text queued for {reference}"
    return code


def visit_state(reference: str) -> str:
    with unit_of_work():
        return Visit.get(Visit.reference == reference).state


def visit_count() -> int:
    with unit_of_work():
        return Visit.select().count()


def visit_texts() -> int:
    with unit_of_work():
        return SmsOutbox.select().where(SmsOutbox.visit.is_null(False)).count()


def expire_code(reference: str) -> None:
    """As if the 10 minutes had passed: the code and the hold end in the past."""
    past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1)
    with unit_of_work():
        Visit.update(code_expires_at=past, hold_expires_at=past).where(Visit.reference == reference).execute()


def unescape(link: str) -> str:
    return link.replace("&amp;", "&")


def first_time_link(portal, office: str = OFFICE, group: str = GROUP) -> str:
    """Walk start → days → times as a person would and return the first time's details link."""
    days = portal.get(f"/visit/days?office={office}&group={group}").get_data(as_text=True)
    day_link = DAY_LINK.search(days)
    if day_link is None:  # this month has no free day left: the next month's link
        next_month = re.search(r'rel="next" href="([^"]+)"', days)
        days = portal.get(unescape(next_month[1])).get_data(as_text=True)
        day_link = DAY_LINK.search(days)
    times = portal.get(unescape(day_link[1])).get_data(as_text=True)
    return unescape(TIME_LINK.search(times)[1])


def request_code(portal, link: str, name: str = NAME, phone: str = PHONE):
    form = CSRF.search(portal.get(link).get_data(as_text=True))
    # A full time answers its details page with "cannot be booked"; a client that kept an older
    # page still posts, and the store must refuse it: the session's token serves for that.
    token = (form or CSRF.search(portal.get("/visit/cancel").get_data(as_text=True)))[1]
    return portal.post(link, data={"csrf_token": token, "name": name, "phone": phone})


def confirm(portal, code_path: str, code: str):
    token = CSRF.search(portal.get(code_path).get_data(as_text=True))[1]
    return portal.post(code_path, data={"csrf_token": token, "code": code})


def code_path(response) -> str:
    location = response.headers["Location"]
    return location[location.index("/visit/") :]


def ask_for_code(portal, link: str | None = None, name: str = NAME, phone: str = PHONE) -> tuple[str, str]:
    """Ask for a code for a time (the first free one unless `link` names another), as the details
    form does: the code page's path and the booking's reference."""
    path = code_path(request_code(portal, link or first_time_link(portal), name=name, phone=phone))
    return path, path.rsplit("/", 1)[1]
