"""Messages that carry results from thread workers back to the UI thread."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class StoreDone(Message):
    """A storage call finished: `value` on success, else `error` (and the `field` it names)."""

    def __init__(
        self,
        request: str,
        value: Any = None,
        error: str | None = None,
        field: str | None = None,
        unavailable: bool = False,
    ) -> None:
        super().__init__()
        self.request = request
        self.value = value
        self.error = error
        self.field = field
        self.unavailable = unavailable

    @property
    def ok(self) -> bool:
        return self.error is None


class PrintDone(Message):
    """A print job finished; on failure `pdf` is kept in memory so the clerk can retry."""

    def __init__(
        self, kind: str, number: str, label: str, pdf: bytes | None, error: str | None, sensitive: bool
    ) -> None:
        super().__init__()
        self.kind = kind
        self.number = number
        self.label = label
        self.pdf = pdf
        self.error = error
        self.sensitive = sensitive
