"""The admin commands print what people typed as typed: a name booked online with console markup
crashed `storage visits` (`Jan [/]`) or drew a live link in the administrator's terminal; a clerk's
name did the same to `storage clerks`. Control characters show as U+FFFD."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

import storage
from storage import clock, desk
from storage.admin.plain_table import PlainTable
from tests.helpers import CLERK, ok, run_cli
from tests.storage.visit_helpers import NOW, TUESDAY, first_slot

MARKUP_NAMES = [
    "Jan [/]",
    "[bold red]Jan[/] Kowal",
    "Jan [link=https://evil.example]Kowal[/link]",
    "[@click=app.quit]Ola",
]


def test_visits_and_clerks_show_markup_as_typed(store, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # whole names on one line
    with clock.frozen(NOW):
        slot = first_slot()
        for name in MARKUP_NAMES:
            desk.book_visit_for("GDA", "filing", slot, name, None, "pl", CLERK)
    storage.create_clerk(
        "jan.markup", "Jan [/] [link=https://evil.example]Nowak[/link]", "GDA", "clerk", "haslo-12345-x"
    )
    shown = ok(run_cli(store.url, "visits", "--day", TUESDAY.isoformat()))
    for name in MARKUP_NAMES:
        assert name in shown
    assert "Jan [/] [link=https://evil.example]Nowak[/link]" in ok(run_cli(store.url, "clerks"))


@given(st.text(min_size=1, max_size=60))
def test_any_cell_is_printed_as_typed_with_controls_made_visible(text):
    console = Console(file=io.StringIO(), width=400, color_system="truecolor", force_terminal=True)
    table = PlainTable("a", title=text)
    table.add_row(text)
    console.print(table)
    out = console.file.getvalue()
    expected = "".join(
        "\N{REPLACEMENT CHARACTER}" if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F else c for c in text
    )
    for line in expected.split("\n"):
        assert line.strip() in out
    # Only rich's own colour codes and the table reach the terminal: nothing the text carried.
    assert "\x1b]8;" not in out
