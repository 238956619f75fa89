"""What every screen shares: storage calls in thread workers, results back as messages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from textual import work
from textual.screen import ModalScreen, Screen
from textual.widgets import Label

from counter_tui.messages import StoreDone
from storage.desk import DomainError, StoreUnavailable

log = logging.getLogger("okienko.tui")


class StoreWorkMixin:
    """`run_store("name", fn, ...)` runs fn in a thread worker (one storage unit of work, one
    connection) and posts StoreDone; the screen handles it in `on_store_done_<name>`."""

    def run_store(self, request: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._store_worker(request, fn, args, kwargs)

    @work(thread=True, group="store")
    def _store_worker(self, request: str, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        try:
            value = fn(*args, **kwargs)
        except DomainError as exc:
            self.post_message(StoreDone(request, error=str(exc), field=exc.field))
        except StoreUnavailable as exc:
            self.post_message(StoreDone(request, error=str(exc), unavailable=True))
        except Exception as exc:  # the clerk gets a message, the log the traceback; the app keeps running
            log.exception("storage call %s failed", request)
            self.post_message(StoreDone(request, error=f"nieoczekiwany błąd: {exc}"))
        else:
            self.post_message(StoreDone(request, value=value))

    def on_store_done(self, message: StoreDone) -> None:
        handler = getattr(self, f"on_store_done_{message.request}", None)
        if message.unavailable:
            self.app.notify(message.error or "", title="Baza danych", severity="error", timeout=10)
        if handler is not None:
            handler(message)
        elif not message.ok and not message.unavailable:
            self.app.notify(message.error or "", severity="error", timeout=8)


class StoreScreen(StoreWorkMixin, Screen):
    pass


class StoreModal(StoreWorkMixin, ModalScreen):
    pass


class StoreForm(StoreModal):
    """A modal form that saves through one storage rule (`run_store("save", …)`) and closes only
    once the store accepted it: a refused save keeps what the clerk typed, with the reason under it."""

    def on_store_done_save(self, message: StoreDone) -> None:
        if message.ok:
            self.dismiss(message.value)
        elif not message.unavailable:  # the app has already said the database is unreachable
            self.query_one("#form-error", Label).update(message.error or "")

    def action_cancel(self) -> None:
        self.dismiss(None)
