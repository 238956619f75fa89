"""What the browser tests share: Debian's chromium, a free port, and the portal served by its
production entry point (`python -m public_status serve`) in a child process."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


# Per language: what a person reads on the portal's pages to move on (booking, cancelling, logging in).
PAGE_TEXTS = {
    "pl": {"group": "Złożenie wniosku", "show": "Pokaż wolne dni", "name": "Imię i nazwisko",
           "phone": "Numer telefonu komórkowego", "send": "Wyślij mi kod", "code": "Kod z SMS-a",
           "confirm": "Potwierdź wizytę", "booked": "Wizyta zarezerwowana", "reference": "Numer rezerwacji",
           "cancel": "Odwołaj wizytę", "number": "Numer sprawy", "password": "Hasło", "login": "Zaloguj"},
    "en": {"group": "Filing an application", "show": "Show free days", "name": "First name and surname",
           "phone": "Mobile phone number", "send": "Send me the code", "code": "Code from the SMS",
           "confirm": "Confirm the visit", "booked": "Visit booked", "reference": "Booking reference",
           "cancel": "Cancel the visit", "number": "Case number", "password": "Password", "login": "Log in"},
    "ru": {"group": "Подача заявления", "show": "Показать свободные дни", "name": "Имя и фамилия",
           "phone": "Номер мобильного телефона", "send": "Отправить мне код", "code": "Код из SMS",
           "confirm": "Подтвердить визит", "booked": "Визит забронирован", "reference": "Номер бронирования",
           "cancel": "Отменить визит", "number": "Номер дела", "password": "Пароль", "login": "Войти"},
    "uk": {"group": "Подання заяви", "show": "Показати вільні дні", "name": "Ім'я та прізвище",
           "phone": "Номер мобільного телефону", "send": "Надіслати мені код", "code": "Код із SMS",
           "confirm": "Підтвердити візит", "booked": "Візит заброньовано", "reference": "Номер бронювання",
           "cancel": "Скасувати візит", "number": "Номер справи", "password": "Пароль", "login": "Увійти"},
}  # fmt: skip


def need_chromium() -> None:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Debian's chromium is missing on CI (.ci/run installs it)")
        pytest.skip("chromium not installed (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_portal(db_url: str, **env: str) -> Iterator[int]:
    """The portal in demo mode on a free port (yielded) until the block ends."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "public_status", "serve", "--demo", "--port", str(port)],
                            env={**os.environ, "OKIENKO_DB": db_url, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    proc.kill()
                    raise AssertionError(f"portal did not start: {proc.stdout.read()}") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Debian's chromium, driven by Playwright until the block ends."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def phone_page(browser, **page_options: object) -> Iterator[object]:
    """A page the size of a 360-px phone, JavaScript off (the portal needs none), in a context of its own:
    no cookie, cache or history of another test's page."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, java_script_enabled=False, **page_options)
    try:
        yield context.new_page()
    finally:
        context.close()


@contextlib.contextmanager
def phone_browser(**page_options: object) -> Iterator[object]:
    """A phone's page in a chromium of its own."""
    with chromium() as browser, phone_page(browser, **page_options) as page:
        yield page


def log_in_as_applicant(page, server: str, number: str, password: str, lang: str) -> None:
    """Log in on the start page, its fields and button found by their labels in `lang` (the
    page's language), and wait for the status page."""
    text = PAGE_TEXTS[lang]
    page.goto(server + "/")
    page.get_by_label(text["number"]).fill(number)
    page.get_by_label(text["password"]).fill(password)
    page.get_by_role("button", name=text["login"]).click()
    page.wait_for_url("**/status")


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"visit-{name}.png"), full_page=True)


def to_details(page, server: str, lang: str = "pl") -> None:
    """Gdańsk, filing, the first free day and time in `lang`: the booking's "your details" step.
    Choices are picked by their inputs' values (the labels are tested elsewhere)."""
    page.goto(f"{server}/lang/{lang}?next=/visit")
    page.locator("input[value=GDA]").check()
    page.locator("input[value=filing]").check()
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/visit/days?**")
    if page.locator("table.days tr.free a").count() == 0:
        page.locator('nav.months a[rel="next"]').click()
    page.locator("table.days tr.free a").first.click()
    page.wait_for_url("**/visit/times?**")
    page.locator("ul.times a").first.click()
    page.wait_for_url("**/visit/details?**")


def to_code(page, server: str, name: str, phone: str) -> str:
    """The Polish booking up to the code page with `name` and `phone`; returns the reference."""
    to_details(page, server)
    page.get_by_label("Imię i nazwisko").fill(name)
    page.get_by_label("Numer telefonu komórkowego").fill(phone)
    page.get_by_role("button", name="Wyślij mi kod").click()
    page.wait_for_url("**/visit/code/**")
    return page.url.rsplit("/", 1)[1]
