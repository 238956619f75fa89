"""The portal pays its first-page costs before its first request (public_status/warm_up.py): a
quiet run's 16 first status pages took 550–700 ms when each compiled the templates and loaded the
catalogues itself, all at once."""

from __future__ import annotations

import re

from public_status.i18n import LANGUAGES
from public_status.warm_up import warm_up

TOKEN = re.compile(rb'name="csrf_token" type="hidden" value="[^"]+"')


def test_every_template_is_compiled_and_every_language_loaded_before_the_first_request(portal_app):
    assert len(portal_app.jinja_env.cache) == 0  # a new app has compiled nothing
    warm_up(portal_app)
    templates = portal_app.jinja_env.list_templates(extensions=("html",))
    assert len(templates) > 20 and len(portal_app.jinja_env.cache) == len(templates)
    babel = portal_app.extensions["babel"].instance.domain_instance
    assert {lang for lang, _ in babel.get_translations_cache(None)} >= set(LANGUAGES)


def test_pages_after_warming_up_are_the_pages_before(portal_app, portal):
    paths = ("/", "/info", "/deklaracja-dostepnosci", "/lang/uk", "/")
    before = [TOKEN.sub(b"", portal.get(path).get_data()) for path in paths]
    warm_up(portal_app)
    portal.get("/lang/pl")
    after = [TOKEN.sub(b"", portal.get(path).get_data()) for path in paths]
    assert after == before
