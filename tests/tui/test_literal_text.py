"""Text typed by a person shows as typed on every screen of the clerk app and on paper.

Found as: a name booked on the public form (`Jan [/]`) crashed the clerk app when Wizyty showed
that day (Textual parsed it as markup), and `[link=…]` / `[@click=…]` in a name would have become
live links or actions. Here arbitrary strings go the real ways in: the portal's booking form
(the code read from the SMS outbox), registration, a deficiency with a note, a message, a clerk's
name, and a catalogue label loaded from the files; then the real app opens every screen that
shows them and the printed PDFs are read back. The app stays up and each text appears as typed
(tests/tui/shown.py says what "as typed" means for control characters)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import io
import itertools
import re
import shutil
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fontTools.ttLib import TTFont
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from textual.widgets import DataTable, Input
from textual.widgets._toast import Toast

import storage
from counter_tui.app import OkienkoApp
from counter_tui.printing.fonts import find_fonts
from counter_tui.screens.stats import StatsScreen
from counter_tui.screens.visits import VisitsScreen
from counter_tui.screens.worklist import WorklistScreen
from counter_tui.settings import CounterSettings
from public_status.app import create_app
from public_status.settings import PortalSettings
from storage import db as storage_db
from storage.cases import name_search
from storage.cases.checks import check_applicant_name, check_note
from storage.errors import DomainError
from storage.text import clean_line
from tests.helpers import CLERK_PASSWORD, prepare_store
from tests.portal.conftest import SECRET, Portal
from tests.portal.visit_helpers import code_path, confirm, first_time_link, request_code, sms_code
from tests.tui.conftest import log_in, press, press_to, settle, show_case
from tests.tui.shown import as_shown, drawn, raw_controls

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
WARSAW = ZoneInfo("Europe/Warsaw")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
# Catalogue labels come from files an administrator edits: one of each kind shown at the desk.
CASE_TYPE_LABEL = "Praca [/] [link=https://evil.example/]tu[/link] [@click=app.quit]x[/] $name"
SHORT_LABEL = "Praca [/] [@x] $n"  # the worklist's column shows the short label (at most 19 characters)
KIND_LABEL = "Zdjęcia [b]4 szt.[/b] [/]"
SIZE = (130, 45)
DANGEROUS = [
    "Jan [/]",
    "Olena [/]",
    "[link=https://evil.example/]Kliknij[/link]",
    "[@click=app.quit]Zamknij[/]",
    "Anna [b]Nowak",
    "Ewa \\[b] Kot $name ${x}",
    "\x1b[31mIwan\x1b[0m Petrenko",
    "Maria\x9b2J\x7f Bell\x07",
    "Zahra \u200fرضایی\u200e Ahmadi",
    "W" * 200,
]
FRAGMENTS = ["[/]", "[link=https://evil.example/]", "[@click=app.quit]", "[b]", "[/b]", "\x1b[2J", "\u200f",
             "\x9b", "\\", "$name", "W" * 120]  # fmt: skip
person_text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(min_size=1, max_size=8)), min_size=1, max_size=5).map(
        "".join
    ),
)
_serial = itertools.count(1)


@dataclasses.dataclass
class World:
    url: str
    portal: object
    printed: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One store for the whole module (each example adds its own visit, case and clerk), with the
    catalogues loaded from a copy of fixtures/ whose labels carry markup."""
    base = tmp_path_factory.mktemp("literal")
    fixtures = base / "fixtures"
    shutil.copytree(FIXTURES, fixtures)
    case_types = fixtures / "case_types.toml"
    case_types.write_text(
        case_types.read_text(encoding="utf-8")
        .replace('pl = "Pobyt czasowy i praca (zezwolenie jednolite)"', f'pl = "{CASE_TYPE_LABEL}"', 1)
        .replace('short = "Czasowy i praca"', f'short = "{SHORT_LABEL}"', 1),
        encoding="utf-8",
    )
    kinds = fixtures / "deficiency_kinds.toml"
    text = kinds.read_text(encoding="utf-8")
    photos = re.search(r'code = "photos"\npl = "([^"]+)"', text)
    assert photos, "the catalogue has a photos document"
    kinds.write_text(text.replace(f'pl = "{photos[1]}"', f'pl = "{KIND_LABEL}"', 1), encoding="utf-8")
    url = f"sqlite:///{base / 'okienko.sqlite3'}"
    prepare_store(url)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OKIENKO_DB", url)
        storage.open_database(url)
        storage.load_fixtures(fixtures)
        printed = base / "printed"
        printed.mkdir()
        try:
            yield World(url, create_app(PortalSettings(secret_key=SECRET)), printed)
        finally:
            storage_db.close_database()


def accepted(rule, value):
    try:
        return rule(value)
    except DomainError:
        return None


def book_on_the_portal(world: World, n: int, name: str) -> tuple[str | None, dt.date | None]:
    """The applicant's way in: the booking form, the code from the SMS, the confirmation."""
    portal = Portal(world.portal, address=f"198.51.{n // 250}.{n % 250 + 1}")
    link = first_time_link(portal)
    asked = request_code(portal, link, name=name, phone=f"+48 601 {n:03d} {n:03d}")
    if accepted(check_applicant_name, name) is None:
        # The form refuses what the store's name rule refuses: back to the details step (Post/Redirect/Get)
        # with the refusal on the page, and no code asked for.
        assert asked.status_code == 303 and "/visit/code/" not in asked.headers["Location"]
        again = portal.get(asked.headers["Location"][asked.headers["Location"].index("/visit") :])
        assert again.status_code == 200 and 'class="error"' in again.get_data(as_text=True)
        return None, None
    assert asked.status_code == 303, asked.get_data(as_text=True)
    path = code_path(asked)
    reference = path.rsplit("/", 1)[1]
    done = confirm(portal, path, sms_code(reference))
    assert done.status_code == 200
    at = dt.datetime.strptime(re.search(r"at=([0-9T:\-]+Z)", link)[1], "%Y-%m-%dT%H:%MZ")
    return reference, at.replace(tzinfo=dt.UTC).astimezone(WARSAW).date()


def check_drawn(screen, *texts: str) -> str:
    shown = drawn(screen)
    assert not raw_controls(shown), f"control characters would reach the terminal: {raw_controls(shown)}"
    for text in texts:
        assert as_shown(text) in shown, f"{text!r} is not shown as typed on {type(screen).__name__}"
    return shown


def pdf_texts(directory: Path) -> list[str]:
    pages = []
    for path in sorted(directory.glob("*.pdf")):
        pages.append("".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages))
        path.unlink()
    return pages


def _squeezed(text: str) -> str:
    # Long words wrap wherever the column ends, and the invisible marks (LRM, RLM, joiners) move
    # with the reordering: compare without white space and format characters.
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


@functools.cache
def drawable() -> frozenset[int]:
    """The characters both DejaVu faces of the receipt (regular and bold) can draw."""
    fonts = find_fonts()
    regular, bold = (set(TTFont(path).getBestCmap()) for path in (fonts.regular, fonts.bold))
    return frozenset(regular & bold)


def on_paper(text: str, pages: list[str]) -> bool:
    """Each word of `text` is on one of the pages as typed; of a word with right-to-left letters
    (Arabic, Persian, Hebrew, an RLM) every letter, as PDF text is read back in the order drawn.
    A character the fonts cannot draw is printed as "�" (never dropped unseen)."""
    printed = [_squeezed(page) for page in pages]
    for word in as_shown(text).split():
        expected = _squeezed(word)
        if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in word):
            # Drawn in visual order, mixed runs reordered by the bidi rules: every letter is there.
            if not any(set(expected) & drawable() <= set(page) for page in printed):
                return False
            continue
        pattern = "".join(re.escape(ch) if ord(ch) in drawable() else "(?:\ufffd|.)" for ch in expected)
        if expected and not any(re.search(pattern, page) for page in printed):
            return False
    return True


@dataclasses.dataclass
class Person:
    """One text sent every way it goes in, and what the store kept of it where it was accepted."""

    number: str
    name: str | None
    visit_day: dt.date | None
    deficiency: str | None
    note: str | None
    message: str | None


def enter(world: World, clerk: str, text: str) -> Person:
    n = next(_serial)
    reference, visit_day = book_on_the_portal(world, n, text)
    name = check_applicant_name(text) if reference else None
    filing = storage.register_filing(
        clerk=clerk,
        case_type="temp_work",
        applicant_name=name or f"Jan Testowy {n}",
        phone=f"+48 602 {n:03d} {n:03d}",
        language="uk",
        missing=["photos"],
        sms_opt_out=True,
    )
    deficiency = accepted(lambda v: clean_line(v, "deficiency", 300, required=True), text)
    note = accepted(check_note, text)
    storage.add_deficiency(filing.number, clerk=clerk, free_text=deficiency or "Zaświadczenie", note=note)
    message = None
    try:
        storage.write_message(filing.number, clerk=clerk, text=text, language="pl")
        message = storage.case_detail(filing.number).messages[0].body
    except DomainError:
        pass
    return Person(filing.number, name, visit_day, deficiency, note, message)


async def walk_the_app(world: World, login: str, clerk: str, people: list[Person], statistics: bool) -> None:
    app = OkienkoApp(
        CounterSettings(
            printer="test",
            print_command=f"cp {{file}} {world.printed}/",
            portal_url="https://okienko.example/status",
            save_dir=world.printed / "saved",
        )
    )
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, login=login)
        assert isinstance(app.screen, WorklistScreen)
        assert as_shown(clerk) in app.sub_title and not raw_controls(app.sub_title)
        shown = check_drawn(app.screen, SHORT_LABEL)
        for person in people:
            name = person.name
            if name is None:
                continue
            assert as_shown(name)[:20] in shown, "the worklist row shows the name (cut to its column)"
            # A clerk searches by the words of the name made of letters only (the search takes
            # nothing else), as the store splits the name into words.
            query = " ".join(w for w in name_search.tokens(name) if w.isalpha() and len(w) >= 2)
            if accepted(storage.search_cases, query):
                await pilot.press("slash")
                app.screen.query_one("#search", Input).value = query
                await press(pilot, "enter")
                table = app.screen.query_one("#cases", DataTable)
                assert person.number in [key.value for key in table.rows], f"{query!r} did not find the case"
                assert as_shown(name)[:20] in check_drawn(app.screen)
                await press(pilot, "escape")
        for person in people:
            await show_case(pilot, person.number)
            texts = (person.name, person.deficiency, person.note, person.message)
            check_drawn(app.screen, CASE_TYPE_LABEL, KIND_LABEL, *(t for t in texts if t is not None))
            await press(pilot, "ctrl+r")  # reprint the receipt
            await press(pilot, "escape")
            pages = pdf_texts(world.printed)
            assert len(pages) == 1
            for text in (person.name, clerk, CASE_TYPE_LABEL, KIND_LABEL):
                if text is not None:
                    assert on_paper(text, pages), f"{text!r} is not printed as typed"
        visiting = sorted({p.visit_day for p in people if p.visit_day is not None})
        if visiting:
            await press_to(pilot, "f2", VisitsScreen)
            for day in visiting:
                for _ in range((day - app.screen.day).days):
                    await pilot.press("f8")
                await settle(pilot)
                assert app.screen.day == day
                check_drawn(app.screen, *(p.name for p in people if p.visit_day == day))
            await press(pilot, "escape")
        if statistics:  # catalogue labels only: once is enough
            await press_to(pilot, "f3", StatsScreen)
            check_drawn(app.screen, CASE_TYPE_LABEL)
        assert app.is_running and app.return_code is None


# The known dangerous texts, four per run of the app, as tests of their own: the test processes share
# them (as the property test's examples they made it the suite's longest test).
@pytest.mark.parametrize("texts", [DANGEROUS[:4], DANGEROUS[4:8], DANGEROUS[8:]], ids=["known-1", "known-2", "known-3"])
def test_known_dangerous_texts_show_as_typed_on_every_screen_and_on_paper(world, texts):
    shown_as_typed(world, texts)


# A few texts per run of the app: starting it and logging in cost more than one more case.
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(person_text, min_size=1, max_size=3))
def test_a_persons_text_shows_as_typed_on_every_screen_and_on_paper(world, texts):
    shown_as_typed(world, texts)


def shown_as_typed(world, texts: list[str]) -> None:
    """Register people with these texts as a new clerk named by the first, and walk every screen and paper."""
    n = next(_serial)
    # The first text is also the name of the clerk who registers them all (the header, the receipt).
    clerk = " ".join(texts[0].split())[:200] or f"Urzędnik {n}"
    login = f"prop{n}"
    storage.create_clerk(login, clerk, "GDA", "clerk", CLERK_PASSWORD)
    people = [enter(world, login, text) for text in texts]
    asyncio.run(walk_the_app(world, login, clerk, people, statistics=n == 1))


async def test_a_notification_is_plain_text_whoever_sends_it(app):
    """Notifications carry references, names and the store's or printer's error texts: never markup."""
    said = "Wizyta GDA-7K2: Jan [/] [@click=app.quit]x[/] \x1b[2J"
    async with app.run_test(size=(130, 45), notifications=True) as pilot:
        await settle(pilot)
        app.screen.notify(said, title="Jan [/]")  # Widget.notify passes markup=True on its own
        app.notify(said, severity="error")
        await settle(pilot)
        toasts = [toast.render().plain for toast in app.screen.query(Toast)]
        assert toasts == [f"Jan [/]\n{as_shown(said)}", as_shown(said)]
        assert app.is_running and app.return_code is None
