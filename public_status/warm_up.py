"""Everything a first page pays once, paid before the server takes its first request.

Measured (bench/login_flood.py's quiet run, 16 applicants logged in and reading /status): the first
page of each session took 550–700 ms against a p50 of 2.4 ms, and these 16 alone put the run's p99 at
555 ms. All sixteen arrived together and each compiled the same Jinja templates (Jinja's cache has no
lock, so threads that miss it at once all compile) and loaded the same translation catalogues and
Babel locale data, one interpreter lock between them. Done here once, before forking the workers,
so every worker starts with it in memory.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, get_day_names
from flask import Flask
from flask_babel import get_translations

from public_status.i18n import COOKIE, LANGUAGES


def warm_up(app: Flask) -> None:
    for name in app.jinja_env.list_templates(extensions=("html",)):
        app.jinja_env.get_template(name)
    for lang in LANGUAGES:
        with app.test_request_context("/", headers={"Cookie": f"{COOKIE}={lang}"}):
            get_translations()  # Flask-Babel keeps each language's catalogue once loaded
            get_day_names("wide", locale=lang)  # and Babel each locale's data
            format_date(dt.date(2026, 1, 1), format="long", locale=lang)
