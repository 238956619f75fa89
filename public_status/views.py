"""The portal's pages. A case is read only through storage's public projection."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from babel.dates import get_day_names
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from public_status.forms import LoginForm, LogoutForm
from public_status.i18n import COOKIE, LANGUAGES, own_path, select_locale
from public_status.security import current_case, end_session, start_session
from public_status.short_cache import shared
from public_status.visit_pages import show_again_after_language_switch
from storage import portal as store

portal = Blueprint("portal", __name__)

ONE_YEAR = 365 * 24 * 3600


def _lang() -> str:
    return str(get_locale())


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@portal.app_context_processor
def inject_common() -> dict:
    return {"languages": LANGUAGES, "lang": _lang(), "logged_in": "sid" in session, "own_path": own_path()}


@portal.get("/")
def home():
    if current_case(current_app):
        return redirect(url_for("portal.status"))
    return _no_store(make_response(render_template("portal/home.html", form=LoginForm())))


@portal.post("/login")
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return _no_store(make_response(render_template("portal/home.html", form=form), 400))
    try:
        view = store.applicant_login(form.case_number.data, form.password.data, request.remote_addr or "?", _lang())
    except store.LoginThrottled as exc:
        minutes = max(1, round(exc.retry_after / 60))
        form.form_errors.append(_("Too many failed attempts. Please try again in %(minutes)d min.", minutes=minutes))
        response = make_response(render_template("portal/home.html", form=form), 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return _no_store(response)
    except store.LoginBusy as exc:
        return busy_login_page(exc.retry_after)
    except store.ApplicantLoginFailed:
        form.form_errors.append(_("The case number or the password is not correct."))
        return _no_store(make_response(render_template("portal/home.html", form=form), 401))
    except store.DomainError:
        # Only the case number can fail here: its check digit or its shape. No database was asked.
        form.case_number.errors = [_("Please check the case number: it looks like 26-004217-3.")]
        return _no_store(make_response(render_template("portal/home.html", form=form), 400))
    start_session(view.number, view.credential_version)
    return redirect(url_for("portal.status"), 303)


def busy_login_page(retry_after: int):
    """503 "busy checking other logins", from the view and from the front door (busy_logins.py)."""
    message = _("The portal is busy checking other logins. Please try again in a moment.")
    response = make_response(render_template("error.html", message=message, retry=True), 503)
    response.headers["Retry-After"] = str(retry_after)
    return _no_store(response)


@portal.get("/status")
def status():
    logged = current_case(current_app)
    if logged is None:
        if "_flashes" not in session:
            flash(_("Please log in to see your case."))
        return redirect(url_for("portal.home"))
    cache = current_app.extensions["okienko_pages"]
    # The session was checked against the database just above, so a revoked one never gets here.
    # The chosen language straight from the request: Flask-Babel's locale object is needed only to render.
    key = (session["sid"], logged.number, logged.credential_version, select_locale())
    html = None if "_flashes" in session else cache.get(key, logged.public_version)
    if html is None:
        view = store.public_view(logged.number, logged.credential_version, _lang())
        if view is None:
            end_session()
            return redirect(url_for("portal.home"))
        visit = store.visit_of_case(view.number)
        html = render_template(
            "portal/status.html", case=view, logout=LogoutForm(), day_names=_day_names(), visit=visit,
            book_collection=_may_book_collection(view, visit),
        )  # fmt: skip
        if view.unread_messages:
            # Writing a message moves the case's public version, so the first page after it is rendered
            # here, never served from the cache: the applicant has now seen it.
            store.mark_read(view.number, view.credential_version)
        cache.put(key, view.public_version, html)
    return _no_store(make_response(html))


# A visit still ahead: shown on the status page (cancelled, expired and past ones are not).
UPCOMING_VISIT = ("booked", "held")
CARD_READY = "card_ready"  # fixtures/stages.toml: "card ready for collection"


def _may_book_collection(view, visit) -> bool:
    """The card is ready and no collection visit is booked yet: the page links the booking."""
    if view.stage != CARD_READY or view.closed or view.office is None:
        return False
    return visit is None or visit.state not in UPCOMING_VISIT or visit.group != "card_collection"


@portal.post("/logout")
def logout():
    LogoutForm().validate_on_submit()  # CSRFProtect has already refused a missing or wrong token
    end_session()
    flash(_("You have logged out."))
    return redirect(url_for("portal.home"), 303)


@portal.get("/stages")
def stages():
    logged = current_case(current_app)
    current = None
    if logged is not None:
        view = store.public_view(logged.number, logged.credential_version, _lang())
        current = view.stage if view else None
    response = make_response(render_template("portal/stages.html", stages=_catalogue("stages"), current=current))
    # A logged-in applicant's copy marks the case's stage: it is theirs alone.
    response.vary.add("Cookie")
    return _no_store(response) if logged is not None else response


@portal.get("/contact")
def contact():
    return render_template("portal/contact.html", offices=_catalogue("offices"), day_names=_day_names())


@portal.get("/info")
def info():
    return render_template("portal/info.html", guides=_catalogue("case_type_guides"))


@portal.get("/info/processing-times")
def processing_times():
    return render_template(
        "portal/processing_times.html", groups=_every_case_type(), refreshed=_catalogue("last_refreshed")
    )


def _every_case_type() -> list:
    """Every kind of case the panel describes, each with its row per office: a kind without a
    decided case has "too few cases for a figure" everywhere rather than being left out."""
    figures = {group.case_type: group for group in _catalogue("processing_table")}
    cities = [office.city for office in _catalogue("offices")]
    listed = []
    for guide in _catalogue("case_type_guides"):
        kind = guide.case_type
        listed.append(
            figures.pop(kind.code, None) or store.ProcessingGroup(kind.code, kind.label, [(c, None) for c in cities])
        )
    return listed + list(figures.values())


@portal.get("/info/<code>")
def info_case_type(code: str):
    guide = shared().get(("case_type_guide", code), lambda: store.case_type_guide(code))
    if guide is None:
        abort(404)
    return render_template(
        "portal/info_case_type.html",
        guide=guide,
        texts=_catalogue("info_texts"),
        offices=_catalogue("offices"),
        stages=_catalogue("stages"),
        day_names=_day_names(),
    )


def _catalogue(name: str):
    """A catalogue every visitor shares, read from the store at most once a second per process (the
    information pages read four of them per request: most of a page's CPU, and a flood's easy target)."""
    return shared().get(name, getattr(store, name))


def _day_names():
    return get_day_names("wide", locale=_lang())


@portal.get("/lang/<code>")
def choose_language(code: str):
    response = redirect(_own_path(request.args.get("next", "/")))
    show_again_after_language_switch()
    if code in LANGUAGES:
        response.set_cookie(
            COOKIE, code, max_age=ONE_YEAR, secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True,
            samesite="Lax",
        )  # fmt: skip
    return response


# Characters a path of this site may hold. Browsers drop tabs and newlines and read "\" as "/",
# so "/\t/evil" or "/\\evil" would leave the site; anything outside this set goes to "/".
_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_.")


def _own_path(target: str) -> str:
    """`target` when it is one of this portal's own pages (a GET route), else "/". A booking step's
    query string is kept (it carries the office, group and day) but rebuilt from its parsed pairs,
    so nothing but plain key=value pairs reaches the Location header; other pages take none."""
    path, _sep, query = target.partition("?")
    if not path.startswith("/") or path.startswith("//") or not set(path) <= _PATH_CHARS:
        return "/"
    try:
        current_app.url_map.bind("portal.local").match(path, method="GET")
    except HTTPException:
        return "/"
    pairs = parse_qsl(query, keep_blank_values=False) if path.startswith("/visit/") else []
    return f"{path}?{urlencode(pairs)}" if pairs else path
