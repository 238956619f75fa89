"""Textual validators that apply storage's own rules while the clerk types.

Each one calls the rule the write itself will apply, so the form and the store can never
disagree; storage's message (field and rule) is shown as it is.
"""

from __future__ import annotations

import datetime as dt
import re

from textual.validation import ValidationResult, Validator

from storage.desk import (
    DomainError,
    check_applicant_name,
    check_external_ref,
    check_filed_on,
    check_note,
    looks_like_case_number,
    normalise_email,
    normalise_mobile,
    parse_case_number,
)


class StorageRule(Validator):
    """Valid when the storage rule accepts the value; otherwise its DomainError message."""

    @staticmethod
    def rule(value: str) -> object:
        raise NotImplementedError

    def validate(self, value: str) -> ValidationResult:
        try:
            self.rule(value)
        except DomainError as exc:
            text = str(exc)
            return self.failure(text[:1].upper() + text[1:])
        return self.success()


def _filing_date(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError("filed_on", "format RRRR-MM-DD") from None
    return check_filed_on(day)


class ApplicantName(StorageRule):
    rule = staticmethod(check_applicant_name)


class MobilePhone(StorageRule):
    """Empty is fine (no SMS); otherwise storage's phone rule."""

    rule = staticmethod(normalise_mobile)


class EmailAddress(StorageRule):
    """Empty is fine (no e-mail); otherwise storage's address rule (checked offline)."""

    rule = staticmethod(normalise_email)


class ExternalRef(StorageRule):
    rule = staticmethod(check_external_ref)


class FilingDate(StorageRule):
    rule = staticmethod(_filing_date)


class NoteText(StorageRule):
    rule = staticmethod(check_note)


class SearchText(Validator):
    """A full-length case number with a wrong check digit is a typo: say so before searching."""

    def validate(self, value: str) -> ValidationResult:
        compact = re.sub(r"[\s-]", "", value)
        if compact.isdigit() and looks_like_case_number(compact):
            try:
                parse_case_number(compact)
            except DomainError:
                return self.failure("Błędny numer – cyfra kontrolna się nie zgadza (literówka?)")
        return self.success()
