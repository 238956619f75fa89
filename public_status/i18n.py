"""Languages of the portal and how one is chosen: an explicit choice (cookie), then the
browser's Accept-Language, then Polish."""

from __future__ import annotations

import datetime as dt
import functools

from flask import request
from flask_babel import format_time, get_locale, get_timezone
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from storage import portal as store

LANGUAGES = store.NATIVE_NAMES  # code → the language named in itself, for the switch
DEFAULT = "pl"
COOKIE = "lang"


def select_locale() -> str:
    return choose(request.cookies.get(COOKIE), request.headers.get("Accept-Language"))


def choose(cookie: str | None, accept_language: str | None) -> str:
    """The language for a request, from its `lang` cookie and its Accept-Language header."""
    if cookie in LANGUAGES:
        return cookie
    return parse_accept_header(accept_language, LanguageAccept).best_match(list(LANGUAGES)) or DEFAULT


def own_path() -> str:
    """This page's path, with its query for a GET, for the language switch to come back to. A query
    that is not UTF-8 (browsers encode theirs; only a hand-made request sends one) is left out
    rather than failing the page."""
    if request.method != "GET":
        return request.path
    try:
        return request.full_path.rstrip("?")
    except UnicodeDecodeError:
        return request.path


def time_of_day(value: dt.datetime | dt.time, format: str = "short") -> str:
    """Flask-Babel's `timeformat` filter, remembered per time, format, language and time zone: a
    times page shows a day's slots, and formatting each with Babel was a tenth of the page's CPU."""
    return _time_text(value, format, str(get_locale()), str(get_timezone()))


@functools.lru_cache(maxsize=4096)
def _time_text(value: dt.datetime | dt.time, format: str, locale: str, zone: str) -> str:
    return format_time(value, format)  # in the request's language and zone, the two named in the key
