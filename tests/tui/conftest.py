"""Clerk-app fixtures: a settings object whose "printer" copies each PDF into a folder."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from textual.pilot import Pilot
from textual.widgets import Input

from counter_tui.app import OkienkoApp
from counter_tui.settings import CounterSettings
from tests.helpers import CLERK, CLERK_PASSWORD

SIZE = (130, 45)


class Printer:
    """The print command `cp {file} DIR/`: every job lands in DIR as the spooler would get it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def jobs(self) -> list[Path]:
        return sorted(self.directory.glob("*.pdf"), key=lambda p: p.stat().st_mtime_ns)

    def texts(self) -> list[str]:
        return [pdf_text(p.read_bytes()) for p in self.jobs()]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def printer(tmp_path) -> Printer:
    directory = tmp_path / "printed"
    directory.mkdir()
    return Printer(directory)


@pytest.fixture
def settings(printer, tmp_path) -> CounterSettings:
    return CounterSettings(
        printer="test",
        print_command=f"cp {{file}} {printer.directory}/",
        portal_url="https://okienko.example/status",
        save_dir=tmp_path / "saved",
    )


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch) -> None:
    """A text cursor that does not blink: a blinking one is drawn or not depending on how long a
    loaded machine took between the last key and the picture, and a snapshot then differs by it."""
    from textual.widgets import Input

    monkeypatch.setattr(Input.cursor_blink, "_default", False)


@pytest.fixture
def app(store, settings) -> OkienkoApp:
    return recording_notices(OkienkoApp(settings))


def recording_notices(app: OkienkoApp) -> OkienkoApp:
    """Keep every notification's text: a toast expires after a few seconds, and on a busy machine
    the first had gone from `app._notifications` before a test read it."""
    app.notices_said = []
    shown = app.notify

    def notify(message: str, **options) -> None:
        app.notices_said.append(str(message))
        shown(message, **options)

    app.notify = notify
    return app


def said(app: OkienkoApp) -> list[str]:
    """Every notification the app has shown so far, expired or not, oldest first."""
    return list(app.notices_said)


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and the messages they posted be handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    for ch in text:
        await pilot.press({" ": "space"}.get(ch, ch) if len(ch) == 1 and ch.isascii() else ch)


async def log_in(pilot: Pilot, login: str = CLERK, password: str = CLERK_PASSWORD) -> None:
    await settle(pilot)
    await type_text(pilot, login)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await settle(pilot)


def screen_input(pilot: Pilot, selector: str) -> Input:
    return pilot.app.screen.query_one(selector, Input)


@pytest.fixture(params=["sqlite"])
def store(request, tmp_path, monkeypatch):
    """Clerk-app tests run on SQLite; a test widens this with an indirect parametrisation."""
    from tests.helpers import open_store

    yield from open_store(request.param, request, tmp_path, monkeypatch)


@pytest.fixture(autouse=True)
def crash_logs(tmp_path, monkeypatch) -> Path:
    """A test whose app crashes leaves its crash log here, not in the user's ~/.local/state."""
    directory = tmp_path / "crash-logs"
    monkeypatch.setenv("OKIENKO_LOG_DIR", str(directory))
    return directory
