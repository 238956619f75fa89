"""Messages from the office on the status page: shown newest first, dated in Warsaw time, labelled
with their language, escaped; opening the page marks them read, also when it had been cached."""

from __future__ import annotations

import datetime as dt
import re

import peewee
import pytest
from babel.dates import format_date, format_time
from markupsafe import escape

import storage
from public_status.app import create_app
from public_status.settings import PortalSettings
from storage.clock import frozen
from storage.db import database, unit_of_work
from storage.models import OfficeMessage
from tests.helpers import CLERK, register
from tests.portal.conftest import SECRET, Portal
from tests.portal.test_public_role import public_role  # noqa: F401 - the fixture

LANGS = ["pl", "en", "ru", "uk"]
HEADING = {"pl": "Wiadomości z urzędu", "en": "Messages from the office", "ru": "Сообщения от ведомства",
           "uk": "Повідомлення від установи"}  # fmt: skip
BY_POST = {
    "pl": "Te wiadomości mają charakter wyłącznie informacyjny. Formalne wezwania zawsze przychodzą pocztą.",
    "en": "These messages are for information only. Formal summons are always sent by post.",
    "ru": "Эти сообщения носят только информационный характер. Официальные вызовы всегда приходят по почте.",
    "uk": "Ці повідомлення мають лише інформаційний характер. Офіційні виклики завжди надходять поштою.",
}
NONE_YET = {"pl": "Nie ma wiadomości z urzędu.", "en": "There are no messages from the office.",
            "ru": "Сообщений от ведомства нет.", "uk": "Повідомлень від установи немає."}  # fmt: skip
# The label a message gets on a page in another language: page language → message language → label.
LABEL = {
    "pl": {"en": "(po angielsku)", "ru": "(po rosyjsku)", "uk": "(po ukraińsku)"},
    "en": {"pl": "(in Polish)", "ru": "(in Russian)", "uk": "(in Ukrainian)"},
    "ru": {"pl": "(на польском)", "en": "(на английском)", "uk": "(на украинском)"},
    "uk": {"pl": "(польською)", "en": "(англійською)", "ru": "(російською)"},
}
TIME = re.compile(r'<time datetime="[^"]+">([^<]+)</time>')
MESSAGE = re.compile(r'<li class="message">(.*?)</li>', re.S)

# Written in November (CET, UTC+1): the page shows 09:05, 17:30 and 12:00, never the UTC times.
WRITTEN = [
    (dt.datetime(2026, 11, 20, 8, 5), "pl", "Prosimy o oryginał umowy najmu."),
    (dt.datetime(2026, 11, 21, 16, 30), "en", "Please bring the original lease."),
    (dt.datetime(2026, 11, 22, 11, 0), "uk", "Будь ласка, принесіть оригінал договору оренди."),
]


def _html(response) -> str:
    return response.get_data(as_text=True)


def _write(number: str, text: str, language: str = "pl", at: dt.datetime | None = None) -> None:
    if at is None:
        storage.write_message(number, clerk=CLERK, text=text, language=language)
        return
    with frozen(at):
        storage.write_message(number, clerk=CLERK, text=text, language=language)


def _read_times(number: str) -> list[dt.datetime | None]:
    with unit_of_work():
        return [
            m.read_at
            for m in OfficeMessage.select(OfficeMessage.read_at)
            .join(storage.models.Case)
            .where(storage.models.Case.number == number)
            .order_by(OfficeMessage.id)
        ]


@pytest.fixture
def case_with_messages(store):
    filing = register(language="uk")
    for at, language, text in WRITTEN:
        _write(filing.number, text, language, at)
    return filing


@pytest.mark.parametrize("lang", LANGS)
def test_messages_newest_first_dated_in_warsaw_and_labelled_by_language(portal, case_with_messages, lang):
    assert portal.login(case_with_messages.number, case_with_messages.password, lang=lang).status_code == 303
    html = _html(portal.get("/status"))
    assert f'<h2 id="messages-heading">{HEADING[lang]}</h2>' in html
    assert BY_POST[lang] in html and NONE_YET[lang] not in html
    items = MESSAGE.findall(html)
    assert len(items) == 3
    for item, (at, language, text) in zip(items, reversed(WRITTEN), strict=True):  # newest first
        assert str(escape(text)) in item
        warsaw = at + dt.timedelta(hours=1)
        (shown,) = TIME.findall(item)
        assert shown.startswith(format_date(warsaw.date(), "medium", locale=lang)), shown
        assert shown.endswith(format_time(warsaw.time(), "short", locale=lang)), shown
        assert format_time(at.time(), "short", locale=lang) not in shown  # not the stored UTC time
        labels = [label for label in LABEL[lang].values() if label in item]
        assert labels == ([] if language == lang else [LABEL[lang][language]]), (lang, language, item)


@pytest.mark.parametrize("lang", LANGS)
def test_a_case_without_messages_says_so_without_an_empty_list(portal, store, lang):
    filing = register()
    portal.login(filing.number, filing.password, lang=lang)
    html = _html(portal.get("/status"))
    assert NONE_YET[lang] in html and '<li class="message">' not in html and BY_POST[lang] not in html


def test_a_message_is_shown_as_text_with_its_line_breaks(portal, store):
    filing = register(language="en")
    _write(filing.number, "<script>alert('x')</script> & <b>bold</b>\nSecond line", "en")
    portal.login(filing.number, filing.password, lang="en")
    html = _html(portal.get("/status"))
    assert "<script" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;\nSecond line" in html


def test_opening_the_status_page_marks_the_messages_read(portal, store):
    filing = register()
    _write(filing.number, "Pierwsza wiadomość.")
    portal.login(filing.number, filing.password)
    assert _read_times(filing.number) == [None]  # logging in is not reading
    assert portal.get("/stages").status_code == 200
    assert _read_times(filing.number) == [None]  # nor is another page
    assert "Pierwsza wiadomość." in _html(portal.get("/status"))
    (first_read,) = _read_times(filing.number)
    assert first_read is not None

    # A later view leaves the first reading time as it was.
    assert portal.get("/status").status_code == 200
    assert _read_times(filing.number) == [first_read]


@pytest.mark.in_process_portal("reads the app's page cache")
def test_a_message_written_while_the_page_was_cached_is_marked_read_when_seen(portal_app, store):
    portal = Portal(portal_app)
    filing = register()
    portal.login(filing.number, filing.password)
    first = _html(portal.get("/status"))
    assert first == _html(portal.get("/status"))  # the cached copy
    cache = portal_app.extensions["okienko_pages"]
    assert len(cache._pages) == 1

    _write(filing.number, "Nowa wiadomość po zapisaniu strony.")
    assert _read_times(filing.number) == [None]
    page = _html(portal.get("/status"))
    assert "Nowa wiadomość po zapisaniu strony." in page
    (read_at,) = _read_times(filing.number)
    assert read_at is not None
    # …and the page with the message is what the cache serves from now on.
    assert _html(portal.get("/status")) == page


def test_a_session_of_a_replaced_password_marks_nothing(portal, store):
    filing = register()
    portal.login(filing.number, filing.password)
    _write(filing.number, "Wiadomość.")
    storage.reissue_password(filing.number, clerk=CLERK)
    assert portal.get("/status").status_code == 302
    assert _read_times(filing.number) == [None]


def test_no_status_page_names_the_applicant_or_the_writing_clerk(portal, store):
    name_token, surname_token, phone = "Qzxname", "Wvysurname", "+48 604 987 321"
    filing = register(applicant_name=f"{name_token} {surname_token}", phone=phone, language="ru",
                      email="qzx.wvy@example.com")  # fmt: skip
    storage.write_message(filing.number, clerk=CLERK, template="fingerprints", values={"date": "2099-01-15",
                                                                                       "office": "GDA"})  # fmt: skip
    _write(filing.number, "Prosimy o kontakt z urzędem.")
    secrets = [name_token, surname_token, "604987321", "604 987 321", "+48604987321", "Anna Nowak", CLERK, "qzx.wvy"]
    for lang in LANGS:
        portal.login(filing.number, filing.password, lang=lang)
        html = _html(portal.get("/status"))
        assert len(MESSAGE.findall(html)) == 2
        for secret in secrets:
            assert secret not in html, (lang, secret)
        portal.logout()


@pytest.mark.parametrize("store", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_the_public_role_reads_and_marks_messages_and_nothing_more(store, public_role):  # noqa: F811
    role, role_url = public_role
    filing = register(applicant_name="Secret Applicant", phone="+48 604 111 222")
    _write(filing.number, "Prosimy o oryginał paszportu.")

    storage.open_database(role_url)
    portal = Portal(create_app(PortalSettings(secret_key=SECRET)))
    assert portal.login(filing.number, filing.password).status_code == 303
    assert "Prosimy o oryginał paszportu." in _html(portal.get("/status"))
    (read_at,) = _read_times(filing.number)
    assert read_at is not None

    refused = [
        "SELECT applicant_name FROM case_file",
        "SELECT phone FROM case_file",
        "SELECT email FROM case_file",
        "SELECT * FROM mail_outbox",
        "SELECT * FROM office_message",
        "SELECT clerk_id FROM office_message",
        "SELECT template_id FROM office_message",
        "SELECT login, full_name FROM clerk",
        "UPDATE office_message SET body = 'changed'",
        "UPDATE office_message SET created_at = now()",
        "DELETE FROM office_message",
        "INSERT INTO office_message (case_id, clerk_id, language, body, created_at) VALUES (1, 1, 'pl', 'x', now())",
    ]
    with unit_of_work():
        for sql in refused:
            with pytest.raises(peewee.ProgrammingError, match="permission denied"), database.atomic():
                database.execute_sql(sql)
        (who,) = database.execute_sql("SELECT current_user").fetchone()
    assert who == role
