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
def phone_browser(**page_options: object) -> Iterator[object]:
    """A Playwright page in Debian's chromium the size of a 360-px phone, JavaScript off (the
    portal needs none)."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 360, "height": 780}, java_script_enabled=False, **page_options)
        finally:
            browser.close()


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
