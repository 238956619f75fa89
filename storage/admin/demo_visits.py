"""The demo's visits: a morning of bookings at the Gdańsk desk, so Wizyty has people to mark,
serve and register. Booked at the counter by the demo clerk (as the office's kiosk would)."""

from __future__ import annotations

import datetime as dt
import random

from storage import phones
from storage.accounts.clerks import acting_clerk
from storage.catalog.visit_calendar import is_open, slots
from storage.catalog.visit_groups import calendar_rules, group_at_office
from storage.clock import today_in_warsaw, utcnow
from storage.db import write_transaction
from storage.errors import DomainError
from storage.models import Visit
from storage.visits.seats import take_seat

_VISITORS = [
    ("Hanna Koval", "uk", "+380 67 210 4431", "filing"),
    ("Zhang Wei", "en", "+48 512 800 301", "filing"),
    ("Aliaksandr Hrynevich", "ru", "+48 733 104 220", "card_collection"),
    ("Maria Santos Reyes", "en", None, "case_question"),
    ("Dmytro Savchuk", "uk", "+48 690 455 812", "filing"),
    ("Fatima Zahra Benali", "en", "+48 501 660 913", "work_permit"),
    ("Giorgi Beridze", "ru", "+995 555 123 456", "filing"),
    ("Tran Thi Lan", "en", "+48 602 119 874", "card_collection"),
]


def first_open_day(office: str = "GDA", group: str = "filing") -> dt.date:
    """Today when the office takes visits today, else the next day it does."""
    where, rules = group_at_office(office, group), calendar_rules()
    day = today_in_warsaw()
    while not is_open(day, where.hours, rules):
        day += dt.timedelta(days=1)
    return day


def book_demo_visits(clerk: str, rng: random.Random, office: str = "GDA") -> int:
    """Book the demo visitors on the first open day (once: a day that has visits is left alone)."""
    day = first_open_day(office)
    if Visit.select().where((Visit.office == office) & (Visit.visit_day == day)).exists():
        return 0
    now, rules, booked = utcnow(), calendar_rules(), 0
    with write_transaction():
        actor = acting_clerk(clerk)
        for name, lang, phone, group in _VISITORS:
            where = group_at_office(office, group)
            times = slots(day, where.hours, where.slot_minutes, rules)
            if not times:
                continue
            try:
                take_seat(where, rng.choice(times[: max(1, len(times) // 2)]), day, now, state="booked",
                          name=name, phone=phones.normalise_mobile(phone), language=lang, booked_at=now,
                          booked_by=actor)  # fmt: skip
            except DomainError:
                continue  # a full slot in a small office: the demo has people enough
            booked += 1
    return booked
