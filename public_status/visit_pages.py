"""What the booking's pages share: the session keys, the catalogue and free times as read this
second, the page frame (never cached), and the answers that are the same from every step (a time
taken, a limit reached, a reference unknown)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from flask import abort, make_response, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from public_status.short_cache import shared
from storage import portal as store

# The visit group of a card's collection: booked by a logged-in applicant whose card is ready.
CARD_COLLECTION = "card_collection"
WARSAW = ZoneInfo("Europe/Warsaw")
HOLD = "visit_hold"  # session key: the pending booking's reference and where it was chosen (no personal data)
BOOKED = "visit_booked"  # session key: the reference this browser has just confirmed, to show it again
# Session key: the name and number of a details form answered with an error, kept for one GET of
# that same step so that switching the language (a link, so a GET) shows them and the error again.
TYPED = "visit_typed"
# Session key: a code form answered with an error (a wrong code and the tries left, or what was
# typed when it was no code at all), kept for the one GET the answer redirects to. The error page is
# never the answer to a POST, so reloading it can never send a wrong code again and spend a try.
CODE_ERROR = "visit_code_error"
# Where a form's kept errors go once shown: a plain reload shows the step empty, but the language
# switch (whose whole point, after an error, is to read it) puts them back for one more GET.
SHOWN = {TYPED: "visit_typed_shown", CODE_ERROR: "visit_code_error_shown"}


def show_again_after_language_switch() -> None:
    """Called by the language switch: the errors shown on the page it was used from, once more."""
    for pending, shown in SHOWN.items():
        if shown in session:
            session[pending] = session.pop(shown)


def _groups() -> list:
    return shared().get("groups", store.visit_groups)


def _offices() -> list:
    return shared().get("offices", store.offices)


def _window() -> tuple[dt.date, dt.date]:
    return shared().get("window", store.visit_window)


def _lang() -> str:
    return str(get_locale())


def _client() -> str:
    return request.remote_addr or "?"


def _page(template: str, status: int = 200, headers: dict | None = None, **context):
    return _html_page(render_template(template, **context), status, headers)


def _html_page(html: str, status: int = 200, headers: dict | None = None):
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _problem(status: int, title: str, message: str, back_url: str, back_label: str, headers: dict | None = None):
    return _page(
        "visits/problem.html", status, headers, title=title, message=message, back_url=back_url, back_label=back_label
    )


def _choice() -> tuple[store.VisitGroupInfo, dict, list[str]]:
    """The office and group of the query string, checked against the catalogue; a list of errors."""
    groups = {group.code: group for group in _groups()}
    offices = {office.code: office for office in _offices()}
    office, code = request.args.get("office", ""), request.args.get("group", "")
    errors = []
    if office not in offices:
        errors.append(_("Choose the office."))
    if code not in groups:
        errors.append(_("Choose the kind of visit."))
    elif office in offices and office not in groups[code].offices:
        errors.append(_("This office does not book this kind of visit. Choose another office or kind of visit."))
    return groups.get(code), offices.get(office), errors


def _chosen_step(parse, name: str, optional: bool = False):
    """The office and group of a booking step (a wrong one answers with the start page and its
    errors) and the step's own parameter `name` read by `parse` (a malformed one is not found)."""
    group, office, errors = _choice()
    if errors:
        abort(_start_page(errors, 400))
    raw = request.args.get(name)
    value = parse(raw) if raw or not optional else None
    if value is None and (raw or not optional):
        abort(404)
    return group, office, value


def _start_page(errors: list[str], status: int):
    return _page(
        "visits/start.html",
        status,
        groups=_groups(),
        offices=_offices(),
        chosen_office=request.args.get("office", ""),
        chosen_group=request.args.get("group", ""),
        errors=errors,
    )


def _minutes(seconds: int) -> int:
    return max(1, -(-int(seconds) // 60))


def _throttled(exc: store.VisitThrottled, back_url: str):
    """429 with Retry-After and, in the page's language, why and when to come back. Never about a
    phone number: nothing keyed by one refuses anything (storage.visits)."""
    retry = max(1, int(exc.retry_after_s))
    minutes = _minutes(retry)
    if exc.reason == store.VisitThrottled.PENDING:
        message = _(
            "Another booking from this connection is waiting for its SMS code. Please finish that booking, "
            "or try again in %(minutes)d min.",
            minutes=minutes,
        )
    elif exc.reason == store.VisitThrottled.NETWORK:
        message = _(
            "Too many bookings from your network were not confirmed in the last hour. Please try again in "
            "%(minutes)d min, or from another connection (for example Wi-Fi instead of mobile data).",
            minutes=minutes,
        )
    elif exc.reason == store.VisitThrottled.MODEM:
        message = _(
            "Many text messages are waiting to be sent just now, and your code would not reach you in time. "
            "No seat has been held for you. Please try again in %(minutes)d min.",
            minutes=minutes,
        )
    else:
        message = _("Too many attempts from this connection. Please try again in %(minutes)d min.", minutes=minutes)
    return _problem(429, _("Please wait"), message, back_url, _("Back"), headers={"Retry-After": str(retry)})


def _times_url(office: str, group: str, day: dt.date | str | None) -> str:
    if not day:
        return url_for("visits.start")
    return url_for("visits.times", office=office, group=group, day=str(day))


def _slot_taken(office: str, group: str, day) -> object:
    return _problem(
        409,
        _("This time is no longer free"),
        _("Someone else has just booked the last seat at this time. Please choose another time."),
        _times_url(office, group, day),
        _("Back to the free times"),
    )


def _warsaw_day(starts_at: dt.datetime) -> dt.date:
    return starts_at.replace(tzinfo=dt.UTC).astimezone(WARSAW).date()


def _hold_for(reference: str) -> dict:
    hold = session.get(HOLD)
    return hold if isinstance(hold, dict) and hold.get("ref") == reference else {}


def _unknown_booking():
    return _problem(
        404,
        _("Booking not found"),
        _("This browser has no booked visit under this reference."),
        url_for("visits.start"),
        _("Book a visit"),
    )


def _not_cancellable() -> str:
    # One answer for a mistyped, unknown or too late reference: which it is would tell a stranger
    # whether a reference exists; so its words cover a typo first.
    return _(
        "Check the reference in your SMS or on the confirmation: no visit under this reference can be "
        "cancelled online. A visit can be cancelled online until the end of the day before it."
    )


def _wrong_code(tries_left: int) -> str:
    return _("This code is not correct. Tries left: %(tries)d.", tries=tries_left)


def _no_tries_left(back_url: str):
    return _problem(
        400,
        _("No tries left"),
        _("The code was typed wrongly too many times, so the seat has been released. Please book again."),
        back_url,
        _("Back to the free times") if back_url != url_for("visits.start") else _("Book a visit"),
    )


def _unknown_reference():
    return _problem(
        404,
        _("Booking not found"),
        _("There is no booking waiting for a code under this reference."),
        url_for("visits.start"),
        _("Book a visit"),
    )


def _group(code: str):
    return next((group for group in _groups() if group.code == code), None)


def _day_names():
    return get_day_names("wide", locale=_lang())
