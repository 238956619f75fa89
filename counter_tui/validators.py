"""Textual validators that apply storage's own rules while the clerk types."""

from __future__ import annotations

import datetime as dt
import re

from textual.validation import ValidationResult, Validator

from storage import DomainError, case_numbers, phones
from storage.cases import EXTERNAL_REF_PATTERN, NAME_MAX


class ApplicantName(Validator):
    def validate(self, value: str) -> ValidationResult:
        text = " ".join(value.split())
        if not text:
            return self.failure("Imię i nazwisko: pole jest wymagane")
        if len(text) > NAME_MAX:
            return self.failure(f"Imię i nazwisko: najwyżej {NAME_MAX} znaków (jest {len(text)})")
        if not any(ch.isalpha() for ch in text):
            return self.failure("Imię i nazwisko: musi zawierać litery")
        return self.success()


class MobilePhone(Validator):
    """Empty is fine (no SMS); otherwise storage's phone rule, word for word."""

    def validate(self, value: str) -> ValidationResult:
        try:
            phones.normalise_mobile(value)
        except DomainError as exc:
            text = str(exc)
            return self.failure(text[:1].upper() + text[1:])
        return self.success()


class ExternalRef(Validator):
    def validate(self, value: str) -> ValidationResult:
        if value.strip() and not EXTERNAL_REF_PATTERN.match(value.strip()):
            return self.failure("Numer zewnętrzny: 1–64 znaki – litery, cyfry, / . _ -")
        return self.success()


class FilingDate(Validator):
    def validate(self, value: str) -> ValidationResult:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            return self.failure("Data złożenia: format RRRR-MM-DD")
        if day > dt.date.today():
            return self.failure("Data złożenia: nie może być w przyszłości")
        return self.success()


class SearchText(Validator):
    """A full-length case number with a wrong check digit is a typo: say so before searching."""

    def validate(self, value: str) -> ValidationResult:
        compact = re.sub(r"[\s-]", "", value)
        if compact.isdigit() and case_numbers.looks_like_case_number(compact):
            try:
                case_numbers.parse(compact)
            except DomainError:
                return self.failure("Błędny numer – cyfra kontrolna się nie zgadza (literówka?)")
        return self.success()


class NoteText(Validator):
    def validate(self, value: str) -> ValidationResult:
        if len(value.strip()) > 1000:
            return self.failure(f"Uwaga: najwyżej 1000 znaków (jest {len(value.strip())})")
        return self.success()
