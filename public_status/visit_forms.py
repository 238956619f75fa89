"""The visit booking's forms. The choices (office, group, month, day, time) travel as query
parameters and are checked here; the name and mobile only ever in a POST body (never in a URL),
which Flask-WTF protects with its CSRF token."""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from public_status.store_rules import store_rule
from storage import portal as store

REFERENCE = re.compile(r"^[A-Z]{3}-?[0-9A-Z]{4,10}$")


class BookingForm(FlaskForm):
    """Who comes: name and mobile. The code is sent to the mobile."""

    # The store's field names for this form's fields: a refusal at booking lands on the right one.
    store_fields = {"applicant_name": "name", "name": "name", "phone": "phone"}

    name = StringField(
        _l("First name and surname"),
        filters=[lambda value: " ".join((value or "").split())],
        validators=[
            DataRequired(message=_l("Enter the first name and surname of the person who will come.")),
            store_rule(store.check_applicant_name),
        ],
    )
    phone = StringField(
        _l("Mobile phone number"),
        filters=[lambda value: (value or "").strip()],
        validators=[
            DataRequired(message=_l("Enter a mobile phone number: the confirmation code is sent there.")),
            # Not a rule of the store: a bound on what the number parser is given to read.
            Length(max=32, message=_l("The phone number may have at most %(max)d characters.")),
            store_rule(store.check_mobile),
        ],
    )


class CodeForm(FlaskForm):
    """The 6-digit code from the SMS (spaces typed between digits are allowed)."""

    code = StringField(
        _l("Code from the SMS"),
        filters=[lambda value: "".join((value or "").split())],
        validators=[
            InputRequired(message=_l("Enter the code from the SMS.")),
            Regexp(r"^[0-9]{6}$", message=_l("The code has exactly 6 digits.")),
        ],
    )


class WrongNumberForm(FlaskForm):
    """ "Wrong number – change it" on the code page: only the CSRF token (the reference is in the path)."""


def masked_phone(text: str) -> str:
    """The number as the code page shows it: the country code, the first three digits and the last
    two, e.g. '+48 512 *** *78' – enough to spot a typo, too little to give the number away."""
    number = phonenumbers.parse(text, "PL")
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    country = f"+{number.country_code}"
    national = shown[len(country) :]
    total = sum(ch.isdigit() for ch in national)
    seen, out = 0, []
    for ch in national:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= 3 or seen > total - 2 else "*")
        else:
            out.append(ch)
    return country + "".join(out)


def _as_the_store_writes_it(value: str | None) -> str:
    """The reference as the SMS or a letter may write it ("№GDA-WXKYNR", "nr gda wxkynr") in the
    store's form, "GDA-WXKYNR"; anything else as typed, for the rule below to name."""
    try:
        return store.normalise_reference(value or "")
    except store.DomainError:
        return "".join((value or "").split()).upper()


class CancelForm(FlaskForm):
    """The booking reference, as printed on the confirmation page (e.g. GDA-7K3M9Q)."""

    reference = StringField(
        _l("Booking reference"),
        filters=[_as_the_store_writes_it],
        validators=[
            InputRequired(message=_l("Enter the booking reference.")),
            Regexp(
                REFERENCE.pattern,
                message=_l("The reference looks like GDA-7K3M9Q: letters, a dash, letters and digits."),
            ),
        ],
    )


# Links carry dates near today; anything far outside is a hand-made URL, answered 404 (a year such
# as 9999 would otherwise overflow the date arithmetic of the month view).
YEARS = range(2000, 2101)


def parse_month(text: str | None) -> dt.date | None:
    """'2026-12' → 1 December 2026; None for anything else."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return dt.date(year, month, 1) if year in YEARS else None
    except ValueError:
        return None


def parse_day(text: str | None) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if day.year in YEARS else None


def parse_start(text: str | None) -> dt.datetime | None:
    """A slot's start as the links carry it: UTC, '2026-12-03T08:30Z'. Naive UTC like the store."""
    try:
        value = dt.datetime.strptime(text or "", "%Y-%m-%dT%H:%MZ")
    except ValueError:
        return None
    return value if value.year in YEARS else None


def format_start(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%MZ")
