"""Mobile numbers for SMS, validated with Google's libphonenumber data."""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberType

from storage.errors import DomainError

_SMS_CAPABLE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_EXAMPLE = "np. 501 234 567 albo +380 67 123 4567"


def normalise_mobile(raw: str | None) -> str | None:
    """Return the number in E.164, None for an empty field, or raise DomainError('phone', rule).

    Polish numbers may be written any usual way; a foreign number must carry its country
    code, because without it the number is read as Polish.
    """
    text = (raw or "").strip()
    if not text:
        return None
    international = text.startswith("+") or text.startswith("00")
    try:
        number = phonenumbers.parse(text, "PL")
    except phonenumbers.NumberParseException:
        raise DomainError("phone", f"to nie jest numer telefonu ({_EXAMPLE})", "not_a_number") from None
    if not phonenumbers.is_valid_number(number):
        if international:
            rule = "taki numer nie istnieje w numeracji tego kraju – sprawdź cyfry"
        else:
            rule = "to nie jest poprawny polski numer; numer zagraniczny wpisz z kodem kraju (np. +380 67 123 4567)"
        raise DomainError("phone", rule, "no_such_number")
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.FIXED_LINE:
        raise DomainError("phone", "to numer stacjonarny – SMS na niego nie dotrze; podaj komórkowy", "not_mobile")
    if kind not in _SMS_CAPABLE:
        raise DomainError("phone", "to nie jest numer komórkowy – SMS na niego nie dotrze", "not_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str | None) -> str:
    if not e164:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# The letter and SMS languages a country code suggests (the clerk decides; this only pre-selects).
_REGION_LANGUAGE = {"PL": "pl", "UA": "uk", "RU": "ru", "KZ": "ru", "BY": "ru"}


def suggested_language(e164: str | None) -> str | None:
    """'pl' for +48, 'uk' for +380, 'ru' for +7 (and Belarus), 'en' for any other country; None without a number."""
    if not e164:
        return None
    region = phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    return _REGION_LANGUAGE.get(region or "", "en")
