"""The portal in a real browser: Debian's chromium driven by Playwright, against the production server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import storage
from tests.conftest import CLERK, register

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Debian's chromium is missing on CI (.ci/run installs it)")
        pytest.skip("chromium not installed (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(store):
    port = _free_port()
    env = {**os.environ, "OKIENKO_DB": store.url}
    proc = subprocess.Popen([sys.executable, "-m", "public_status", "serve", "--demo", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise AssertionError(f"portal did not start: {proc.stdout.read()}") from None
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def test_applicant_flow_in_chromium(server, store):
    _need_chromium()
    from playwright.sync_api import sync_playwright

    filing = register(missing=["photos"], language="uk")
    storage.set_stage(filing.number, "missing_documents", clerk=CLERK)
    storage.add_deficiency(filing.number, clerk=CLERK, kind="flat_title", note="Umowa najmu na cały okres pobytu.")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 780}, locale="pl-PL", java_script_enabled=False)
        page.goto(server + "/")
        page.get_by_label("Numer sprawy").fill(filing.display_number)
        page.get_by_label("Hasło").fill(filing.password.lower())
        page.get_by_role("button", name="Zaloguj").click()
        page.wait_for_url("**/status")
        assert page.locator("#stage-label").inner_text() == "Czekamy na brakujące dokumenty"
        note = page.get_by_text("Umowa najmu na cały okres pobytu.")
        assert not note.is_visible()
        page.locator("summary").first.click()
        assert note.is_visible()
        # fits a 360-px phone: nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(ARTIFACTS / "portal-status-pl.png"), full_page=True)
        page.get_by_role("link", name="Українська").click()
        page.wait_for_url("**/status")
        assert page.locator("#stage-label").inner_text() == "Очікуємо відсутні документи"
        assert page.locator("html").get_attribute("lang") == "uk"
        page.screenshot(path=str(ARTIFACTS / "portal-status-uk.png"), full_page=True)
        page.get_by_role("button", name="Вийти").click()
        page.wait_for_url(server + "/")
        assert "Ви вийшли з системи." in page.content()
        page.goto(server + "/status")
        assert page.url == server + "/"
        browser.close()
