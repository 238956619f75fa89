"""A demo store: catalogues, two demo clerks and a few dozen realistic cases in various stages.

Built through the same rules the desks use (so it is audited like real work); afterwards
the stage history is spread back over the weeks since each filing, so the portal and the
worklist look lived-in.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from storage import schema
from storage.accounts import clerks
from storage.admin.demo_history import add_decided_history
from storage.admin.demo_visits import book_demo_visits
from storage.admin.progress import Interrupted, Progress
from storage.cases import queries
from storage.cases import rules as cases
from storage.cases.processing_times import refresh_processing_times
from storage.catalog import files as catalog_files
from storage.catalog import lists as catalog
from storage.clock import today_in_warsaw, utcnow
from storage.db import write_transaction
from storage.models import Case, SmsOutbox, StageHistory

DEMO_CLERK = "demo"
DEMO_ADMIN = "demo.admin"
DEMO_SLUPSK = "demo.slupsk"
DEMO_PASSWORD = "okienko-demo-2026"

_APPLICANTS = [
    ("Olena Kovalenko", "uk"),
    ("Andrii Shevchenko", "uk"),
    ("Iryna Bondarenko", "uk"),
    ("Mykola Tkachenko", "uk"),
    ("Oksana Melnyk", "uk"),
    ("Taras Hrytsenko", "uk"),
    ("Yuliia Savchenko", "uk"),
    ("Dmytro Kravchuk", "uk"),
    ("Natalia Lysenko", "uk"),
    ("Aliaksandr Kazlou", "ru"),
    ("Volha Novikava", "ru"),
    ("Siarhei Lukashevich", "ru"),
    ("Nino Beridze", "en"),
    ("Giorgi Kapanadze", "en"),
    ("Rahul Sharma", "en"),
    ("Priya Nair", "en"),
    ("Maria Santos Reyes", "en"),
    ("Jose Dela Cruz", "en"),
    ("Nguyen Van Minh", "en"),
    ("Tran Thi Lan", "en"),
    ("Aigerim Nurlanovna", "ru"),
    ("Bekzod Karimov", "ru"),
    ("Mehmet Yilmaz", "en"),
    ("Camila Rodriguez", "en"),
    ("Juan Carlos Gomez", "en"),
    ("Fatima Zahra Benali", "en"),
    ("Kiran Thapa", "en"),
    ("Arman Sargsyan", "ru"),
    ("Svetlana Ivanova", "ru"),
    ("Petro Marchenko", "uk"),
    ("Hanna Koval", "uk"),
    ("Luis Fernandez", "en"),
    ("Emeka Okafor", "en"),
    ("Ayesha Khan", "en"),
    ("Zhang Wei", "en"),
    ("Dilnoza Rakhimova", "ru"),
]
_PL_MOBILES = ["501", "502", "509", "512", "530", "535", "570", "600", "601", "604", "660", "691", "725", "790", "880"]
_FOREIGN_MOBILES = ["+380 67 {:03d} {:04d}", "+380 50 {:03d} {:04d}", "+375 29 {:03d} {:04d}", "+91 98{:03d} {:05d}"]
# Typical paths: a case stops somewhere along one of these.
_PATHS = [
    [
        "formal_check",
        "missing_documents",
        "fingerprints",
        "authority_opinions",
        "evidence_review",
        "evidence_closed",
        "draft_decision",
        "decision_issued",
        "card_production",
        "card_ready",
        "closed",
    ],
    [
        "formal_check",
        "fingerprints",
        "authority_opinions",
        "evidence_review",
        "draft_decision",
        "decision_issued",
        "card_production",
        "card_ready",
    ],
    ["formal_check", "missing_documents", "suspended"],
    ["formal_check", "authority_opinions", "evidence_review", "decision_issued", "appeal"],
]
_NOTES = {
    "photos": "Zdjęcia muszą mieć jasne, jednolite tło i nie mogą być starsze niż 6 miesięcy.",
    "employer_annex": "Załącznik musi być podpisany przez osobę uprawnioną do reprezentowania pracodawcy.",
    "health_insurance": "Polisa musi obejmować cały okres pobytu.",
    "sworn_translation": "Tłumaczenie aktu urodzenia – tylko tłumacz przysięgły wpisany na listę MS.",
    "flat_title": "Umowa najmu powinna być ważna co najmniej do końca wnioskowanego okresu.",
}


@dataclass(frozen=True)
class DemoSummary:
    clerk_login: str
    admin_login: str
    password: str
    cases: int
    sample_number: str
    sample_password: str


def _phone(rng: random.Random, lang: str) -> str | None:
    roll = rng.random()
    if roll < 0.12:
        return None
    if lang != "pl" and roll > 0.8:
        return rng.choice(_FOREIGN_MOBILES).format(rng.randrange(1000), rng.randrange(10000))
    return f"{rng.choice(_PL_MOBILES)} {rng.randrange(1000):03d} {rng.randrange(1000):03d}"


def build_demo(case_count: int = 36, seed: int = 2026, history: bool = False, *, quiet: bool = True) -> DemoSummary:
    """Create (or top up) the demo store in the current database; with `history`, also a year of
    decided and closed cases (once), so that processing times have figures. `quiet=False` shows
    the cases done on stderr; Ctrl+C keeps the cases made so far (each one goes through the desks'
    own committed steps), and a second run tops up."""
    rng = random.Random(seed)
    schema.migrate()
    catalog_files.load_fixtures()
    existing = {c.login for c in clerks.list_clerks()}
    for login, name, office, role in (
        (DEMO_CLERK, "Anna Nowak", "GDA", "clerk"),
        (DEMO_SLUPSK, "Piotr Wiśniewski", "SLU", "clerk"),
        (DEMO_ADMIN, "Katarzyna Zielińska", "GDA", "admin"),
    ):
        if login not in existing:
            clerks.create_clerk(login, name, office, role, DEMO_PASSWORD)

    types = {t.code: t for t in catalog.case_types()}
    type_codes = list(types)
    today = today_in_warsaw()
    passwords: dict[str, tuple[str, str]] = {}
    try:
        with Progress("demo", "spraw", case_count, quiet=quiet) as shown:
            for i in range(case_count):
                _demo_case(i, rng, types, type_codes, today, passwords)
                shown.advance()
    except KeyboardInterrupt:
        raise Interrupted(
            f"dodano {len(passwords)} z {case_count} spraw demonstracyjnych (każda zapisana krokami jak przy "
            "biurku); uruchom demo ponownie – dokłada sprawy"
        ) from None
    book_demo_visits(DEMO_CLERK, rng)
    if history:
        add_decided_history(rng)
    refresh_processing_times()
    sample = _portal_sample(passwords)
    return DemoSummary(DEMO_CLERK, DEMO_ADMIN, DEMO_PASSWORD, case_count, *sample)


def _demo_case(i: int, rng: random.Random, types: dict, type_codes: list[str], today: dt.date,
               passwords: dict[str, tuple[str, str]]) -> None:  # fmt: skip
    """The i-th demo case: registered, annotated and moved along a typical path, its history spread back."""
    name, lang = _APPLICANTS[i % len(_APPLICANTS)]
    ctype = types[rng.choice(type_codes)]
    missing = [doc for doc in ctype.required_documents if rng.random() < 0.15]
    channel = rng.choices(["in_person", "post", "electronic"], weights=[6, 2, 3])[0]
    clerk = DEMO_SLUPSK if rng.random() < 0.3 else DEMO_CLERK
    filed = today - dt.timedelta(days=rng.randrange(0, 150))
    filing = cases.register_filing(
        clerk=clerk,
        case_type=ctype.code,
        applicant_name=name,
        phone=_phone(rng, lang),
        language=lang,
        channel=channel,
        external_ref=f"MOS/{filed.year}/{rng.randrange(10**6):06d}" if channel == "electronic" else None,
        filed_on=filed,
        missing=missing,
        sms_opt_out=rng.random() < 0.1,
    )
    _annotate_deficiencies(filing.number, clerk, rng)
    path = rng.choice(_PATHS)
    steps = rng.randrange(0, len(path) + 1)
    for stage in path[:steps]:
        cases.set_stage(filing.number, stage, clerk=clerk)
    _spread_history(filing.number, filed, rng)
    passwords[filing.number] = (filing.display_number, filing.password)


def _portal_sample(passwords: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """A case that shows the portal at its fullest: open, past its first stage, and with a
    missing document that carries a note behind its "(!)"."""
    best = None
    for number, credentials in passwords.items():
        detail = queries.case_detail(number)
        open_notes = [d for d in detail.deficiencies if d.note and d.resolved_at is None]
        score = (bool(open_notes), not detail.closed, len(detail.history))
        if best is None or score > best[0]:
            best = (score, credentials)
    return best[1]


def _spread_history(number: str, filed: dt.date, rng: random.Random) -> None:
    """Give the demo case's stage history believable dates between filing and today."""
    with write_transaction():
        case = Case.get(Case.number == number)
        rows = list(StageHistory.select().where(StageHistory.case == case).order_by(StageHistory.id))
        start = dt.datetime.combine(filed, dt.time(9, 30))
        span = max((utcnow() - start).total_seconds(), 3600)
        moments = sorted(start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in rows[1:])
        for row, moment in zip(rows, [start, *moments], strict=True):
            StageHistory.update(changed_at=moment).where(StageHistory.id == row.id).execute()
        Case.update(stage_changed_at=max([start, *moments]), created_at=start).where(Case.id == case.id).execute()
        SmsOutbox.update(created_at=max([start, *moments]), due_at=max([start, *moments])).where(
            SmsOutbox.case == case
        ).execute()


def _annotate_deficiencies(number: str, clerk: str, rng: random.Random) -> None:
    """Notes, a free-text deficiency now and then, and some already resolved."""
    for deficiency in queries.case_detail(number).deficiencies:
        if deficiency.kind in _NOTES and rng.random() < 0.7:
            cases.edit_deficiency_note(deficiency.id, _NOTES[deficiency.kind], clerk=clerk)
        elif rng.random() < 0.25:
            cases.resolve_deficiency(deficiency.id, clerk=clerk)
    if rng.random() < 0.08:
        cases.add_deficiency(
            number,
            clerk=clerk,
            free_text="Wyjaśnienie przerwy w zatrudnieniu",
            note="Prosimy o pisemne wyjaśnienie przerwy w zatrudnieniu w okresie sprzed złożenia wniosku.",
        )
