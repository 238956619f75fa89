"""The visit-booking catalogue (fixtures/visit_groups.toml): loading it into the store and reading
it back as plain values – the groups, how each office serves them, and the calendar settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.catalog.visit_calendar import CalendarRules, OpeningHours
from storage.clock import WARSAW
from storage.db import unit_of_work
from storage.errors import DomainError
from storage.languages import LANGUAGES
from storage.models import VisitGroup, VisitGroupOffice, VisitRules
from storage.records import ShortPolishName


@dataclasses.dataclass(frozen=True)
class VisitGroupInfo(ShortPolishName):
    LABELS = "labels"

    code: str
    labels: dict[str, str]
    slot_minutes: int
    offices: list[str]
    one_per_phone_per_day: bool = True
    short: str = ""  # the Polish name for narrow list columns; "" where the label fits

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels["pl"]


@dataclasses.dataclass(frozen=True)
class GroupAtOffice:
    """What booking needs to know about one group in one office."""

    group: str
    office: str
    slot_minutes: int
    desks: int
    hours: OpeningHours
    one_per_phone_per_day: bool
    labels: dict[str, str]


# ---------------------------------------------------------------- loading


def _hours(raw: Any, where: str) -> list[list]:
    rows = []
    for row in raw or []:
        try:
            weekday, start, end = int(row[0]), dt.time.fromisoformat(row[1]), dt.time.fromisoformat(row[2])
        except (TypeError, ValueError, IndexError):
            raise DomainError("fixtures", f'{where}: godziny to [dzień 1–7, "GG:MM", "GG:MM"], nie {row!r}') from None
        if not 1 <= weekday <= 7 or start >= end:
            raise DomainError("fixtures", f"{where}: zły dzień tygodnia albo godziny {row!r}")
        rows.append([weekday, f"{start:%H:%M}", f"{end:%H:%M}"])
    return rows


def _settings(raw: dict[str, Any]) -> dict[str, Any]:
    try:
        values = {
            "horizon_days": int(raw["horizon_days"]),
            "closed_weekdays_json": json.dumps(sorted({int(d) for d in raw.get("closed_weekdays", [])})),
            "hold_minutes": int(raw["hold_minutes"]),
            "code_tries": int(raw["code_tries"]),
            "timezone": str(raw.get("timezone", "Europe/Warsaw")),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError("fixtures", f"visit_groups.toml [settings]: brak albo zła wartość ({exc})") from None
    if not 1 <= values["horizon_days"] <= 366 or not 1 <= values["hold_minutes"] <= 60 or values["code_tries"] < 1:
        raise DomainError(
            "fixtures", "visit_groups.toml [settings]: horizon_days 1–366, hold_minutes 1–60, code_tries ≥ 1"
        )
    try:
        zone = ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError("fixtures", f"visit_groups.toml: nieznana strefa czasowa {values['timezone']!r}") from None
    if zone.key != WARSAW.key:
        # Every date in the store (visit days, today's list) is a Warsaw date; another zone would split them.
        raise DomainError(
            "fixtures", "visit_groups.toml: timezone musi być Europe/Warsaw (daty w bazie są warszawskie)"
        )
    return values


def load_visit_groups(
    data: dict[str, Any],
    office_codes: list[str],
    labels: Callable[[dict[str, Any], str], dict[str, str]],
    upsert: Callable[..., bool],
    short: Callable[[dict[str, Any], str], dict[str, str]],
) -> int:
    """Load the booking catalogue inside the caller's transaction (storage.catalog.files passes its
    label, upsert and short-label helpers). A group or office that left the file becomes inactive. Returns changes."""
    changes = upsert(VisitRules, 1, _settings(data.get("settings", {})))
    codes = []
    for pos, group in enumerate(data.get("group", [])):
        code = group["code"]
        codes.append(code)
        where = f"visit group {code}"
        slot = int(group.get("slot_minutes", 0))
        if not 5 <= slot <= 240:
            raise DomainError("fixtures", f"{where}: slot_minutes 5–240")
        values = {
            **labels(group, where),
            **short(group, where),
            "slot_minutes": slot,
            "one_per_phone_per_day": bool(group.get("one_per_phone_per_day", True)),
            "position": pos,
            "active": True,
        }
        changes += upsert(VisitGroup, code, values)
        changes += _sync_offices(code, group.get("offices", []), office_codes, where)
    VisitGroup.update(active=False).where(VisitGroup.code.not_in(codes)).execute()
    return changes


def _sync_offices(group: str, offices: list[dict[str, Any]], office_codes: list[str], where: str) -> int:
    current = {row.office_id: row for row in VisitGroupOffice.select().where(VisitGroupOffice.group == group)}
    changes = 0
    for office in offices:
        code = office["code"]
        if code not in office_codes:
            raise DomainError("fixtures", f"{where}: nieznany oddział {code!r}")
        desks = int(office.get("desks", 0))
        if not 1 <= desks <= 50:
            raise DomainError("fixtures", f"{where}, {code}: desks 1–50")
        values = {
            "desks": desks,
            "hours_json": json.dumps(_hours(office.get("hours"), f"{where}, {code}")),
            "active": True,
        }
        row = current.pop(code, None)
        if row is None:
            VisitGroupOffice.create(group=group, office=code, **values)
            changes += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            VisitGroupOffice.update(**values).where(VisitGroupOffice.id == row.id).execute()
            changes += 1
    for row in current.values():
        if row.active:
            VisitGroupOffice.update(active=False).where(VisitGroupOffice.id == row.id).execute()
            changes += 1
    return changes


# ---------------------------------------------------------------- reading


def calendar_rules() -> CalendarRules:
    """The booking settings. Call inside a unit of work."""
    row = VisitRules.get_or_none(VisitRules.id == 1)
    if row is None:
        raise DomainError("fixtures", "brak ustawień rezerwacji wizyt – wczytaj katalogi (python -m storage migrate)")
    return CalendarRules(row.horizon_days, row.closed_weekdays, row.hold_minutes, row.code_tries)


def group_at_office(office: str, group: str) -> GroupAtOffice:
    """DomainError naming the field when the office does not serve the group. Call inside a unit of work."""
    office_code, group_code = (office or "").strip().upper(), (group or "").strip()
    row = VisitGroup.get_or_none(VisitGroup.code == group_code)
    if row is None or not row.active:
        raise DomainError("group", f"nieznana sprawa do załatwienia {group!r}")
    served = VisitGroupOffice.get_or_none(
        (VisitGroupOffice.group == group_code) & (VisitGroupOffice.office == office_code) & VisitGroupOffice.active
    )
    if served is None:
        raise DomainError("office", f"oddział {office!r} nie przyjmuje wizyt w tej sprawie")
    return GroupAtOffice(
        group_code,
        office_code,
        row.slot_minutes,
        served.desks,
        OpeningHours.of(served.hours),
        row.one_per_phone_per_day,
        {lang: getattr(row, f"label_{lang}") for lang in LANGUAGES},
    )


def visit_groups() -> list[VisitGroupInfo]:
    """The active groups in catalogue order, each with the offices that serve it."""
    with unit_of_work():
        offices: dict[str, list[str]] = {}
        for row in VisitGroupOffice.select().where(VisitGroupOffice.active).order_by(VisitGroupOffice.office):
            offices.setdefault(row.group_id, []).append(row.office_id)
        return [
            VisitGroupInfo(
                g.code,
                {lang: getattr(g, f"label_{lang}") for lang in LANGUAGES},
                g.slot_minutes,
                offices.get(g.code, []),
                g.one_per_phone_per_day,
                g.short_pl,
            )
            for g in VisitGroup.select().where(VisitGroup.active).order_by(VisitGroup.position)
        ]
