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
from storage import demo

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


def test_applicant_flow_in_chromium_on_the_demo_store(server, store):
    _need_chromium()
    from playwright.sync_api import sync_playwright

    summary = demo.build_demo(case_count=16)  # the store `make demo` builds, smaller
    expected_pl = storage.check_applicant(summary.sample_number, summary.sample_password, "pl")
    expected_uk = storage.public_view(expected_pl.number, expected_pl.credential_version, "uk")
    note = next(d.note for d in expected_pl.deficiencies if d.note)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 780}, locale="pl-PL", java_script_enabled=False)
        page.goto(server + "/")
        page.get_by_label("Numer sprawy").fill(summary.sample_number)
        page.get_by_label("Hasło").fill(summary.sample_password.lower())
        page.get_by_role("button", name="Zaloguj").click()
        page.wait_for_url("**/status")
        assert page.locator("#stage-label").inner_text() == expected_pl.stage_label
        note_text = page.get_by_text(note).first
        assert not note_text.is_visible()
        page.locator("details", has_text=note).locator("summary").first.click()
        assert note_text.is_visible()
        # fits a 360-px phone: nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(ARTIFACTS / "portal-status-pl.png"), full_page=True)
        page.get_by_role("link", name="Українська").click()
        page.wait_for_url("**/status")
        assert page.locator("#stage-label").inner_text() == expected_uk.stage_label
        assert page.locator("html").get_attribute("lang") == "uk"
        page.screenshot(path=str(ARTIFACTS / "portal-status-uk.png"), full_page=True)
        page.get_by_role("button", name="Вийти").click()
        page.wait_for_url(server + "/")
        assert "Ви вийшли з системи." in page.content()
        page.goto(server + "/status")
        assert page.url == server + "/"
        browser.close()
