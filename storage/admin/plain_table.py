"""Tables for the admin commands' terminal output, whose cells are always plain text.

rich parses a `str` cell as console markup: a name booked online as `Jan [/]` crashed
`storage visits` and `[link=…]` became a live link in the administrator's terminal. Every cell of
these tables is made a `rich.text.Text` (never parsed), with control characters other than a line
break shown as U+FFFD so that no stored text can move the cursor, recolour or retitle the terminal.
"""

from __future__ import annotations

import re
from typing import Any

from rich.table import Table
from rich.text import Text

# C0 controls but the line break, DEL and the C1 range (ESC of an ANSI sequence, the OSC 8 link, BEL).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def plain(value: object, style: str = "") -> Text:
    """`value` as text shown exactly as stored, its control characters made visible as U+FFFD."""
    return Text(_CONTROL.sub("\N{REPLACEMENT CHARACTER}", "" if value is None else str(value)), style=style)


class PlainTable(Table):
    """A rich Table whose cells and title are never read as markup."""

    def __init__(self, *headers: str, title: str | None = None, **kwargs: Any) -> None:
        super().__init__(*headers, title=plain(title) if title is not None else None, **kwargs)

    def add_row(self, *cells: Any, **kwargs: Any) -> None:
        # Other renderables (a bar of the report) are drawn by rich itself, not parsed.
        super().add_row(*(plain(c) if isinstance(c, str | int | float) else c for c in cells), **kwargs)
