"""Languages of the portal and how one is chosen: an explicit choice (cookie), then the
browser's Accept-Language, then Polish."""

from __future__ import annotations

from flask import request

LANGUAGES = {"pl": "Polski", "en": "English", "ru": "Русский", "uk": "Українська"}
DEFAULT = "pl"
COOKIE = "lang"


def select_locale() -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT
