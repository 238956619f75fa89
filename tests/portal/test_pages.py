"""Every page of the portal, in every language, and what a logged-in applicant sees."""

from __future__ import annotations

import pytest
from markupsafe import escape

import storage
from tests.helpers import CLERK, register

LANGS = ["pl", "en", "ru", "uk"]
SECURITY_HEADERS = {
    "Content-Security-Policy": ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"],
    "Strict-Transport-Security": ["max-age="],
    "X-Content-Type-Options": ["nosniff"],
    "Referrer-Policy": ["no-referrer"],
}


def assert_security_headers(response) -> None:
    for name, parts in SECURITY_HEADERS.items():
        for part in parts:
            assert part in response.headers.get(name, ""), (name, part)


@pytest.fixture
def case_with_everything(store):
    filing = register(missing=["photos"], language="uk")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    storage.set_stage(filing.number, "missing_documents", clerk=CLERK)
    storage.add_deficiency(filing.number, clerk=CLERK, kind="flat_title", note="Umowa najmu na cały okres pobytu.")
    return filing


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("pl", "Sprawdź swoją sprawę"),
        ("en", "Check your case"),
        ("ru", "Проверьте своё дело"),
        ("uk", "Перевірте свою справу"),
    ],
)
def test_home_in_each_language_by_accept_language(portal, lang, heading):
    response = portal.get("/", headers={"Accept-Language": f"{lang},en;q=0.5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and heading in html and f'<html lang="{lang}">' in html
    assert 'name="case_number"' in html and 'name="password"' in html and 'name="csrf_token"' in html
    assert '<label for="case_number">' in html and '<label for="password">' in html
    assert "<script" not in html
    assert_security_headers(response)


def test_default_language_is_polish_and_an_explicit_choice_wins(portal):
    assert '<html lang="pl">' in portal.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    switched = portal.get("/lang/ru?next=/stages")
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/stages")
    cookie = switched.headers["Set-Cookie"]
    assert "lang=ru" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    html = portal.get("/", headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert '<html lang="ru">' in html


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_language_switch_is_no_open_redirect(portal, target):
    response = portal.get(f"/lang/en?next={target}")
    assert response.headers["Location"] in ("/", "https://portal.test/")


def test_status_page_shows_the_case_in_the_chosen_language(portal, case_with_everything):
    filing = case_with_everything
    response = portal.login(filing.display_number, filing.password, lang="uk")
    assert response.status_code == 303 and response.headers["Location"].endswith("/status")
    page = portal.get("/status")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert_security_headers(page)
    assert filing.display_number in html
    assert "Очікуємо відсутні документи" in html  # current stage, in Ukrainian
    assert "У справі бракує документів" in html  # its explanation
    assert "Актуальні фотографії 35×45 мм" in html and "Право на житло" in html
    assert "<details>" in html and "Докладніше" in html and "Umowa najmu na cały okres pobytu." in html
    assert html.count("<li><time") == 3  # filed, formal check, missing documents
    assert "поштою" in html and "SMS" in html  # summons by post; no payment by SMS
    assert 'action="/logout"' in html and 'method="post"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_stages_and_contact_pages(portal, lang):
    portal.get(f"/lang/{lang}")
    stages_html = portal.get("/stages").get_data(as_text=True)
    for stage in storage.stages():
        assert escape(stage.label[lang]) in stages_html and escape(stage.explanation[lang]) in stages_html
    contact = portal.get("/contact").get_data(as_text=True)
    assert "ul. Okopowa 21/27" in contact and "Słupsk" in contact and "11:00–18:00" in contact
    monday = {"pl": "poniedziałek", "en": "Monday", "ru": "понедельник", "uk": "понеділок"}[lang]
    assert monday in contact


@pytest.mark.in_process_portal("takes the database away from the app in this process")
def test_unknown_page_and_a_database_outage_are_plain_messages(portal, store):
    assert "Nie ma takiej strony" in portal.get("/nope").get_data(as_text=True)
    storage.open_database("postgresql://nobody@127.0.0.1:1/gone")
    try:
        response = portal.get("/stages")
        assert response.status_code == 503 and "Traceback" not in response.get_data(as_text=True)
    finally:
        storage.open_database(store.url)


def test_no_personal_data_in_any_response(portal, store):
    name_token, surname_token, phone = "Qzxname", "Wvysurname", "+48 604 987 321"
    filing = register(applicant_name=f"{name_token} {surname_token}", phone=phone, missing=["photos"])
    storage.set_stage(filing.number, "missing_documents", clerk=CLERK)
    storage.add_deficiency(filing.number, clerk=CLERK, kind="flat_title", note="Uwaga.")
    secrets = [name_token, surname_token, "604987321", "604 987 321", "+48604987321", "Anna Nowak", CLERK]
    bodies = []
    for lang in LANGS:
        portal.get(f"/lang/{lang}")
        bodies += [portal.get(p) for p in ("/", "/stages", "/contact", "/nope")]
        bodies.append(portal.login(filing.number, "WRONG-WRONG-WRON"))
        bodies.append(portal.login(filing.number, filing.password))
        bodies.append(portal.get("/status"))
        bodies.append(portal.logout())
        bodies.append(portal.get("/"))
    for response in bodies:
        text = response.get_data(as_text=True) + str(response.headers)
        for secret in secrets:
            assert secret not in text, (secret, response.request.path)


def test_status_page_shows_every_change_at_once(portal, store):
    """Pages are kept per session, but any change the applicant can see re-renders them."""
    filing = register(missing=["photos"])
    portal.login(filing.number, filing.password)
    (photos,) = storage.case_detail(filing.number).deficiencies
    changes = [
        (lambda: storage.set_stage(filing.number, "formal_check", clerk=CLERK), "Sprawdzanie kompletności"),
        (
            lambda: storage.edit_deficiency_note(photos.id, "Jasne tło, bez cieni.", clerk=CLERK),
            "Jasne tło, bez cieni.",
        ),
        (
            lambda: storage.add_deficiency(filing.number, clerk=CLERK, free_text="Zaświadczenie ZUS"),
            "Zaświadczenie ZUS",
        ),
    ]
    assert "Wniosek złożony" in portal.get("/status").get_data(as_text=True)
    for change, visible in changes:
        assert visible not in portal.get("/status").get_data(as_text=True)
        change()
        assert visible in portal.get("/status").get_data(as_text=True)
    storage.resolve_deficiency(photos.id, clerk=CLERK)
    assert "Aktualne zdjęcia" not in portal.get("/status").get_data(as_text=True)
    other = type(portal)(portal.app, address="198.51.100.20")
    other.login(filing.number, filing.password)
    mine, theirs = portal.csrf("/status"), other.csrf("/status")
    assert mine != theirs  # each session gets its own page and token


@pytest.mark.parametrize(
    "raw_next",
    [
        "/%09/evil.example",
        "//evil.example",
        "%5C%5Cevil",
        "/%5Cevil.example",
        "/%0d%0aX",
        "/%0aSet-Cookie:x=1",
        "https://evil.example/",
        "http:/evil.example",
        "/%2F/evil.example",
        "/%E2%80%8B/evil.example",
        "/no-such-page",
        "/status?next=//evil.example",
    ],
)
@pytest.mark.in_process_portal("sends its raw query strings through the Flask test client itself")
def test_language_switch_goes_only_to_the_portals_own_pages(portal, raw_next):
    response = portal.client.get(
        f"/lang/en?next={raw_next}", base_url="https://portal.test", environ_base={"REMOTE_ADDR": "203.0.113.7"}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    # Only the path of an own page survives (a query string only on booking steps).
    assert "evil" not in location and location in ("/", "https://portal.test/", "/status", "https://portal.test/status")


@pytest.mark.parametrize("own", ["/", "/status", "/stages", "/contact"])
def test_language_switch_keeps_the_portals_own_pages(portal, own):
    response = portal.get(f"/lang/en?next={own}")
    assert response.status_code == 302 and response.headers["Location"] == own


def _assert_error_headers(response) -> None:
    assert response.headers["Cache-Control"] == "no-store"
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert name in response.headers, name


@pytest.mark.in_process_portal("nginx refuses an oversized form itself (its body limit) before the portal sees it")
def test_csrf_refusal_and_oversized_form_are_not_cached_and_carry_the_headers(portal, store):
    refused = portal.post("/login", data={"case_number": "x", "password": "y"})
    assert refused.status_code == 400
    _assert_error_headers(refused)
    huge = portal.post("/login", data={"case_number": "x" * 20_000, "password": "y", "csrf_token": portal.csrf()})
    assert huge.status_code == 413 and "Traceback" not in huge.get_data(as_text=True)
    _assert_error_headers(huge)
    assert "zbyt duży" in huge.get_data(as_text=True)


@pytest.mark.in_process_portal("takes the database away from the app in this process")
def test_database_outage_says_when_to_come_back(portal, store):
    storage.open_database("postgresql://nobody@127.0.0.1:1/gone")
    try:
        response = portal.get("/stages")
    finally:
        storage.open_database(store.url)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    _assert_error_headers(response)
