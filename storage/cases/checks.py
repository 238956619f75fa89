"""The rules for a case's fields and the locked look-ups of a case or a deficiency, shared by the
modules that change cases (filing, corrections, messages).

The field checks are public so that a front end can check a field while it is typed with the very
rule the write will apply; each returns the cleaned value or raises DomainError.
"""

from __future__ import annotations

import datetime as dt
import re

from storage import case_numbers
from storage.clock import today_in_warsaw
from storage.db import locked
from storage.errors import DomainError
from storage.languages import LANGUAGES
from storage.models import CHANNELS, Case, Deficiency
from storage.text import clean_line

NAME_MAX = 200
NOTE_MAX = 1000
EXTERNAL_REF_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,63}$")


def check_applicant_name(value: str) -> str:
    name = clean_line(value, "applicant_name", NAME_MAX, required=True)
    if not any(ch.isalpha() for ch in name):
        raise DomainError("applicant_name", "imię i nazwisko musi zawierać litery", "no_letters")
    return name


def check_language(value: str) -> str:
    lang = (value or "").strip().lower()
    if lang not in LANGUAGES:
        raise DomainError("language", f"dozwolone języki: {', '.join(LANGUAGES)}")
    return lang


def check_channel(value: str) -> str:
    channel = (value or "").strip().lower()
    if channel not in CHANNELS:
        raise DomainError("channel", f"dozwolone: {', '.join(CHANNELS)}")
    return channel


def check_external_ref(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if not EXTERNAL_REF_PATTERN.match(text):
        raise DomainError("external_ref", "1–64 znaki: litery, cyfry, / . _ -")
    return text


def check_filed_on(value: dt.date | None) -> dt.date:
    today = today_in_warsaw()
    if value is None:
        return today
    if value > today:
        raise DomainError("filed_on", "data złożenia nie może być w przyszłości")
    if value < today - dt.timedelta(days=366 * 5):
        raise DomainError("filed_on", "data złożenia jest starsza niż 5 lat")
    return value


def check_note(value: str | None) -> str | None:
    text = (value or "").strip()
    if len(text) > NOTE_MAX:
        raise DomainError("note", f"najwyżej {NOTE_MAX} znaków (wpisano {len(text)})")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise DomainError("note", "zawiera niedozwolone znaki sterujące")
    return text or None


def case_for_update(number_text: str) -> Case:
    number = case_numbers.parse(number_text)
    case = locked(Case.select().where(Case.number == number)).first()
    if case is None:
        raise DomainError("case_number", f"nie ma sprawy o numerze {case_numbers.format_number(number)}")
    return case


def open_case_for_update(number_text: str, field: str, refusal: str) -> Case:
    """The case, locked, for a change that a closed case refuses (DomainError(field, refusal))."""
    case = case_for_update(number_text)
    if case.closed:
        raise DomainError(field, refusal)
    return case


def deficiency_for_update(deficiency_id: int) -> tuple[Deficiency, Case]:
    row = locked(Deficiency.select().where(Deficiency.id == deficiency_id)).first()
    if row is None:
        raise DomainError("deficiency", f"nie ma braku nr {deficiency_id}")
    return row, Case.get_by_id(row.case_id)
