"""The application factory."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, redirect, render_template, request
from flask_babel import Babel
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.routing import RequestRedirect

from public_status.busy_logins import AnswerLoopingLoginsBusy
from public_status.i18n import select_locale, time_of_day
from public_status.page_cache import PageCache, ServeCachedStatus
from public_status.security import CachedSerializerSessions, SecurityHeaders
from public_status.settings import PortalSettings, load_settings
from public_status.template_cache import template_cache
from public_status.views import portal
from storage import portal as store

log = logging.getLogger("okienko.portal")
csrf = CSRFProtect()
babel = Babel()


def create_app(settings: PortalSettings | None = None, **overrides: object) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__)
    app.jinja_options = {**app.jinja_options, "bytecode_cache": template_cache()}  # before jinja_env exists
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="okienko_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=settings.absolute_minutes),
        # The cookie then expires at login + 2 h (the absolute limit) instead of being re-signed
        # and re-sent on every request; the idle limit is checked on the server (security.py).
        SESSION_REFRESH_EACH_REQUEST=False,
        OKIENKO_IDLE_SECONDS=settings.idle_minutes * 60,
        OKIENKO_ABSOLUTE_SECONDS=settings.absolute_minutes * 60,
        # Referrer-Policy: no-referrer means browsers send no Referer, which Flask-WTF's strict
        # HTTPS check would demand; the token plus SameSite=Lax cookies already stop CSRF.
        WTF_CSRF_SSL_STRICT=False,
        MAX_CONTENT_LENGTH=16 * 1024,
        # Times are stored in UTC; the portal's date and time filters show them in Warsaw.
        BABEL_DEFAULT_TIMEZONE="Europe/Warsaw",
    )
    app.config.update(overrides)
    app.session_interface = CachedSerializerSessions()
    app.extensions["okienko_pages"] = PageCache()
    app.wsgi_app = SecurityHeaders(AnswerLoopingLoginsBusy(app, ServeCachedStatus(app, app.wsgi_app)))
    # The client address and scheme behind a proxy come from waitress's own proxy trust
    # (settings.server_options), which also removes those headers from anyone else.
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["timeformat"] = time_of_day
    app.register_blueprint(portal)
    from public_status.health import health  # /health and /ready (kept in one edit of this file)

    app.register_blueprint(health)
    from public_status.visits import visits  # visit booking (issue 11)

    app.register_blueprint(visits)
    from public_status.accessibility import accessibility  # the accessibility statement (issue 20)

    app.register_blueprint(accessibility)

    @app.before_request
    def refuse_undecodable_query():
        # Browsers percent-encode their queries; raw bytes that are not UTF-8 come only from
        # hand-made requests, and werkzeug fails on them wherever a page reads its query (a 500).
        try:
            request.query_string.decode("utf-8")
        except UnicodeDecodeError:
            return render_template("error.html", message=_("There is no such page.")), 400
        return None

    @app.before_request
    def refuse_file_parts():
        # The portal takes no files anywhere. Flask-WTF reads a form's fields from the files too,
        # so a file part named like a field reached the form's filters as a file object (a 500).
        if request.method == "POST" and request.files:
            return render_template("error.html", message=_("The form has expired. Please go back and try again.")), 400
        return None

    @app.before_request
    def relative_routing_redirects():
        # werkzeug's own redirects (`//visit//days` → `/visit/days`, a missing trailing slash) name
        # the host the client sent: `Host: evil.example` came back in the Location. Every other
        # redirect of the portal is already a path (url_for without _external).
        moved = request.routing_exception
        if isinstance(moved, RequestRedirect):
            target = urlsplit(moved.new_url)
            return redirect(urlunsplit(("", "", "/" + target.path.lstrip("/"), target.query, "")), moved.code)
        return None

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return render_template("error.html", message=_("The form has expired. Please go back and try again.")), 400

    @app.errorhandler(404)
    def not_found(error):
        return render_template("error.html", message=_("There is no such page.")), 404

    @app.errorhandler(413)
    def too_large(error):
        return render_template(
            "error.html", message=_("The form sent was too large. Please go back and try again.")
        ), 413

    @app.errorhandler(store.StoreUnavailable)
    def store_down(error):
        log.error("database unavailable: %s", error.detail)
        message = _("The service is temporarily unavailable. Please try again in a few minutes.")
        return render_template("error.html", message=message), 503, {"Retry-After": "120"}

    @app.errorhandler(500)
    def server_error(error):
        return render_template("error.html", message=_("Something went wrong on our side. Please try again.")), 500

    return app
