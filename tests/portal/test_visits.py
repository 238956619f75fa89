"""Booking a visit through the portal: every page in every language, the whole flow with the code
read from the SMS outbox, wrong and expired codes, a time taken meanwhile, the throttle, CSRF, and
the logged-in applicant's visit and card collection on the status page."""

from __future__ import annotations

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_time

import storage
from public_status.short_cache import TTL_S as SHARED_FOR_S
from storage import portal as store
from tests.helpers import CLERK, register
from tests.portal.test_pages import assert_security_headers
from tests.portal.visit_helpers import (
    CSRF,
    GROUP,
    NAME,
    OFFICE,
    PHONE,
    ask_for_code,
    code_path,
    confirm,
    expire_code,
    first_time_link,
    request_code,
    sms_code,
    unescape,
    visit_count,
    visit_state,
    visit_texts,
)

LANGS = ["pl", "en", "ru", "uk"]
HEADINGS = {  # the start, days, times, details and cancel pages' headings
    "pl": ["Umów wizytę", "Wybierz dzień", "Wybierz godzinę", "Twoje dane", "Odwołaj wizytę"],
    "en": ["Book a visit", "Choose a day", "Choose a time", "Your details", "Cancel a visit"],
    "ru": ["Записаться на визит", "Выберите день", "Выберите время", "Ваши данные", "Отменить визит"],
    "uk": ["Записатися на візит", "Виберіть день", "Виберіть час", "Ваші дані", "Скасувати візит"],
}
BOOKED = {"pl": "Wizyta zarezerwowana", "en": "Visit booked", "ru": "Визит забронирован", "uk": "Візит заброньовано"}
WARSAW = ZoneInfo("Europe/Warsaw")


def assert_booking_answer(response, lang: str) -> str:
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert "<script" not in html
    assert response.headers["Cache-Control"] == "no-store"
    assert_security_headers(response)
    return html


def start_time(link: str) -> dt.datetime:
    at = re.search(r"at=([0-9T:\-]+Z)", link)[1]
    return dt.datetime.strptime(at, "%Y-%m-%dT%H:%MZ").replace(tzinfo=dt.UTC)


@pytest.mark.parametrize("lang", LANGS)
def test_every_booking_page_in_each_language(portal, lang):
    portal.get(f"/lang/{lang}")
    start, days_h, times_h, details_h, cancel_h = HEADINGS[lang]
    html = assert_booking_answer(portal.get("/visit"), lang)
    assert f"<h1>{start}</h1>" in html and 'name="office"' in html and 'name="group"' in html
    for group in store.visit_groups():
        assert group.labels[lang] in html
    html = assert_booking_answer(portal.get(f"/visit/days?office={OFFICE}&group={GROUP}"), lang)
    assert f"<h1>{days_h}</h1>" in html and '<table class="days">' in html
    link = first_time_link(portal)
    times_path = link.replace("/visit/details", "/visit/times").split("&at=")[0]
    day = start_time(link).astimezone(WARSAW).date()
    html = assert_booking_answer(portal.get(f"{times_path}&day={day.isoformat()}"), lang)
    assert f"<h1>{times_h}</h1>" in html
    html = assert_booking_answer(portal.get(link), lang)
    assert f"<h1>{details_h}</h1>" in html
    assert 'name="name"' in html and 'name="phone"' in html and 'name="csrf_token"' in html
    assert 'autocomplete="tel"' in html and 'type="tel"' in html
    assert format_time(start_time(link).astimezone(WARSAW).time(), "short", locale=lang) in html
    html = assert_booking_answer(portal.get("/visit/cancel"), lang)
    assert f"<h1>{cancel_h}</h1>" in html and 'name="reference"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_a_visit_is_booked_with_the_code_from_the_sms(portal, lang):
    portal.get(f"/lang/{lang}")
    link = first_time_link(portal)
    asked = request_code(portal, link)
    assert asked.status_code == 303
    path = code_path(asked)
    assert re.fullmatch(r"/visit/code/[A-Z0-9-]+", path)
    reference = path.rsplit("/", 1)[1]
    assert visit_state(reference) == "held"
    page = portal.get(path)
    html = assert_booking_answer(page, lang)
    done = confirm(portal, path, sms_code(reference))
    html = assert_booking_answer(done, lang)
    assert done.status_code == 200 and BOOKED[lang] in html
    assert reference in html
    local = start_time(link).astimezone(WARSAW)
    assert format_time(local.time(), "short", locale=lang) in html
    office = next(o for o in store.offices() if o.code == OFFICE)
    assert office.address in html
    filing_documents = {d.label[lang] for g in store.case_type_guides() for d in g.documents}
    assert any(label in html for label in filing_documents), "what to bring lists the case types' documents"
    assert "/visit/cancel" in html
    assert visit_state(reference) == "booked"
    # Never shown back after the form, never in a URL.
    for answer in (asked, page, done):
        text = answer.get_data(as_text=True) + str(answer.headers)
        # The whole number in any spelling (a bare "501" may turn up by chance in a random token).
        for shown in (NAME, "Kowalczuk", "501 234 567", "501234567", "501-234-567"):
            assert shown not in text


def test_the_form_names_the_field_and_the_rule(portal):
    portal.get("/lang/en")
    link = first_time_link(portal)
    answer = request_code(portal, link, name="  ", phone="+48 58 307 74 27")  # a landline
    # Post/Redirect/Get: back to the step, whose GET shows the errors once.
    assert answer.status_code == 303 and unescape(answer.headers["Location"]).endswith(link)
    answer = portal.get(link)
    html = answer.get_data(as_text=True)
    assert answer.headers["Cache-Control"] == "no-store"
    assert "First name and surname: Enter the first name and surname" in html
    assert "Mobile phone number: This is not a mobile number" in html
    assert 'aria-invalid="true"' in html
    request_code(portal, link, name="Jan Nowak", phone="12")
    answer = portal.get(link)
    assert "Mobile phone number: This is not a phone number" in answer.get_data(as_text=True) or (
        "Mobile phone number: This number does not exist" in answer.get_data(as_text=True)
    )
    assert visit_count() == 0


def test_a_wrong_code_says_how_many_tries_are_left_and_the_last_one_releases_the_seat(portal):
    portal.get("/lang/en")
    link = first_time_link(portal)
    path, reference = ask_for_code(portal, link)
    right = sms_code(reference)
    wrong = "000000" if right != "000000" else "111111"
    answer = confirm(portal, path, wrong)
    assert answer.status_code == 303  # Post/Redirect/Get: a reload never sends the wrong code again
    html = portal.get(path).get_data(as_text=True)
    assert "This code is not correct. Tries left: 2." in html
    assert "Code from the SMS: This code is not correct" in html
    confirm(portal, path, wrong)
    assert "Tries left: 1." in portal.get(path).get_data(as_text=True)
    last = confirm(portal, path, wrong)
    html = last.get_data(as_text=True)
    assert last.status_code == 400 and "No tries left" in html
    assert "/visit/times?" in html  # back to the times of that day
    assert visit_state(reference) not in ("held", "booked")
    assert confirm(portal, path, right).status_code != 200


def test_an_expired_code_releases_the_seat_and_says_so(portal):
    portal.get("/lang/pl")
    link = first_time_link(portal)
    path, reference = ask_for_code(portal, link)
    code = sms_code(reference)
    expire_code(reference)
    answer = confirm(portal, path, code)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 410 and "Kod jest już nieważny: minęło 10 minut" in html
    day = start_time(link).astimezone(WARSAW).date().isoformat()
    assert f"day={day}" in html and "/visit/times?" in html
    assert visit_state(reference) not in ("held", "booked")


def test_a_time_taken_meanwhile_sends_back_to_the_times(portal):
    """One desk (EU registration in Gdańsk): someone else books the time between the list and the form."""
    portal.get("/lang/en")
    link = first_time_link(portal, group="eu_registration")
    token = CSRF.search(portal.get(link).get_data(as_text=True))[1]
    held = store.request_visit(OFFICE, "eu_registration", start_time(link).replace(tzinfo=None), "Other Person",
                               "+48 600 100 200", "pl", "198.51.100.9")  # fmt: skip
    store.confirm_visit(held.reference, sms_code(held.reference), "198.51.100.9")
    answer = portal.post(link, data={"csrf_token": token, "name": NAME, "phone": PHONE})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "This time is no longer free" in html
    day = start_time(link).astimezone(WARSAW).date().isoformat()
    assert unescape(f"/visit/times?office={OFFICE}&amp;group=eu_registration&amp;day={day}") in unescape(html)
    assert answer.headers["Cache-Control"] == "no-store"
    assert NAME not in html


def test_code_requests_from_one_address_are_throttled_before_any_sms(portal):
    portal.get("/lang/en")
    answers = []
    for i in range(40):
        # An employer's group (one phone may book many), each time a free time: a full one is
        # answered "no longer free" from a plain read and counts nothing.
        link = first_time_link(portal, group="work_permit")
        answer = request_code(portal, link, phone=f"+48 502 000 {i:03d}")
        answers.append(answer.status_code)
        if answer.status_code == 429:
            break
    assert answers[-1] == 429, answers
    assert int(answer.headers["Retry-After"]) > 0
    html = answer.get_data(as_text=True)
    assert "Please try again in" in html and answer.headers["Cache-Control"] == "no-store"
    assert visit_texts() == answers.count(303)  # the refused request queued no text


def test_the_details_form_needs_its_csrf_token(portal):
    link = first_time_link(portal)
    answer = portal.post(link, data={"name": NAME, "phone": PHONE})
    assert answer.status_code == 400 and answer.headers["Cache-Control"] == "no-store"
    assert visit_count() == 0
    path = code_path(request_code(portal, link))
    assert portal.post(path, data={"code": sms_code(path.rsplit("/", 1)[1])}).status_code == 400
    assert visit_state(path.rsplit("/", 1)[1]) == "held"


def test_a_visit_is_cancelled_with_its_reference_and_a_new_code(portal):
    portal.get("/lang/uk")
    path, reference = ask_for_code(portal)
    first_code = sms_code(reference)
    assert confirm(portal, path, first_code).status_code == 200
    token = CSRF.search(portal.get("/visit/cancel").get_data(as_text=True))[1]
    asked = portal.post("/visit/cancel", data={"csrf_token": token, "reference": reference.lower()})
    assert asked.status_code == 303 and code_path(asked) == f"/visit/cancel/{reference}"
    wrong = confirm(portal, f"/visit/cancel/{reference}", "999999" if sms_code(reference) != "999999" else "888888")
    assert wrong.status_code == 303
    assert "Залишилося спроб: 2." in portal.get(f"/visit/cancel/{reference}").get_data(as_text=True)
    done = confirm(portal, f"/visit/cancel/{reference}", sms_code(reference))
    html = assert_booking_answer(done, "uk")
    assert done.status_code == 200 and "Візит скасовано" in html
    assert visit_state(reference) == "cancelled"


def test_an_unknown_reference_cannot_be_cancelled(portal):
    portal.get("/lang/en")
    token = CSRF.search(portal.get("/visit/cancel").get_data(as_text=True))[1]
    answer = portal.post("/visit/cancel", data={"csrf_token": token, "reference": "GDA-ZZZZZZ"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "Booking reference: Check the reference in your SMS" in html
    answer = portal.post("/visit/cancel", data={"csrf_token": token, "reference": "12"})
    assert "Booking reference: The reference looks like GDA-7K3M9Q" in answer.get_data(as_text=True)


@pytest.mark.in_process_portal("counts the entries of the app's status page cache")
def test_booking_pages_are_never_served_from_the_status_page_cache(portal):
    filing = register()
    portal.login(filing.display_number, filing.password, lang="en")
    assert portal.get("/status").status_code == 200
    pages = portal.app.extensions["okienko_pages"]
    cached = len(pages._pages)
    link = first_time_link(portal)
    for path in ("/visit", "/visit/cancel", link):
        answer = portal.get(path)
        assert answer.headers["Cache-Control"] == "no-store"
        assert "Your case" not in answer.get_data(as_text=True)
    assert len(pages._pages) == cached


def _card_ready_case():
    filing = register(language="en")
    for stage in ("formal_check", "evidence_review", "decision_issued", "card_production", "card_ready"):
        storage.set_stage(filing.number, stage, clerk=CLERK)
    return filing


def test_status_page_offers_the_card_collection_and_then_shows_the_visit(portal):
    filing = _card_ready_case()
    portal.login(filing.display_number, filing.password, lang="en")
    html = portal.get("/status").get_data(as_text=True)
    assert "Your residence card is ready. Book a visit to collect it." in html
    link = unescape(re.search(r'href="(/visit/days\?[^"]+)"', html)[1])
    assert "group=card_collection" in link
    office = re.search(r"office=([A-Z]+)", link)[1]
    details = first_time_link(portal, office=office, group="card_collection")
    path, reference = ask_for_code(portal, details)
    assert confirm(portal, path, sms_code(reference)).status_code == 200
    visit = store.visit_of_case(filing.number)
    assert visit is not None and visit.reference == reference
    html = portal.get("/status").get_data(as_text=True)
    assert reference in html and "Your visit at the office" in html
    assert "Book the card collection" not in html
    local = start_time(details).astimezone(WARSAW)
    assert format_time(local.time(), "short", locale="en") in html


def test_no_card_collection_link_before_the_card_is_ready(portal):
    filing = register(language="en")
    portal.login(filing.display_number, filing.password, lang="en")
    html = portal.get("/status").get_data(as_text=True)
    assert "Book the card collection" not in html and "Your visit at the office" not in html


def test_guessing_references_to_cancel_is_refused_after_a_few_tries(portal):
    portal.get("/lang/en")
    token = CSRF.search(portal.get("/visit/cancel").get_data(as_text=True))[1]
    answers = [
        portal.post("/visit/cancel", data={"csrf_token": token, "reference": f"GDA-ZZZZ{a}{b}"}).status_code
        for a in "XYZ" for b in "2345679"
    ]  # fmt: skip
    assert answers[0] == 400 and answers[-1] == 429, answers


def test_changing_the_language_stays_on_the_same_booking_step(portal):
    portal.get("/lang/en")
    days = portal.get(f"/visit/days?office={OFFICE}&group={GROUP}").get_data(as_text=True)
    switch = re.search(r'href="(/lang/uk\?next=[^"]+)"', days)[1]
    answer = portal.get(unescape(switch))
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        f"/visit/days?office={OFFICE}&group={GROUP}"
    )
    again = portal.get(answer.headers["Location"])
    assert again.status_code == 200 and HEADINGS["uk"][1] in again.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        f"/visit/days?office={OFFICE}&group={GROUP}&month=9999-12",
        f"/visit/details?office={OFFICE}&group={GROUP}&at=9999-12-31T23:59Z",
        f"/visit/times?office={OFFICE}&group={GROUP}&day=0001-01-01",
    ],
)
def test_far_away_dates_in_hand_made_links_are_not_found(portal, path):
    assert portal.get(path).status_code == 404


def test_a_time_that_cannot_be_booked_says_so_before_the_form(portal):
    portal.get("/lang/en")
    link = first_time_link(portal)
    start = start_time(link)
    closed = (start + dt.timedelta(days=(2 - start.weekday()) % 7)).strftime("%Y-%m-%dT%H:%MZ")  # a Wednesday
    for at in (closed, (start + dt.timedelta(minutes=7)).strftime("%Y-%m-%dT%H:%MZ")):
        answer = portal.get(f"/visit/details?office={OFFICE}&group={GROUP}&at={at}")
        html = answer.get_data(as_text=True)
        assert answer.status_code == 404 and "This time cannot be booked" in html and 'name="phone"' not in html
    wednesday = (start.date() + dt.timedelta(days=(2 - start.weekday()) % 7)).isoformat()
    times = portal.get(f"/visit/times?office={OFFICE}&group={GROUP}&day={wednesday}").get_data(as_text=True)
    assert "Visits cannot be booked on this day" in times


def test_a_second_visit_the_same_day_is_named_to_the_owner_at_confirmation(portal):
    # Issue 17: the answer to "book for this number" no longer says that the number has a visit
    # that day (a stranger could ask about anyone's number); the owner, typing the code, is told.
    portal.get("/lang/en")
    link = first_time_link(portal)
    path = code_path(request_code(portal, link))
    assert confirm(portal, path, sms_code(path.rsplit("/", 1)[1])).status_code == 200
    other = same_day_links(portal, link)
    answer = request_code(portal, other[0])
    assert answer.status_code == 303
    second = code_path(answer)
    refused = confirm(portal, second, sms_code(second.rsplit("/", 1)[1]))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "already has a visit booked on this day" in html
    assert "has been released" in html and "Please check the number" not in html
    assert visit_state(second.rsplit("/", 1)[1]) == "expired"


def same_day_links(portal, link: str) -> list[str]:
    """The details links of the other free times on the day of `link`."""
    times = portal.get(link.replace("/visit/details", "/visit/times").split("&at=")[0] + "&day="
                       + start_time(link).astimezone(WARSAW).date().isoformat()).get_data(as_text=True)  # fmt: skip
    return [unescape(m) for m in re.findall(r'href="(/visit/details\?[^"]+)"', times) if unescape(m) != link]


def test_the_confirmation_shows_again_after_a_reload_or_a_language_change(portal):
    portal.get("/lang/en")
    path, reference = ask_for_code(portal)
    assert confirm(portal, path, sms_code(reference)).status_code == 200
    portal.get("/lang/pl")
    again = portal.get(path)
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and BOOKED["pl"] in html and reference in html and 'name="code"' not in html
    assert (
        "nie przyjmuje umówionych wizyt: środa" in html
    )  # the office's hours list Wednesday; visits are not booked then


def test_the_calendar_page_is_shared_per_language_and_never_carries_a_message(portal, portal_app):
    """When a day opens, the month's page is rendered once a second per language for everyone; a
    request with a message waiting gets a page of its own, and the message never reaches the shared one."""
    from tests.portal.conftest import Portal

    path = f"/visit/days?office={OFFICE}&group={GROUP}"
    readers = {lang: Portal(portal_app, address=f"203.0.113.{60 + i}") for i, lang in enumerate(LANGS)}
    for lang, reader in readers.items():
        reader.get(f"/lang/{lang}")
    pages = {lang: assert_booking_answer(reader.get(path), lang) for lang, reader in readers.items()}
    for lang, html in pages.items():
        assert f"<h1>{HEADINGS[lang][1]}</h1>" in html
        assert assert_booking_answer(readers[lang].get(path), lang) == html  # within the second: the same page

    waiting = Portal(portal_app, address="203.0.113.70")
    waiting.get("/lang/en")
    assert waiting.get("/status").status_code == 302  # logged out: "Please log in to see your case."
    own = assert_booking_answer(waiting.get(path), "en")
    message = "Please log in to see your case."
    assert message in own
    assert message not in assert_booking_answer(readers["en"].get(path), "en")
    assert message not in assert_booking_answer(waiting.get(path), "en")  # shown once, as always


def test_the_calendar_counts_a_booking_within_a_second(portal):
    path = f"/visit/days?office={OFFICE}&group={GROUP}"
    link = first_time_link(portal)
    day = start_time(link).astimezone(WARSAW).date()
    month_path = f"{path}&month={day:%Y-%m}"

    def free_on_day() -> int:
        html = portal.get(month_path).get_data(as_text=True)
        return int(re.search(rf'day={day.isoformat()}".*?<td>(\d+)</td>', html, re.S)[1])

    before = free_on_day()
    assert request_code(portal, link).status_code == 303  # a seat held
    time.sleep(SHARED_FOR_S + 0.05)
    assert free_on_day() == before - 1


@pytest.mark.in_process_portal(
    "counts the app's shared calendar entries and sends HEAD and raw query bytes through the test client"
)
def test_the_shared_calendar_cannot_be_planted_or_grown_by_odd_requests(portal, portal_app):
    """Found by an outside trial: a HEAD planted language links without the query for everyone, and
    every distinct query string made a new shared entry (memory without bound, the cache flushed)."""
    from tests.portal.conftest import Portal

    path = f"/visit/days?office={OFFICE}&group={GROUP}"
    portal.get("/lang/en")
    assert portal.client.head(path, base_url="https://portal.test").status_code == 200
    html = portal.get(path).get_data(as_text=True)
    assert "next=/visit/days?office%3DGDA%26group%3Dfiling" in html, re.findall(r'href="/lang/[^"]+"', html)

    shared = portal_app.extensions["okienko_short_cache"]
    entries = len(shared._values)
    for i in range(40):  # extra parameters and another order: served, never shared
        for odd in (f"{path}&x={i}", f"/visit/days?group={GROUP}&office={OFFICE}&x={i}"):
            answer = portal.get(odd)
            assert answer.status_code == 200
            assert f"x%3D{i}" in answer.get_data(as_text=True)  # its own links keep its own query
    assert len(shared._values) <= entries + 1 and len(shared._locks) <= entries + 2

    # A query that is not UTF-8 (only a hand-made request sends one) is refused with a page, not a 500.
    stranger = Portal(portal_app, address="203.0.113.80")
    # (WSGI carries the raw query as latin-1 text: "\xff" here is the byte 0xFF.)
    for query in (f"office={OFFICE}&group={GROUP}&x=\xff", "x=\xff"):
        answer = stranger.get("/visit/days", environ_overrides={"QUERY_STRING": query})
        assert answer.status_code == 400 and '<html lang="pl">' in answer.get_data(as_text=True)
    answer = stranger.get("/contact", environ_overrides={"QUERY_STRING": "x=\xff"})
    assert answer.status_code == 400 and answer.headers["Cache-Control"] == "no-store"


def test_a_hand_made_step_link_answers_with_the_start_page_or_not_found(portal):
    portal.get("/lang/en")
    for path in ("/visit/days?office=WAW&group=filing", "/visit/times?office=GDA&group=nope&day=2026-12-07",
                 "/visit/details?group=filing&at=2026-12-07T08:00"):  # fmt: skip
        answer = portal.get(path)
        assert answer.status_code == 400 and "Choose the " in answer.get_data(as_text=True), path
    for path in ("/visit/days?office=GDA&group=filing&month=2026-13", "/visit/times?office=GDA&group=filing&day=x",
                 "/visit/times?office=GDA&group=filing", "/visit/details?office=GDA&group=filing&at=soon"):  # fmt: skip
        assert portal.get(path).status_code == 404, path
    assert portal.get("/visit/days?office=GDA&group=filing").status_code == 200
