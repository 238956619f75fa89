"""Storage results come back as typed messages: a result kind no screen handles is refused loudly
(when the screen class is defined, or when the request is made), a newer request of one kind
replaces the older, and refusals arrive as the clerk's one-line messages."""

from __future__ import annotations

import asyncio
import threading

import pytest
from textual import on
from textual.app import App

from counter_tui.messages import StoreResult
from counter_tui.screens.base import StoreForm, StoreScreen, UnhandledStoreResult, handles
from counter_tui.screens.case_detail import CaseDetailScreen
from storage import desk
from tests.helpers import CLERK, register
from tests.tui.conftest import settle


class Answer(StoreResult[str]):
    pass


class Unasked(StoreResult[str]):
    pass


class ProbeScreen(StoreScreen):
    """A screen that records every Answer it is given, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[Answer] = []
        self.calls_ended = threading.Semaphore(0)  # one release per finished worker, posted or dropped

    def _call_store(self, *args) -> None:
        try:
            super()._call_store(*args)
        finally:
            self.calls_ended.release()

    @on(Answer)
    def _answer(self, message: Answer) -> None:
        self.answers.append(message)


class ProbeApp(App):
    def on_mount(self) -> None:
        self.push_screen(ProbeScreen())


def test_a_result_kind_declared_without_a_handler_fails_when_the_screen_is_defined():
    with pytest.raises(UnhandledStoreResult, match="Forgotten"):

        class Careless(StoreScreen):
            class Forgotten(StoreResult[int]):
                pass

    class Careful(StoreScreen):
        class Remembered(StoreResult[int]):
            pass

        @on(Remembered)
        def _remembered(self, message: Remembered) -> None:
            pass

    assert handles(Careful, Careful.Remembered) and not handles(Careful, Answer)


def test_every_request_kind_of_the_clerk_app_has_its_handler():
    kinds = [v for v in vars(CaseDetailScreen).values() if isinstance(v, type) and issubclass(v, StoreResult)]
    assert len(kinds) == 7 and all(handles(CaseDetailScreen, k) for k in kinds)
    # A form's own kind is handled by the base: it closes with the value the store returned.
    assert handles(StoreForm, StoreForm.Saved)
    # The base's catch-all (the "database unreachable" note) does not count as handling a kind.
    assert not handles(StoreScreen, Answer)


async def test_a_request_nobody_handles_is_refused_before_it_runs():
    calls: list[str] = []
    app = ProbeApp()
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProbeScreen)
        with pytest.raises(UnhandledStoreResult, match="Unasked"):
            screen.run_store(Unasked, calls.append, "ran")
        await settle(pilot)
    assert calls == [] and screen.answers == []


async def test_a_newer_request_of_the_same_kind_replaces_the_older(store):
    release = threading.Event()
    started = threading.Event()

    def slow() -> str:
        started.set()
        release.wait(timeout=30)
        return "older"

    app = ProbeApp()
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        older = screen.run_store(Answer, slow)
        assert await asyncio.to_thread(started.wait, 30)
        newer = screen.run_store(Answer, lambda: "newer")
        await newer.wait()
        await settle(pilot)
        assert older.is_cancelled
        release.set()
        for _ in range(2):  # both workers have decided whether to post: whatever they posted is queued
            assert await asyncio.to_thread(screen.calls_ended.acquire, timeout=30)
        await settle(pilot)
        assert [a.value for a in screen.answers] == ["newer"]


async def test_refusals_arrive_as_the_clerks_messages(store):
    filing = register()
    stage = desk.case_detail(filing.number).stage

    def broken() -> str:
        raise RuntimeError("dysk pełny")

    app = ProbeApp()
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        # A rule's refusal names its field; the same kind asked again is one request after another.
        screen.run_store(Answer, desk.set_stage, filing.number, stage, clerk=CLERK)
        await settle(pilot)
        screen.run_store(Answer, broken)
        await settle(pilot)
        refused, failed = screen.answers
        assert not refused.ok and refused.field == "stage" and "już jest na etapie" in refused.error
        assert refused.value is None and not refused.unavailable
        assert not failed.ok and failed.error == "nieoczekiwany błąd: dysk pełny" and failed.field is None
        assert app.is_running


def test_a_form_that_saves_through_the_store_is_styled_as_a_modal():
    # Textual's CSS follows only the first widget base: the store-work part must not come before it.
    assert "ModalScreen" in StoreForm._css_type_names and "Screen" in StoreScreen._css_type_names
