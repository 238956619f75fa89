"""Messages that carry results from thread workers back to the UI thread.

Every kind of storage request has its own `StoreResult` subclass, declared beside the screen that
asks and handled there with `@on(Kind)`: a misspelt kind is a NameError, and a kind nobody handles
is refused when the screen class is defined or the request is made (see `screens/base.py`)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from textual.message import Message

T = TypeVar("T")


class StoreResult(Message, Generic[T]):
    """A storage call finished: `value` on success, else `error` (and the `field` it names).

    Results stay with the screen that asked (no bubbling): the app has nothing to do with them."""

    bubble = False

    def __init_subclass__(cls, bubble: bool | None = False, **kwargs: Any) -> None:
        super().__init_subclass__(bubble=bubble, **kwargs)

    def __init__(
        self,
        value: T | None = None,
        error: str | None = None,
        field: str | None = None,
        unavailable: bool = False,
    ) -> None:
        super().__init__()
        self.value = value
        self.error = error
        self.field = field
        self.unavailable = unavailable

    @property
    def ok(self) -> bool:
        return self.error is None
