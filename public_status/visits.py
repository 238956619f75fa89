"""Booking a visit at the office: office and kind of visit → free days → free times → name and
mobile → the code from the SMS → confirmation; and cancelling one with its reference and a new code.

Every rule (seats, holds, codes, limits) is the store's; these views only ask and show. The name
and mobile travel in the POST body of the details form, never in a URL; after it only the code
page shows the number, masked, and a form answered with an error keeps what was typed for one
GET of its step (the language switch). Every page here is answered with `Cache-Control:
no-store` (free seats change by the second, and several carry a code form); the status page cache
never sees them.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from public_status.i18n import own_path
from public_status.security import current_case
from public_status.short_cache import shared
from public_status.store_rules import message_for, store_refusal
from public_status.visit_forms import (
    BookingForm,
    CancelForm,
    CodeForm,
    WrongNumberForm,
    format_start,
    masked_phone,
    parse_day,
    parse_month,
    parse_start,
)
from public_status.visit_pages import (
    BOOKED,
    CARD_COLLECTION,
    CODE_ERROR,
    HOLD,
    SHOWN,
    TYPED,
    _chosen_step,
    _client,
    _day_names,
    _group,
    _hold_for,
    _html_page,
    _lang,
    _no_tries_left,
    _not_cancellable,
    _offices,
    _page,
    _problem,
    _slot_taken,
    _start_page,
    _throttled,
    _times_url,
    _unknown_booking,
    _unknown_reference,
    _warsaw_day,
    _window,
    _wrong_code,
)
from storage import portal as store

visits = Blueprint("visits", __name__, url_prefix="/visit")


@visits.get("")
def start():
    return _start_page([], 200)


@visits.get("/days")
def days():
    group, office, month = _chosen_step(parse_month, "month", optional=True)
    # Everyone asking for this month in this language within a second gets the same page: when a
    # day's slots open, hundreds ask at once, and rendering a month is most of a request's cost.
    # Nothing on it is anyone's own, and its language switch links back to the path it was
    # rendered for, so only the page's own links share it: any other query string (extra
    # parameters, another order), a HEAD, or a message waiting for this visitor gets a page of its own.
    canonical = url_for("visits.days", office=office.code, group=group.code, month=request.args.get("month") or None)
    if request.method != "GET" or "_flashes" in session or own_path() != canonical:
        return _page("visits/days.html", **_month_context(group, office, month))
    key = ("days page", canonical, _lang(), "sid" in session)
    html = shared().get(key, lambda: render_template("visits/days.html", **_month_context(group, office, month)))
    return _html_page(html)


def _month_context(group, office, month: dt.date | None) -> dict:
    first, last = _window()
    shown = (month or first).replace(day=1)
    # The store lists every day of the month; the page shows those of the booking window only
    # (a past day or one not yet open is no choice to offer), and months only within the window.
    listed = [d for d in store.visit_days(office.code, group.code, month=shown) if first <= d.day <= last]
    next_month = (shown + dt.timedelta(days=monthrange(shown.year, shown.month)[1])).replace(day=1)
    return {
        "group": group,
        "office": office,
        "month": shown,
        "days": listed,
        "previous_month": (shown - dt.timedelta(days=1)).replace(day=1) if shown > first.replace(day=1) else None,
        "next_month": next_month if next_month <= last else None,
    }


@visits.get("/times")
def times():
    group, office, day = _chosen_step(parse_day, "day")
    every = store.visit_times(office.code, group.code, day)
    listed = [slot for slot in every if slot.free > 0]
    return _page(
        "visits/times.html", group=group, office=office, day=day, times=listed, bookable=bool(every),
        format_start=format_start,
    )  # fmt: skip


@visits.route("/details", methods=["GET", "POST"])
def details():
    group, office, starts_at = _chosen_step(parse_start, "at")
    day = _warsaw_day(starts_at)
    # The day's times as counted within the last second: enough to turn away a hand-made or stale
    # link; the seat hold on POST is what decides.
    day_times = shared().get(
        ("times", office.code, group.code, day), lambda: store.visit_times(office.code, group.code, day)
    )
    if request.method == "GET" and not any(slot.starts_at == starts_at and slot.free > 0 for slot in day_times):
        # A hand-made or stale link (a closed day, a past or full time): say so before the
        # applicant types a name and number for nothing.
        return _problem(
            404,
            _("This time cannot be booked"),
            _("This time is not free or not open for booking. Please choose one of the free times."),
            _times_url(office.code, group.code, day),
            _("Back to the free times"),
        )
    step = {"office": office.code, "group": group.code, "at": format_start(starts_at)}
    # The language switch comes back to this step's GET: its query, never the name or number.
    context = {"group": group, "office": office, "starts_at": starts_at, "day": day,
               "own_path": url_for("visits.details", **step)}  # fmt: skip
    if request.method == "GET":
        return _page("visits/details.html", form=_typed_before(step), **context)
    form = BookingForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:  # a hand-made POST or an ended session: nothing to keep
            return _page("visits/details.html", 400, form=form, **context)
        return _details_again(form, step)
    case_number = None
    if group.code == CARD_COLLECTION:
        logged = current_case(current_app)
        case_number = logged.number if logged is not None else None
    # The answer never depends on what the number already has (another visit that day is found
    # when its owner confirms with the code). A browser choosing again gives up its own hold.
    own_hold = session.get(HOLD)
    try:
        held = store.request_visit(
            office.code, group.code, starts_at, form.name.data, form.phone.data, _lang(), _client(),
            case_number=case_number, replaces=own_hold.get("ref") if isinstance(own_hold, dict) else None,
        )  # fmt: skip
    except store.SlotTaken:
        return _slot_taken(office.code, group.code, day)
    except store.VisitThrottled as exc:
        return _throttled(exc, url_for("visits.start"))
    except store.DomainError as exc:
        return _details_again(form, step, store_refusal(exc))
    session.pop(TYPED, None)
    # The number only masked (the code page shows it so that a typo can be spotted), never whole.
    # The name and number as typed stay with this browser's hold only so that "wrong number –
    # change it" can put them back in the form; the session ends them with the hold.
    session[HOLD] = {"ref": held.reference, "office": office.code, "group": group.code, "day": str(day),
                     "at": step["at"], "phone": masked_phone(form.phone.data),
                     "typed": {"name": form.name.data, "phone": form.phone.data}}  # fmt: skip
    return redirect(url_for("visits.code", reference=held.reference), 303)


def _details_again(form: BookingForm, step: dict, refused: dict | None = None):
    """Post/Redirect/Get: what was typed (and what the store refused) is kept in the session for one
    GET of the same step, which shows the errors again, in the language then chosen. So Back, a
    reload or the language switch never meets a page that was the answer to a POST."""
    session[TYPED] = {**step, "name": form.name.data or "", "phone": form.phone.data or "", "refused": refused}
    return redirect(url_for("visits.details", **step), 303)


def _typed_before(step: dict) -> BookingForm:
    """An empty form, or the one answered with an error just before on this step, checked again so
    that its errors read in the language now chosen. Shown once: a later GET starts empty."""
    typed = session.pop(TYPED, None) if TYPED in session else None
    if SHOWN[TYPED] in session:
        del session[SHOWN[TYPED]]
    if not isinstance(typed, dict) or any(typed.get(key) != value for key, value in step.items()):
        return BookingForm(formdata=None)
    session[SHOWN[TYPED]] = typed
    form = BookingForm(formdata=None, data={"name": typed.get("name", ""), "phone": typed.get("phone", "")})
    for typed_field in (form.name, form.phone):
        typed_field.raw_data = [typed_field.data or ""]
        typed_field.validate(form)
    refused = typed.get("refused")
    if isinstance(refused, dict):
        own_name = BookingForm.store_fields.get(str(refused.get("field")))
        if own_name:
            message = message_for(str(refused["field"]), str(refused.get("code", "")), refused.get("limits"))
            form[own_name].errors = [message]
        else:  # the store refused the time itself (taken, closed, past)
            form.form_errors.append(_("This time cannot be booked any more. Please choose another time."))
    return form


@visits.route("/code/<reference>", methods=["GET", "POST"])
def code(reference: str):
    form = CodeForm()
    hold = _hold_for(reference)
    times_url = _times_url(hold.get("office", ""), hold.get("group", ""), hold.get("day"))
    if request.method == "GET" and session.get(BOOKED) == reference:
        # Reloaded, or the language changed, after confirming: the confirmation again, not a code form.
        booked = store.booked_visit(reference)
        if booked is not None:
            return _booked_page(booked)
    if request.method == "GET":
        return _page(
            "visits/code.html", form=_code_form_again(), reference=reference, purpose="book", back_url=times_url,
            **_hold_context(hold),
        )  # fmt: skip
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:  # a hand-made POST or an ended session: nothing was tried
            return _page(
                "visits/code.html", 400, form=form, reference=reference, purpose="book", back_url=times_url,
                **_hold_context(hold),
            )  # fmt: skip
        return _code_again(form)
    try:
        booked = store.confirm_visit(reference, form.code.data, _client())
    except store.WrongCode as exc:
        if exc.tries_left <= 0:
            return _no_tries_left(times_url)
        return _code_again(form, tries_left=exc.tries_left)
    except store.CodeExpired:
        session.pop(HOLD, None)
        return _problem(
            410,
            _("The code is no longer valid"),
            _(
                "The code is no longer valid: its 10 minutes have passed, or it was typed wrongly too many times. "
                "The seat is free again; please choose a time and book once more."
            ),
            times_url,
            _("Back to the free times"),
        )
    except store.SlotTaken:
        session.pop(HOLD, None)
        return _slot_taken(hold.get("office", ""), hold.get("group", ""), hold.get("day"))
    except store.PhoneHasVisit:
        # Only the owner gets here: the code came to their phone.
        session.pop(HOLD, None)
        return _problem(
            409,
            _("You already have a visit on this day"),
            _(
                "This number already has a visit booked on this day, and one visit per number per day is allowed. "
                "The time you chose has been released. To change the time of your visit, first cancel the other "
                "one with its reference."
            ),
            url_for("visits.cancel"),
            _("Cancel a visit"),
        )
    except store.VisitThrottled as exc:
        return _throttled(exc, url_for("visits.code", reference=reference))
    except store.DomainError:
        return _unknown_reference()
    session.pop(HOLD, None)
    session[BOOKED] = booked.reference
    _forget_cached_status()
    return _booked_page(booked)


def _code_again(form: CodeForm, tries_left: int | None = None):
    """Post/Redirect/Get: the code form's error is kept in the session and shown by the GET of the
    same page, so a reload shows the page again instead of sending the wrong code once more."""
    error = {"path": request.path, "typed": form.code.data or ""}
    if tries_left is not None:
        error["tries_left"] = tries_left
    session[CODE_ERROR] = error
    return redirect(request.path, 303)


def _code_form_again() -> CodeForm:
    """An empty code form, or the one answered with an error just before on this page, its error in
    the language now chosen. Shown once: a later GET starts empty."""
    form = CodeForm(formdata=None)
    error = session.pop(CODE_ERROR, None) if CODE_ERROR in session else None
    if SHOWN[CODE_ERROR] in session:
        del session[SHOWN[CODE_ERROR]]
    if not isinstance(error, dict) or error.get("path") != request.path:
        return form
    session[SHOWN[CODE_ERROR]] = error
    if "tries_left" in error:
        form.code.errors = [_wrong_code(int(error["tries_left"]))]
    else:
        typed = str(error.get("typed", ""))
        form.code.process_formdata([typed])  # as if typed again: InputRequired reads the raw data
        form.code.raw_data = [typed]
        form.code.validate(form)
    return form


def _hold_context(hold: dict) -> dict:
    """What the code page shows of this browser's own hold: the number, masked, the way back, and
    the one resend of the code (offered a minute after the first text went to the modem)."""
    mine = bool(hold.get("at"))
    starts_at = parse_start(hold.get("at")) if mine else None
    return {
        # What is being confirmed, above the code field: office, kind of visit, day and time.
        "chosen_office": next((office for office in _offices() if office.code == hold.get("office")), None),
        "chosen_group": _group(hold.get("group", "")),
        "starts_at": starts_at,
        "day": _warsaw_day(starts_at) if starts_at else None,
        "masked_phone": hold.get("phone"),
        "wrong_number": WrongNumberForm() if mine else None,
        "resend": _resend_state(hold["ref"]) if mine else None,
    }


def _resend_state(reference: str) -> dict | None:
    offer = store.code_resend(reference, _client())
    if offer is None or offer.offered_at is None:
        return None  # the first text has not gone out yet: the page's hint says to wait
    if offer.used:
        return {"state": "used"}
    if not offer.ready:
        return {"state": "later", "at": offer.offered_at}
    return {"state": "offered", "form": WrongNumberForm()}


@visits.post("/code/<reference>/resend")
def resend(reference: str):
    """ "No text? Send the code again": once per hold, from this browser, a minute after the first
    text went out (storage.visits.resend_code); back to the code page, which says so."""
    hold = _hold_for(reference)
    if not WrongNumberForm().validate_on_submit() or not hold.get("at"):
        return _unknown_reference()
    try:
        store.resend_code(reference, _client())
    except store.VisitThrottled as exc:
        return _throttled(exc, url_for("visits.code", reference=reference))
    except store.DomainError:
        pass  # too early, already resent, or the hold ended: the code page shows which
    return redirect(url_for("visits.code", reference=reference), 303)


@visits.post("/code/<reference>/wrong-number")
def wrong_number(reference: str):
    """The number was mistyped: the hold ends at once (seat, code and text) and the applicant is
    back at "Your details" of the same time to type the number again."""
    hold = _hold_for(reference)
    if not WrongNumberForm().validate_on_submit() or not hold.get("at"):
        return _unknown_reference()
    store.release_hold(reference, _client())
    session.pop(HOLD, None)
    step = {"office": hold["office"], "group": hold["group"], "at": hold["at"]}
    typed = hold.get("typed") if isinstance(hold.get("typed"), dict) else {}
    # Back at "Your details" with the name kept and the number there to be corrected.
    session[TYPED] = {**step, "name": typed.get("name", ""), "phone": typed.get("phone", ""), "refused": ""}
    return redirect(url_for("visits.details", **step), 303)


def _booked_page(booked, template: str = "visits/booked.html"):
    offices = {office.code: office for office in _offices()}
    names = _day_names()  # babel's: 0 = Monday
    closed = ", ".join(names[day - 1] for day in shared().get("closed_days", store.visit_closed_weekdays))
    return _page(
        template, visit=booked, office=offices.get(booked.office), group=_group(booked.group),
        day_names=names, closed_days=closed,
    )  # fmt: skip


@visits.get("/booked/<reference>/print")
def printable(reference: str):
    """The confirmation on a page of its own, to print or save: only for the browser that has just
    confirmed it (the reference alone is no key to anything)."""
    booked = store.booked_visit(reference) if session.get(BOOKED) == reference else None
    if booked is None:
        return _unknown_booking()
    return _booked_page(booked, "visits/print.html")


@visits.route("/cancel", methods=["GET", "POST"])
def cancel():
    form = CancelForm()
    if not form.validate_on_submit():
        return _page("visits/cancel.html", 400 if request.method == "POST" else 200, form=form)
    reference = form.reference.data
    try:
        store.request_cancellation(reference, _client())
    except store.VisitThrottled as exc:
        return _throttled(exc, url_for("visits.cancel"))
    except store.DomainError:
        form.reference.errors = [_not_cancellable()]
        return _page("visits/cancel.html", 400, form=form)
    return redirect(url_for("visits.cancel_code", reference=reference), 303)


@visits.route("/cancel/<reference>", methods=["GET", "POST"])
def cancel_code(reference: str):
    form = CodeForm()
    back_url = url_for("visits.cancel")
    if request.method == "GET":
        return _page(
            "visits/code.html", form=_code_form_again(), reference=reference, purpose="cancel", back_url=back_url
        )
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return _page("visits/code.html", 400, form=form, reference=reference, purpose="cancel", back_url=back_url)
        return _code_again(form)
    try:
        store.confirm_cancellation(reference, form.code.data, _client())
    except store.WrongCode as exc:
        if exc.tries_left <= 0:
            return _problem(
                400, _("No tries left"),
                _("The code was typed wrongly too many times. Ask for a new code to cancel the visit."),
                back_url, _("Ask for a new code"),
            )  # fmt: skip
        return _code_again(form, tries_left=exc.tries_left)
    except store.CodeExpired:
        return _problem(
            410, _("The code has expired"),
            _("The code was valid for 10 minutes. Ask for a new code; your visit is still booked."),
            back_url, _("Ask for a new code"),
        )  # fmt: skip
    except store.VisitThrottled as exc:
        return _throttled(exc, back_url)
    except store.DomainError:
        return _unknown_reference()
    _forget_cached_status()
    return _page("visits/cancelled.html", reference=reference)


def _forget_cached_status() -> None:
    """A logged-in applicant's status page shows their visit: after booking or cancelling one, its
    cached copy is out of date (the case's public_version does not change with a visit)."""
    if "sid" in session:
        current_app.extensions["okienko_pages"].drop_session(session["sid"])
