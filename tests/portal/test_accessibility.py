"""The accessibility audit: every applicant page state in all four languages, in Debian's chromium.

axe-core (bundled by axe-playwright-python, no network) with the WCAG 2.0/2.1/2.2 A and AA rules must
find nothing, and the checks axe cannot make are made here: every focusable element reached with Tab
shows an outline with at least 3:1 contrast against what surrounds it, every fragment in another
language carries its `lang`, titles are unique and match the page's one `h1`, and a skip link leads to
the main content. What is audited (standards, widths, languages, axe-core version) is read from
fixtures/accessibility.toml, the record the published accessibility statement shows: if the audit
changes, the statement's record must change with it.

One store, one portal and one browser serve the whole module. 360 px runs on every `make test`; the
same walk at 1280 px is marked slow (`pytest -m slow tests/portal/test_accessibility.py`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import importlib.metadata
import random
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

import storage
from storage import db as storage_db
from storage.admin.demo_history import add_decided_history
from storage.cases.processing_times import refresh_processing_times
from storage.db import unit_of_work
from storage.models import LoginThrottle
from tests.helpers import CLERK, prepare_store, register
from tests.portal.browser import ARTIFACTS, PAGE_TEXTS, chromium, need_chromium, serve_portal
from tests.portal.visit_helpers import sms_code

RECORD = tomllib.loads((Path(__file__).resolve().parents[2] / "fixtures" / "accessibility.toml").read_text("utf-8"))
AUDIT = RECORD["audit"]
LANGS = tuple(AUDIT["languages"])
# Text a clerk typed in Polish: the status page must mark it lang="pl" on every other language's page.
FREE_TEXT = "Zaświadczenie o zatrudnieniu od pracodawcy"
NOTE = "Umowa najmu musi obejmować cały okres pobytu."
MESSAGE = "Prosimy o dostarczenie oryginału paszportu."
WRONG_PASSWORD = "NIE-TO-HASLO"

# Each element a keyboard reaches, focused in turn as the keyboard would (focus-visible), with its outline
# and the colours it is seen against, as the browser computes them.
FOCUS_STYLES = """() => {
  const opaque = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (c && c !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(c)) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const reachable = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[tabindex]:not([tabindex="-1"])';
  const out = [];
  for (const el of document.querySelectorAll(reachable)) {
    el.focus({focusVisible: true, preventScroll: true});
    if (document.activeElement !== el) continue;  // not focusable after all (hidden, disabled)
    const s = getComputedStyle(el);
    out.push({
      name: el.tagName.toLowerCase() + ' ' + JSON.stringify((el.innerText || el.value || el.name || '').slice(0, 40)),
      style: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0, offset: parseFloat(s.outlineOffset) || 0,
      color: s.outlineColor, own: opaque(el), around: opaque(el.parentElement),
    });
    el.blur();
  }
  return out;
}"""
# The language each text node is read in: its nearest `lang`.
TEXT_LANGUAGES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    if (text) out.push([text, n.parentElement.closest('[lang]').getAttribute('lang')]);
  }
  return out;
}"""


def _channels(color: str) -> tuple[float, ...]:
    return tuple(float(v) for v in re.findall(r"[\d.]+", color)[:3])


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""

    def luminance(color: str) -> float:
        def linear(v: float) -> float:
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        r, g, b = (linear(v) for v in _channels(color))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    # The measurement: the old orange ring on the page background.
    assert 1.9 < contrast("rgb(240, 165, 0)", "rgb(250, 250, 250)") < 2.1


@dataclasses.dataclass
class Site:
    base: str
    browser: object
    url: str


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    need_chromium()
    url = f"sqlite:///{tmp_path_factory.mktemp('a11y') / 'okienko.sqlite3'}"
    prepare_store(url)
    # A year of decided cases: the status page and the information panel then show processing times.
    add_decided_history(random.Random(7))
    refresh_processing_times()
    with serve_portal(url) as port, chromium() as browser:
        yield Site(f"http://127.0.0.1:{port}", browser, url)


def test_the_audit_record_is_what_this_check_runs():
    """The statement says what was checked with what: the installed axe-core is the one recorded."""
    import axe_playwright_python

    bundled = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")
    assert re.search(r"axe v([\d.]+)", bundled).group(1) == AUDIT["axe_core"], (
        "axe-core changed: update fixtures/accessibility.toml [audit] (version and reviewed_on)"
    )
    assert importlib.metadata.version("axe-playwright-python")
    assert set(LANGS) == {"pl", "en", "ru", "uk"}
    assert 360 in AUDIT["widths"]


def test_axe_reports_what_it_is_asked_to_find(site):
    """The harness is live: a page with known faults gets them reported under the recorded standards."""
    from axe_playwright_python.sync_playwright import Axe

    page = site.browser.new_page()
    try:
        page.set_content("<html><head><title>t</title></head><body><img src='x.png'><a href='#'></a></body></html>")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AUDIT["standards"]}})
    finally:
        page.close()
    found = {violation["id"] for violation in results.response["violations"]}
    assert {"html-has-lang", "image-alt", "link-name"} <= found, found


class Audit:
    """Runs every check on a page state and collects what fails, so one run reports them all."""

    def __init__(self, lang: str, width: int) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe, self.lang, self.width = Axe(), lang, width
        self.problems: list[str] = []
        self.titles: dict[str, str] = {}  # title → page it belongs to

    def check(self, page, state: str, same_page_as: str | None = None) -> None:
        where = f"{self.lang}/{self.width}px/{state}"
        # A state reached by waiting for one of its elements (an error, a notice) may still be loading its
        # stylesheet: laid out unstyled, the skip link, the brand and the menu are small inline links side by
        # side, and axe rightly fails their target size. The page is audited as the applicant sees it, loaded.
        page.wait_for_load_state("load")
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": AUDIT["standards"]}})
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            self.problems.append(f"{where}: axe {violation['id']} ({violation['help']}) at {targets}")
        headings = page.locator("h1").all_inner_texts()
        if len(headings) != 1:
            self.problems.append(f"{where}: {len(headings)} h1 headings: {headings}")
        title = page.title()
        if headings and not title.startswith(headings[0].strip()):
            self.problems.append(f"{where}: title {title!r} does not name the page's heading {headings[0]!r}")
        owner = self.titles.setdefault(title, same_page_as or state)
        if owner != (same_page_as or state):
            self.problems.append(f"{where}: title {title!r} is also the title of {owner}")
        if page.evaluate("document.documentElement.scrollWidth") > self.width:
            self.problems.append(f"{where}: wider than the screen")
        self._focus(page, where)

    def _focus(self, page, where: str) -> None:
        """Every element a keyboard reaches shows an outline of at least 3:1 when focused."""
        reached = page.evaluate(FOCUS_STYLES)
        if not reached:
            self.problems.append(f"{where}: nothing takes keyboard focus")
        for focus in reached:
            if focus["style"] in ("none", "hidden") or focus["width"] < 2:
                self.problems.append(f"{where}: {focus['name']} shows no focus outline")
                continue
            # An outline set off from the element is seen against what surrounds it; one touching it, against both.
            backgrounds = [focus["around"]] if focus["offset"] > 0 else [focus["around"], focus["own"]]
            ratio = min(contrast(focus["color"], bg) for bg in backgrounds)
            if ratio < 3:
                seen = f"{focus['color']} on {backgrounds} is {ratio:.2f}:1"
                self.problems.append(f"{where}: focus on {focus['name']}: {seen}")

    def read_in(self, page, state: str, text: str, lang: str) -> None:
        """`text` (or a node of it) is on the page and read in `lang`."""
        found = [node_lang for node_text, node_lang in page.evaluate(TEXT_LANGUAGES) if text in node_text]
        if not found:
            self.problems.append(f"{self.lang}/{self.width}px/{state}: {text!r} is not on the page")
        elif set(found) != {lang}:
            self.problems.append(f"{self.lang}/{self.width}px/{state}: {text!r} is read as {found}, not {lang!r}")


def _open(context, base: str, path: str, lang: str):
    page = context.new_page()
    page.goto(f"{base}/lang/{lang}?next={path}")
    return page


def walk(site: Site, lang: str, width: int, audit: Audit, shots: bool) -> None:
    """Every page state an applicant meets, each checked in turn."""
    text = PAGE_TEXTS[lang]
    context = site.browser.new_context(viewport={"width": width, "height": 800})
    page = _open(context, site.base, "/", lang)

    def step(state: str, same_page_as: str | None = None) -> None:
        audit.check(page, state, same_page_as)
        if shots:
            page.screenshot(path=str(ARTIFACTS / f"a11y-{lang}-{state}.png"), full_page=True)

    filing = register(language="uk", missing=["photos"])
    storage.add_deficiency(filing.number, clerk=CLERK, free_text=FREE_TEXT, note=NOTE)
    storage.write_message(filing.number, clerk=CLERK, text=MESSAGE, language="pl")
    step("login")
    page.get_by_label(text["number"]).fill(filing.display_number)
    page.get_by_label(text["password"]).fill(WRONG_PASSWORD)
    page.get_by_role("button", name=text["login"]).click()
    page.wait_for_selector("p.error")
    step("login-error", same_page_as="login")
    page.get_by_label(text["number"]).fill(filing.display_number)
    page.get_by_label(text["password"]).fill(filing.password)
    page.get_by_role("button", name=text["login"]).click()
    page.wait_for_url("**/status")
    step("status")
    if lang != "pl":
        for polish in (FREE_TEXT, NOTE, MESSAGE):
            audit.read_in(page, "status", polish, "pl")
    for path, state in (("/info", "info"), ("/info/temp_work", "info-case-type"),
                        ("/info/processing-times", "processing-times"), ("/stages", "stages"),
                        ("/contact", "contact"), ("/deklaracja-dostepnosci", "statement"),
                        ("/no-such-page", "not-found")):  # fmt: skip
        page.goto(site.base + path)
        step(state)

    page.goto(site.base + "/visit")
    step("visit-start")
    page.locator("input[name=group][value=filing]").check()
    page.get_by_role("button", name=text["show"]).click()
    page.wait_for_url("**/visit/days?**")
    step("visit-days")
    if page.locator("table.days tr.free a").count() == 0:
        page.locator('nav.months a[rel="next"]').click()
    page.locator("table.days tr.free a").first.click()
    page.wait_for_url("**/visit/times?**")
    step("visit-times")
    page.locator("ul.times a").first.click()
    page.wait_for_url("**/visit/details?**")
    step("visit-details")
    page.get_by_label(text["name"]).fill("Test Person")
    page.get_by_label(text["phone"]).fill("12")
    page.get_by_role("button", name=text["send"]).click()
    page.wait_for_selector("[aria-invalid=true]")
    step("visit-details-error", same_page_as="visit-details")
    # A phone of its own per language and width: one mobile number books one visit a day.
    page.get_by_label(text["phone"]).fill(f"+48 60{LANGS.index(lang)} {width // 100 % 10}23 456")
    page.get_by_role("button", name=text["send"]).click()
    page.wait_for_url("**/visit/code/**")
    reference = page.url.rsplit("/", 1)[1]
    step("visit-code")
    text_went_out_a_minute_ago(reference)
    page.reload()
    step("visit-code-resend", same_page_as="visit-code")
    page.locator("#resend button").click()
    page.wait_for_selector("#resent")
    step("visit-code-resent", same_page_as="visit-code")
    page.get_by_label(text["code"]).fill(sms_code(reference))
    page.get_by_role("button", name=text["confirm"]).click()
    page.wait_for_selector("#reference")
    step("visit-booked")
    page.goto(f"{site.base}/visit/booked/{reference}/print")
    step("visit-print")
    page.goto(site.base + "/visit/cancel")
    step("visit-cancel")
    page.get_by_label(text["reference"]).fill(reference)
    page.get_by_role("button", name=text["send"]).click()
    page.wait_for_url(f"**/visit/cancel/{reference}")
    step("visit-cancel-code")
    page.get_by_label(text["code"]).fill(sms_code(reference))
    page.get_by_role("button", name=text["cancel"]).click()
    page.wait_for_selector(".notice[role=status]")
    step("visit-cancelled")
    context.close()


def text_went_out_a_minute_ago(reference: str) -> None:
    """The booking's code text handed to the modem a minute ago (the loop's record), so the code page
    offers its one resend; the code stays readable for the walk, as the phone would show it."""
    from storage.models import SmsOutbox, Visit

    with unit_of_work():
        visit = Visit.get(Visit.reference == reference)
        a_minute_ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=61)
        SmsOutbox.update(state="sent", sent_at=a_minute_ago).where(SmsOutbox.visit == visit).execute()


def _audit(site: Site, lang: str, width: int) -> None:
    # Another module's store may have been opened in between (xdist): this module's store is used again.
    storage.open_database(site.url)
    # Each walk is a new applicant from the same address: the limits start afresh.
    with unit_of_work():
        LoginThrottle.delete().execute()
    ARTIFACTS.mkdir(exist_ok=True)
    audit = Audit(lang, width)
    try:
        walk(site, lang, width, audit, shots=width == 360 and lang in ("pl", "uk"))
    finally:
        storage_db.close_database()
    assert not audit.problems, "\n".join(audit.problems)


# One test per language and width, so that test processes share the walks out.
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_state_passes_at_phone_width(site, lang):
    _audit(site, lang, 360)


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_state_passes_at_desktop_width(site, lang):
    assert 1280 in AUDIT["widths"]
    _audit(site, lang, 1280)


@contextlib.contextmanager
def page_in(site: Site, lang: str, path: str) -> Iterator:
    context = site.browser.new_context(viewport={"width": 360, "height": 800})
    try:
        yield _open(context, site.base, path, lang)
    finally:
        context.close()


def test_a_skip_link_is_the_first_stop_and_leads_into_the_main_content(site):
    with page_in(site, "pl", "/") as page:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
        assert page.evaluate("document.activeElement.innerText") == "Przejdź do treści"
        assert page.locator("a[href='#main']").is_visible()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('main')")


def test_the_note_toggle_has_a_visible_word_and_a_big_enough_target(site):
    storage.open_database(site.url)
    try:
        filing = register(language="en")
        storage.add_deficiency(filing.number, clerk=CLERK, kind="flat_title", note=NOTE)
    finally:
        storage_db.close_database()

    with page_in(site, "en", "/") as page:
        page.get_by_label("Case number").fill(filing.display_number)
        page.get_by_label("Password").fill(filing.password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/status")
        toggle = page.locator("ul.deficiencies summary")
        box = toggle.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, box
        assert toggle.inner_text().strip() == "More information"
        assert toggle.locator(".visually-hidden, [aria-hidden=true]").count() == 0
        assert not page.get_by_text(NOTE).is_visible()
        toggle.click()
        assert page.get_by_text(NOTE).is_visible()
