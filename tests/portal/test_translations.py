"""Every text of the portal is in the template catalogue and translated into all four languages."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "public_status" / "translations"


def _extracted(tmp_path: Path):
    out = tmp_path / "extracted.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "public_status/babel.cfg",
         "--no-location", "--omit-header", "-k", "_l", "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with out.open("rb") as handle:
        return read_po(handle)


def test_the_template_catalogue_holds_every_text_of_the_code(tmp_path):
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    missing = {m.id for m in _extracted(tmp_path) if m.id and m.id not in committed}
    assert not missing, f"add to messages.pot and every .po: {missing}"


def test_every_text_is_translated_into_every_language(tmp_path):
    wanted = [m for m in _extracted(tmp_path) if m.id]
    for lang in ("pl", "en", "ru", "uk"):
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalogue = read_po(handle, locale=lang)
        for message in wanted:
            found = catalogue.get(message.id)
            assert found is not None, (lang, message.id)
            strings = found.string if isinstance(found.string, tuple) else (found.string,)
            assert all(strings), (lang, message.id)
            assert not found.fuzzy, (lang, message.id)


def test_a_time_of_day_is_written_in_each_languages_own_way_and_in_warsaw(portal_app):
    """The remembered `timeformat` keeps each language's own answer (English on a 12-hour clock) and
    shows Warsaw's time for a time stored in UTC."""
    from public_status.i18n import time_of_day

    winter, summer = dt.datetime(2026, 12, 7, 14, 30), dt.datetime(2026, 7, 7, 14, 30)  # UTC
    for lang, expected in (("en", "3:30 PM"), ("pl", "15:30"), ("en", "3:30 PM"), ("uk", "15:30"), ("ru", "15:30")):
        with portal_app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
            assert time_of_day(winter).replace("\u202f", " ") == expected, lang
    with portal_app.test_request_context("/", headers={"Cookie": "lang=pl"}):
        assert time_of_day(summer) == "16:30"
