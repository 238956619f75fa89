"""What every screen shares: storage calls in thread workers, results back as typed messages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from textual import events, on
from textual.app import App
from textual.screen import ModalScreen, Screen
from textual.widgets import Checkbox, Input, Label, Select, TextArea
from textual.worker import Worker, get_current_worker

from counter_tui.messages import StoreResult
from counter_tui.screens.confirm import ConfirmDialog
from counter_tui.type_ahead import KeysReleased
from counter_tui.widgets.literal import literal
from storage.desk import DomainError, StoreUnavailable

log = logging.getLogger("okienko.tui")

T = TypeVar("T")


class UnhandledStoreResult(TypeError):
    """A screen asked for a result it has no `@on` handler for: it would be dropped unseen."""


def handles(screen_class: type, kind: type[StoreResult]) -> bool:
    """Whether `screen_class` (or a base) has an `@on` handler for `kind` itself or for a
    more general kind it derives from — `StoreResult` alone does not count."""
    kinds = [k for k in kind.__mro__ if issubclass(k, StoreResult) and k is not StoreResult]
    for cls in screen_class.__mro__:
        decorated = cls.__dict__.get("_decorated_handlers") or {}
        if any(k in decorated for k in kinds):
            return True
    return False


class StoreWorkMixin:
    """`run_store(Kind, fn, ...)` runs fn in a thread worker (one storage unit of work, one
    connection) and posts `Kind(value)` or `Kind(error=…)`, handled by an `@on(Kind)` method.

    One worker per kind: a newer request of the same kind cancels the older, whose late answer is
    dropped (a slow page must not overwrite the page the clerk asked for after it)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in vars(cls).items():
            if isinstance(value, type) and issubclass(value, StoreResult) and not handles(cls, value):
                raise UnhandledStoreResult(f"{cls.__qualname__}.{name} has no @on({name}) handler")

    def run_store(
        self,
        kind: type[StoreResult[T]],
        fn: Callable[..., T],
        /,
        *args: Any,
        holds_keys: bool = False,
        replaces_older: bool = True,
        **kwargs: Any,
    ) -> Worker:
        """`holds_keys`: the answer decides where the next keys go (a search whose one hit opens
        a case, a login), so keys typed meanwhile wait for it (counter_tui/type_ahead.py).
        `replaces_older=False`: every request of this kind runs to its own answer (print jobs)."""
        if not handles(type(self), kind):
            raise UnhandledStoreResult(f"{type(self).__qualname__} has no @on handler for {kind.__qualname__}")
        group = f"store:{kind.__module__}.{kind.__qualname__}"
        if holds_keys:
            self.app.hold_keys(self)
        call = partial(self._call_store, self.app, kind, fn, args, kwargs, holds_keys)
        return self.run_worker(call, name=group, group=group, exclusive=replaces_older, thread=True)

    def _call_store(
        self, app: App, kind: type[StoreResult[T]], fn: Callable[..., T], args: tuple, kwargs: dict, holds_keys: bool
    ) -> None:
        try:
            self._answer_store(app, kind, fn, args, kwargs)
        finally:
            if holds_keys:  # behind the answer: its handler has run when the keys move on
                self.post_message(KeysReleased(self))

    def _answer_store(
        self, app: App, kind: type[StoreResult[T]], fn: Callable[..., T], args: tuple, kwargs: dict
    ) -> None:
        try:
            result = kind(value=fn(*args, **kwargs))
        except DomainError as exc:
            result = kind(error=str(exc), field=exc.field)
        except StoreUnavailable as exc:
            result = kind(error=str(exc), unavailable=True)
        except Exception as exc:  # the clerk gets a message, the log the traceback; the app keeps running
            log.exception("storage call %s failed", kind.__qualname__)
            result = kind(error=f"nieoczekiwany błąd: {exc}")
        if get_current_worker().is_cancelled:
            return  # a newer request of the same kind replaced this one; its answer is the one shown
        if result.unavailable:  # said once here; the screen's handler leaves it out
            app.notify(result.error or "", title="Baza danych", severity="error", timeout=10)
        self.post_message(result)


class StoreScreen(StoreWorkMixin, Screen):
    pass


class TypeToSearch:
    """A list screen's keyboard model: a printable key typed outside a text field goes into the
    screen's search box, so no letter alone can act on a record (the clerk who starts typing a
    name without `/` searches for it). The first key of a burst starts a fresh search.

    The focus stays where it is until Enter: every key of the burst then takes the same path
    (focused widget → this screen) in order, and a scanner's number is never split between two
    widgets. Space and Enter keep their meaning on a checkbox or a list (they are filters)."""

    SEARCH_ID = "search"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.collecting_keys = False

    @property
    def search_box(self) -> Input:
        return self.query_one(f"#{self.SEARCH_ID}", Input)

    def search_typed(self, value: str) -> None:
        """Enter at the end of a burst typed outside the search box."""

    def search_started(self) -> None:
        """A new search is being typed: what the list shows must not pass for its result."""

    def start_fresh_search(self) -> None:
        """`/`: the search box, emptied (appending to the last search found nobody)."""
        self.collecting_keys = False
        box = self.search_box
        box.value = ""
        box.focus()
        self.search_started()

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if self.collecting_keys:
            if event.key == "enter":
                self._stop_key(event)
                self.collecting_keys = False
                self.search_typed(self.search_box.value)
                return
            if event.key == "backspace":
                self._stop_key(event)
                box = self.search_box
                box.value = box.value[:-1]
                return
            if char is None or not char.isprintable():
                self.collecting_keys = False  # an arrow, Tab or Esc ends the burst; the key acts as usual
                return
        focused = self.focused  # type: ignore[attr-defined]
        if isinstance(focused, Input) or char is None or not char.isprintable():
            return
        if not self.collecting_keys and char == " " and isinstance(focused, (Checkbox, Select)):
            return
        if char == "/":
            # The search key, also in the middle of a burst: a fresh search, never a "/" appended
            # to the last name (the box itself, when it has the focus, takes "/" as text: MOS/2026/…).
            self._stop_key(event)
            self.start_fresh_search()
            return
        self.type_into_search(char)
        self._stop_key(event)

    def type_into_search(self, char: str) -> None:
        """One typed character into the search box; the first of a burst starts a fresh search
        (also called by the case screen, which hands the next person's name down to its list)."""
        box = self.search_box
        if not self.collecting_keys:
            box.value = ""
            self.collecting_keys = True
            self.search_started()
        box.value += char
        box.cursor_position = len(box.value)

    @staticmethod
    def _stop_key(event: events.Key) -> None:
        event.stop()
        event.prevent_default()


class AsksBeforeDiscarding:
    """A form or dialog holding typed input asks before it is dropped, whichever key drops it:
    Esc here, Ctrl+Q in the app (`has_typed_input`). What counts as typed is any text field,
    note or list that differs from what the form showed when it opened (a correction form opens
    filled; only a change counts)."""

    DISCARD_QUESTION = "Porzucić wpisany tekst? Nie zostanie zapisany."
    KEEP_ANSWER = "Wróć"  # the highlighted answer: keep what was typed

    def on_mount(self) -> None:
        self._as_opened = self._field_values()

    def _field_values(self) -> dict[int, object]:
        values: dict[int, object] = {}
        for widget in self.query("Input, TextArea, Select"):  # type: ignore[attr-defined]
            if isinstance(widget, Input):
                values[id(widget)] = widget.value.strip()
            elif isinstance(widget, TextArea):
                values[id(widget)] = widget.text.strip()
            elif isinstance(widget, Select):
                values[id(widget)] = widget.value
        return values

    def has_typed_input(self) -> bool:
        return self._field_values() != getattr(self, "_as_opened", {})

    def close_form(self) -> None:
        """What dropping the form does (a modal form is dismissed with nothing)."""
        self.dismiss(None)  # type: ignore[attr-defined]

    def action_cancel(self) -> None:
        # An open list takes its own Esc (it only closes); this is Esc on the form itself.
        if not self.has_typed_input():
            self.close_form()
            return

        def decided(discard: bool | None) -> None:
            if discard:
                self.close_form()

        question = ConfirmDialog(self.DISCARD_QUESTION, "Porzuć", self.KEEP_ANSWER, safe_default=True)
        self.app.push_screen(question, decided)  # type: ignore[attr-defined]


class StoreForm(AsksBeforeDiscarding, StoreWorkMixin, ModalScreen[T]):
    """A modal form that saves through one storage rule (`run_store(self.Saved, …)`) and closes
    only once the store accepted it: a refused save keeps what the clerk typed, with the reason."""

    class Saved(StoreResult[Any]):
        pass

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        if message.ok:
            self.dismiss(message.value)
        elif not message.unavailable:  # the app has already said the database is unreachable
            self.query_one("#form-error", Label).update(literal(self.refusal(message)))

    def refusal(self, message: Saved) -> str:
        """The store's reason as the form shows it (a form may name its own fields)."""
        return message.error or ""
