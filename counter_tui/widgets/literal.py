"""Text that came from a person or from outside, shown exactly as written.

Names, notes, messages, external references, e-mail addresses, clerk names, booking references,
audit details, catalogue labels, error texts: none of it is ever read as Textual or Rich markup.
Textual parses a plain `str` as markup almost everywhere it takes one (a table cell, a label, an
option, a tooltip, a notification), so a name like `Jan [/]` raised MarkupError and closed the app,
and `[link=…]` or `[@click=…]` would have become a live link or action. The rule of this app:

* a value goes to the screen as `literal(value)` – a Rich `Text`, which nothing parses;
* formatted text is `markup(template, name=value, …)`: the template is the programmer's own
  constant, each value a `$name` template variable, which Textual substitutes as plain text;
* a widget of our own that takes "some text" takes `Displayable` and shows it with `shown()`:
  a `str` there is literal, a `Content`/`Text` is already made;
* notifications are never markup (`OkienkoApp.notify`), and a notification that carries a value
  is written `plain(template, name=value, …)`, so that the value's way in can be seen.

`tests/tui/test_markup_guard.py` reads the app's source and fails on anything else reaching a
place where markup is parsed; `tests/tui/test_literal_text.py` sends arbitrary texts through.

Control characters: ESC of an ANSI sequence, BEL, DEL and the C1 range (U+0080–U+009F, which
some terminals obey like ESC sequences) must never reach the terminal or the paper as themselves.
Each is shown as U+FFFD "�" – one sign every terminal font and the DejaVu fonts of the printed
papers have (they have no control pictures such as ␛). A line break stays a line break (notes
and messages have paragraphs) and a tab becomes one space. Everything else is shown as typed:
brackets, `$`, backslashes, right-to-left marks and joiners, letters of every script.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.content import Content

Displayable = str | Text | Content

REPLACEMENT = "\ufffd"
# Every C0 control but the line break, DEL and the C1 controls; a tab is white space.
_VISIBLE = {code: REPLACEMENT for code in (*range(0x20), *range(0x7F, 0xA0)) if code != 0x0A} | {0x09: " "}


def visible(value: object) -> str:
    """`value` as text with no control character left to act on a terminal or a printer."""
    if value is None:
        return ""
    return str(value).translate(_VISIBLE)


def literal(value: object, style: str = "", **options: Any) -> Text:
    """A value for a table cell, a label, an option or a dialog: shown as written, never parsed.
    `options` are Rich Text's (justify, overflow, no_wrap …)."""
    return Text(visible(value), style=style, **options)


def markup(template: str, **values: object) -> Content:
    """The programmer's markup `template` with `$name` variables filled from `values` as plain
    text: `markup("Wnioskodawca: [b]$name[/b]", name=detail.applicant_name)`."""
    return Content.from_markup(template, **{key: visible(value) for key, value in values.items()})


def plain(template: str, **values: object) -> Text:
    """Plain text with values: the programmer's `template` (no markup) with each `$name` filled
    from `values` as written: `plain("Wydrukowano: $label", label=job.label)`."""
    return Text(string.Template(template).substitute({key: visible(value) for key, value in values.items()}))


def shown(text: Displayable) -> Text | Content:
    """What a widget of ours shows for a text it was given: a str as written, made text as made."""
    if isinstance(text, Text | Content):
        return text
    return literal(text)


def stacked(lines: Iterable[Text | Content]) -> Content:
    """Made lines one under another (a dialog's status lines, a summary)."""
    return Content("\n").join(Content.from_text(line) for line in lines)
