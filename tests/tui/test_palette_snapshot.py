"""The command palette at 120×35 (issue 19, problem 10): every command and key name in Polish."""

from __future__ import annotations

import re

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from tests.tui.conftest import logged_in_to, settle
from tests.tui.pictures import still_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
# Words Textual would show in English if a text were left untranslated.
ENGLISH = re.compile(r"\b(?i:keys?|search|commands?|escape|slash|quit|help|theme|screenshot)\b|\bctrl\+[a-z]\b")


def test_command_palette_at_120x35(snap_compare, store, settings):
    async def run_before(pilot):
        palette = await logged_in_to(pilot, "ctrl+p", CommandPalette)
        palette.query_one(Input).cursor_blink = False  # a steady cursor: the same picture each run
        await settle(pilot)
        commands = palette.query_one(CommandList)
        shown = [getattr(o.prompt, "plain", str(o.prompt)) for o in commands.options]
        assert len(shown) >= 5 and any("Nowy wniosek" in text for text in shown)
        assert [text for text in shown if ENGLISH.search(text)] == []

    assert snap_compare(still_app(settings), terminal_size=(120, 35), run_before=run_before)
