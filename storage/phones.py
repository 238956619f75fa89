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
        raise DomainError("phone", f"to nie jest numer telefonu ({_EXAMPLE})") from None
    if not phonenumbers.is_valid_number(number):
        if international:
            rule = "taki numer nie istnieje w numeracji tego kraju – sprawdź cyfry"
        else:
            rule = "to nie jest poprawny polski numer; numer zagraniczny wpisz z kodem kraju (np. +380 67 123 4567)"
        raise DomainError("phone", rule)
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.FIXED_LINE:
        raise DomainError("phone", "to numer stacjonarny – SMS na niego nie dotrze; podaj komórkowy")
    if kind not in _SMS_CAPABLE:
        raise DomainError("phone", "to nie jest numer komórkowy – SMS na niego nie dotrze")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str | None) -> str:
    if not e164:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
