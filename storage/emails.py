"""E-mail addresses an applicant may give at the counter, checked with `email-validator`.

Syntax and normalisation only: no DNS lookup (the desks must work when the network outside the
office does not), so a well-formed address at a domain that does not exist is accepted, and the
mail loop's relay reports it later. Local parts must be ASCII: an office relay cannot be assumed
to speak SMTPUTF8; an internationalised domain is fine (it is sent in its ASCII form).
"""

from __future__ import annotations

from storage.errors import DomainError

EMAIL_MAX = 254  # RFC 5321's limit for a path, which every relay enforces
_EXAMPLE = "np. olena.kovalenko@gmail.com"


def _validated(text: str):
    # Imported here: the library compiles its grammar at import (about 40 ms), which every start of the
    # portal, the admin command line and the modem loop paid, most of them never checking an address.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        # The library explains what is wrong in English only; the clerk reads the rule in Polish.
        raise DomainError("email", f"to nie jest poprawny adres e-mail ({_EXAMPLE})") from None


def normalise_email(raw: str | None) -> str | None:
    """The address as it will be stored (domain in lower case), None for an empty field, or
    DomainError('email', rule)."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) > EMAIL_MAX:
        raise DomainError("email", f"najwyżej {EMAIL_MAX} znaków (wpisano {len(text)})")
    return _validated(text).normalized


def ascii_address(stored: str) -> str:
    """The form a relay takes (an internationalised domain in IDNA): for the envelope and To:."""
    return _validated(stored).ascii_email or stored
