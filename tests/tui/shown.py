"""What the clerk app shows, read back for the literal-text tests: the text every label, static
and table cell of a screen will draw, and the rule by which a person's text is expected to look.

The rule is written out here on its own (not imported from the app), so a test holds the app to
it: every printable character exactly as typed, brackets, `[/]`, `[link=…]`, `$name`, RTL marks
and 200-letter words included; a line break stays a line break; a tab becomes a space; any other
control character (ESC of an ANSI sequence, BEL, DEL, the C1 range U+0080–U+009F) never reaches
the terminal or the paper as itself: it is shown as U+FFFD "�" (the DejaVu fonts of the printed
papers have no control pictures such as ␛, so one sign that every font has serves both)."""

from __future__ import annotations

import unicodedata

from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.widgets._data_table import default_cell_formatter


def as_shown(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\n":
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def drawn_texts(screen: Screen) -> list[str]:
    """The plain text of everything the screen draws from text: each label and static (as
    Textual turns it into content, markup parsed where it is parsed) and each table cell (as the
    table formats it for drawing). A markup error surfaces here as it would on screen."""
    texts: list[str] = []
    for widget in screen.query("*"):
        if isinstance(widget, DataTable):
            for row in range(widget.row_count):
                texts += [default_cell_formatter(cell).plain for cell in widget.get_row_at(row)]
        elif isinstance(widget, Static):
            texts.append(getattr(widget.visual, "plain", ""))
    return texts


def drawn(screen: Screen) -> str:
    return "\n".join(drawn_texts(screen))


def raw_controls(text: str) -> list[str]:
    """Control characters that would go to the terminal as themselves (a line break is layout)."""
    return [repr(ch) for ch in text if unicodedata.category(ch) == "Cc" and ch != "\n"]
