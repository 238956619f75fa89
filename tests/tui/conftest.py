"""Clerk-app fixtures: a settings object whose "printer" copies each PDF into a folder."""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from pypdf import PdfReader
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select
from textual.worker import WorkerCancelled

from counter_tui.app import OkienkoApp
from counter_tui.screens.case_detail import CaseDetailScreen
from counter_tui.settings import CounterSettings
from tests.helpers import CLERK, CLERK_PASSWORD
from tests.tui.terminal import Terminal, demo_desk

SIZE = (130, 45)
# A clerk-app test that runs on SQLite and again on PostgreSQL.
BOTH = pytest.mark.parametrize(
    "store", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


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
    loaded machine took between the last key and the picture, and a snapshot then differs by it.
    Both kinds of text field: a TextArea's blink also switches its cursor line's highlight (a CI
    picture of the note field differed by that alone)."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input.cursor_blink, "_default", False)
    monkeypatch.setattr(TextArea.cursor_blink, "_default", False)


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
    """Let every worker finish and the messages they posted be handled. A worker cancelled by a
    newer one of its exclusive group (a timer's refresh overtaking the last) is the app's normal
    flow, not a failure; a worker that raised still fails the test."""
    for _ in range(3):
        for worker in list(pilot.app.workers):
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        await pilot.pause()


async def until(pilot: Pilot, condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    """Wait for a state the app reaches on its own (a timer's refresh), never for a fixed time."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout} s: {what}")
        await pilot.pause(0.05)
        await settle(pilot)


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


ScreenT = TypeVar("ScreenT", bound=Screen)


def text_of(app: OkienkoApp, selector: str) -> str:
    """What the widget `selector` on the top screen draws, as text."""
    return str(app.screen.query_one(selector).render())


async def press(pilot: Pilot, *keys: str) -> None:
    """Press the keys one at a time, each one's work settled before the next (a clerk who looks
    at the screen between keys; a test of keys typed ahead presses them with `pilot.press`)."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def press_at_once(pilot: Pilot, *keys: str) -> None:
    """Press the keys in one go, as a quick hand does, then let their work settle."""
    await pilot.press(*keys)
    await settle(pilot)


async def choose(pilot: Pilot, selector: str, value: object) -> None:
    """Set the list `selector` on the top screen to `value`, and let what that starts settle."""
    pilot.app.screen.query_one(selector, Select).value = value
    await settle(pilot)


async def press_to(pilot: Pilot, key: str, shown: type[ScreenT]) -> ScreenT:
    """Press one key (as `press`) and check that it leads to a `shown` screen; that screen."""
    await press(pilot, key)
    return on_screen(pilot, shown)


def on_screen(pilot: Pilot, shown: type[ScreenT]) -> ScreenT:
    """The screen on top, checked to be a `shown` one."""
    screen = pilot.app.screen
    assert isinstance(screen, shown), f"{type(screen).__name__} is on top, not {shown.__name__}"
    return screen


async def logged_in_to(pilot: Pilot, key: str, shown: type[ScreenT]) -> ScreenT:
    """Log in as the clerk, then press the key that leads to a `shown` screen; that screen."""
    await log_in(pilot)
    return await press_to(pilot, key, shown)


async def open_case(pilot: Pilot, number: str, login: str = CLERK) -> CaseDetailScreen:
    """Log in and open a case by its number: the case screen."""
    await log_in(pilot, login=login)
    return await show_case(pilot, number)


async def show_case(pilot: Pilot, number: str) -> CaseDetailScreen:
    """Open a case by its number, as Enter on its worklist row does: the case screen."""
    pilot.app.open_case(number)
    await settle(pilot)
    return on_screen(pilot, CaseDetailScreen)


def screen_input(pilot: Pilot, selector: str) -> Input:
    return pilot.app.screen.query_one(selector, Input)


@pytest.fixture(params=["sqlite"])
def store(request, tmp_path, monkeypatch):
    """Clerk-app tests run on SQLite; a test widens this with an indirect parametrisation."""
    from tests.helpers import open_store

    yield from open_store(request.param, request, tmp_path, monkeypatch)


@pytest.fixture
def desk(tmp_path) -> Iterator[Terminal]:
    """The clerk app in tmux at 120×35 on a fresh demo store, the store open in this test too."""
    with demo_desk(tmp_path) as term:
        yield term


@pytest.fixture(autouse=True)
def crash_logs(tmp_path, monkeypatch) -> Path:
    """A test whose app crashes leaves its crash log here, not in the user's ~/.local/state."""
    directory = tmp_path / "crash-logs"
    monkeypatch.setenv("OKIENKO_LOG_DIR", str(directory))
    return directory
