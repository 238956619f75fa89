"""The store's own field rules, told in the applicant's language.

The portal does not copy a rule (a length, what a mobile number is): a form field runs the very
check the store applies when it writes, and the store's `DomainError.code` picks the translated
sentence. A rule the store adds later without a sentence here still reads sensibly (the field's
general hint) and never shows the clerks' Polish.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, ValidationError

from storage import portal as store

# One sentence per rule code the store raises for a typed field (storage.text, storage.phones, …).
RULE_MESSAGES = {
    "required": _l("Please fill in this field."),
    "too_long": _l("At most %(max)d characters (you typed %(typed)d)."),
    "control_chars": _l("This text contains characters that cannot be stored. Please type it again."),
    "damaged_text": _l("This text arrived damaged (it contains �). Please type it again."),
    "stacked_marks": _l("At most %(max)d accent marks on one letter."),
    "no_letters": _l("The name must contain letters."),
    "not_a_number": _l("This is not a phone number. Example: 501 234 567 or +380 67 123 4567."),
    "no_such_number": _l("This number does not exist. Check the digits; write a foreign number with its country code."),
    "not_mobile": _l("This is not a mobile number: the code is sent by SMS, so give a mobile number."),
}
FIELD_HINTS = {
    "applicant_name": _l("Please check the name: it must contain letters."),
    "phone": _l("Please check the number: it must be a mobile number that can receive SMS."),
}


def message_for(field: str, code: str, limits: dict[str, int] | None = None) -> str:
    """The applicant's sentence for the store's rule `code` on `field`."""
    template = RULE_MESSAGES.get(code)
    if template is None:
        return str(FIELD_HINTS.get(field, _("Please check this field.")))
    try:
        return str(template) % (limits or {})
    except (KeyError, TypeError):  # a rule raised without the numbers its sentence needs
        return str(FIELD_HINTS.get(field, _("Please check this field.")))


def store_rule(check: Callable[[str], object]) -> Callable[[object, Field], None]:
    """A WTForms validator that runs the store's check on the field's text."""

    def validate(form: object, field: Field) -> None:
        try:
            check(field.data or "")
        except store.DomainError as exc:
            raise ValidationError(message_for(exc.field, exc.code, exc.limits)) from None

    return validate


def store_refusal(exc: store.DomainError) -> dict[str, object]:
    """What to keep of a refusal so that it is told again after a redirect, in the language then
    chosen: the store's field, rule code and numbers (never its Polish sentence)."""
    return {"field": exc.field, "code": exc.code, "limits": dict(exc.limits)}
