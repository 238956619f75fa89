"""Polish all the way (issue 19, problem 10): key names in the palette and the footer, audit
actions in words, language and office names in the case header, and the demo login on a demo
store's login screen (with how to quit in its footer)."""

from __future__ import annotations

import re

import pytest

import storage
from counter_tui.app import OkienkoApp
from storage.admin.demo import DEMO_CLERK, DEMO_PASSWORD
from storage.audit import describe
from tests.helpers import register
from tests.tui.conftest import SIZE, log_in, open_case, settle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ENGLISH_KEY = re.compile(r"\b(slash|escape|ctrl|enter|delete)\b|\^[a-z]")


async def test_palette_and_footer_name_keys_as_on_the_keyboard(app: OkienkoApp):
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        helps = [command.help for command in app.get_system_commands(app.screen)]
        assert "skrót: /" in helps and "skrót: Ctrl+N" in helps and "skrót: Esc" in helps
        assert not [h for h in helps if ENGLISH_KEY.search(h)], helps
        shown = [app.get_key_display(b.binding) for b in app.screen.active_bindings.values() if b.binding.show]
        assert not [k for k in shown if ENGLISH_KEY.search(k)], shown


async def test_case_header_names_the_language_and_the_office(app: OkienkoApp):
    filing = register()  # Ukrainian, Gdańsk
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, filing.number)
        header = str(app.screen.query_one("#case-summary").render())
        assert "język: ukraiński" in header and "oddział: Gdańsk" in header
        assert "język: uk" not in header.replace("ukraiński", "")


def test_visit_marks_are_audited_in_words():
    label = lambda kind, code: code  # noqa: E731
    said = describe("visit_marked", {"reference": "GDA-ABC123", "old": "arrived", "new": "served"}, "Anna Nowak", label)
    assert said == "Anna Nowak oznaczyła wizytę GDA-ABC123: przybył(a) → obsłużona"
    undone = describe("visit_unmarked", {"reference": "GDA-ABC123", "old": "no_show"}, "Jan Kowal", label)
    assert "visit_" not in undone and "wycofał oznaczenie wizyty GDA-ABC123" in undone


async def test_a_demo_store_shows_its_login_and_every_login_screen_how_to_quit(app: OkienkoApp):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert str(app.screen.query_one("#demo-login").render()).strip() == ""  # a real store says nothing
    storage.create_clerk(DEMO_CLERK, "Demo Urzędnik", "GDA", "clerk", DEMO_PASSWORD)
    demo_app = OkienkoApp(app.settings)
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hint = str(demo_app.screen.query_one("#demo-login").render())
        assert f"login {DEMO_CLERK}, hasło {DEMO_PASSWORD}" in hint
        footer = [b.binding.description for b in demo_app.screen.active_bindings.values() if b.binding.show]
        assert "Zakończ" in footer
