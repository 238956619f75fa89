"""The accessibility statement ("deklaracja dostępności"): one page, linked from every page's footer and
named in every page's `<meta name="deklaracja-dostępności">`. Its facts come from
fixtures/accessibility.toml (through storage.portal) and the offices catalogue; Polish is binding."""

from __future__ import annotations

import re

from babel.dates import get_day_names
from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from storage import portal as store

accessibility = Blueprint("accessibility", __name__)


def _fact_names() -> dict[str, str]:
    return {
        "entrance": _("Entrances"),
        "lift": _("Lifts and stairs"),
        "parking": _("Parking"),
        "induction_loop": _("Induction loop"),
        "sign_language": _("Sign-language interpreter"),
        "assistance_dog": _("Assistance dog"),
    }


def standard_name(tag: str) -> str:
    """axe-core's tag as the standard is named: "wcag21aa" → "WCAG 2.1 AA"."""
    found = re.fullmatch(r"wcag(\d)(\d?)(a+)", tag)
    return f"WCAG {found[1]}.{found[2] or 0} {found[3].upper()}" if found else tag


@accessibility.get("/deklaracja-dostepnosci")
def statement():
    names = _fact_names()
    record = store.accessibility_statement()
    return render_template(
        "accessibility/statement.html",
        statement=record,
        standards=[standard_name(tag) for tag in record.audit.standards],
        offices=store.offices(),
        facts=[(fact, names[fact]) for fact in store.BUILDING_FACTS],
        day_names=get_day_names("wide", locale=str(get_locale())),
    )
