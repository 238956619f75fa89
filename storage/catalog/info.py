"""The information panel's catalogue read back: per kind of case, who it is for, the documents to
bring with their labels, fees, filing channels and the laws it rests on; the shared texts; and the
accessibility statement."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

from storage.catalog.fixture_files import fixtures_dir, read_fixture
from storage.catalog.lists import case_types
from storage.db import unit_of_work
from storage.errors import DomainError
from storage.languages import LANGUAGES
from storage.models import CaseTypeGuide, DeficiencyKind, InfoText, LegalAct
from storage.records import CaseTypeGuideInfo, DeficiencyKindInfo, LegalActInfo


def _texts(row, prefix: str) -> dict[str, str]:
    return {lang: getattr(row, f"{prefix}_{lang}") for lang in LANGUAGES}


def case_type_guides() -> list[CaseTypeGuideInfo]:
    """Every active kind of case that has a guide, in catalogue order."""
    types = case_types()
    with unit_of_work():
        guides = {g.case_type_id: g for g in CaseTypeGuide.select()}
        kinds = {k.code: DeficiencyKindInfo(k.code, _texts(k, "label")) for k in DeficiencyKind.select()}
        acts = {
            a.code: LegalActInfo(a.code, _texts(a, "label"), a.url)
            for a in LegalAct.select().where(LegalAct.active).order_by(LegalAct.position)
        }
    out = []
    for ctype in types:
        guide = guides.get(ctype.code)
        if guide is None:
            continue
        out.append(
            CaseTypeGuideInfo(
                case_type=ctype,
                who_for=_texts(guide, "who_for"),
                notes=_texts(guide, "notes"),
                documents=[kinds[code] for code in ctype.required_documents if code in kinds],
                channels=json.loads(guide.channels_json),
                legal_acts=[acts[code] for code in json.loads(guide.legal_acts_json) if code in acts],
            )
        )
    return out


def case_type_guide(code: str) -> CaseTypeGuideInfo | None:
    """One kind of case's guide; None for a code the catalogue does not have (or no longer offers)."""
    return next((g for g in case_type_guides() if g.case_type.code == code), None)


def info_texts() -> dict[str, dict[str, str]]:
    """The panel's shared texts by code, each in every language."""
    with unit_of_work():
        return {t.code: _texts(t, "text") for t in InfoText.select()}


# ------------------------------------------------------------------ the accessibility statement

# Facts about an office's building that the statement lists, in this order (fixtures/accessibility.toml).
BUILDING_FACTS = ("entrance", "lift", "parking", "induction_loop", "sign_language", "assistance_dog")
STATEMENT_FILE = "accessibility.toml"


@dataclasses.dataclass(frozen=True)
class StatementAudit:
    """The last review: the date and exactly what the automatic audit checks."""

    reviewed_on: dt.date
    axe_core: str
    standards: tuple[str, ...]
    widths: tuple[int, ...]
    languages: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class NonAccessibleContent:
    what: dict[str, str]
    reason: dict[str, str]
    alternative: dict[str, str]


@dataclasses.dataclass(frozen=True)
class AccessibilityStatement:
    """The statement's own facts and texts (each text: language → text). Offices' contacts are not here:
    they come from the offices catalogue."""

    body: str
    site_url: str
    site_name: dict[str, str]
    published_on: dt.date
    updated_on: dt.date
    contact_person: str
    audit: StatementAudit
    compliance: dict[str, str]
    non_accessible: tuple[NonAccessibleContent, ...]
    preparation: dict[str, str]
    feedback: dict[str, str]
    procedure: dict[str, str]
    mobile_apps: dict[str, str]
    # office code → fact (BUILDING_FACTS) → language → text; a fact the sources do not state is absent.
    buildings: dict[str, dict[str, dict[str, str]]]


def _four(entry: object, where: str) -> dict[str, str]:
    if not isinstance(entry, dict):
        raise DomainError("fixtures", f"{STATEMENT_FILE}: {where} musi mieć teksty pl, en, ru i uk")
    missing = [lang for lang in LANGUAGES if not str(entry.get(lang, "")).strip()]
    if missing:
        raise DomainError("fixtures", f"{STATEMENT_FILE}: {where}: brak tekstu w językach {', '.join(missing)}")
    return {lang: str(entry[lang]).strip() for lang in LANGUAGES}


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DomainError("fixtures", f"{STATEMENT_FILE}: {where} musi być datą RRRR-MM-DD") from None


def parse_statement(data: dict[str, Any], office_codes: list[str]) -> AccessibilityStatement:
    """The statement from its fixture, checked: every section present in every language, dates real,
    buildings only of known offices and only known facts."""
    for key in ("body", "site_url"):
        if not str(data.get(key, "")).strip():
            raise DomainError("fixtures", f"{STATEMENT_FILE}: brak pola {key}")
    if not str(data["site_url"]).startswith("https://"):
        raise DomainError("fixtures", f"{STATEMENT_FILE}: site_url musi zaczynać się od https://")
    audit = data.get("audit")
    if not isinstance(audit, dict):
        raise DomainError("fixtures", f"{STATEMENT_FILE}: brak sekcji [audit]")
    published, updated = _date(data.get("published_on"), "published_on"), _date(data.get("updated_on"), "updated_on")
    if updated < published:
        raise DomainError("fixtures", f"{STATEMENT_FILE}: updated_on nie może być wcześniejsze niż published_on")
    buildings: dict[str, dict[str, dict[str, str]]] = {}
    for code, facts in (data.get("building") or {}).items():
        if code not in office_codes:
            raise DomainError("fixtures", f"{STATEMENT_FILE}: building.{code}: nieznany urząd")
        unknown = sorted(set(facts) - set(BUILDING_FACTS))
        if unknown:
            raise DomainError("fixtures", f"{STATEMENT_FILE}: building.{code}: nieznane pola {unknown}")
        buildings[code] = {fact: _four(facts[fact], f"building.{code}.{fact}") for fact in BUILDING_FACTS
                           if fact in facts}  # fmt: skip
    return AccessibilityStatement(
        body=str(data["body"]).strip(),
        site_url=str(data["site_url"]).strip(),
        site_name=_four(data.get("site_name"), "site_name"),
        published_on=published,
        updated_on=updated,
        contact_person=str(data.get("contact_person", "")).strip(),
        audit=StatementAudit(
            reviewed_on=_date(audit.get("reviewed_on"), "audit.reviewed_on"),
            axe_core=str(audit.get("axe_core", "")),
            standards=tuple(audit.get("standards", ())),
            widths=tuple(int(w) for w in audit.get("widths", ())),
            languages=tuple(audit.get("languages", ())),
        ),
        compliance=_four(data.get("compliance"), "compliance"),
        non_accessible=tuple(
            NonAccessibleContent(
                *(_four(item.get(k), f"non_accessible.{k}") for k in ("what", "reason", "alternative"))
            )
            for item in data.get("non_accessible", [])
        ),
        preparation=_four(data.get("preparation"), "preparation"),
        feedback=_four(data.get("feedback"), "feedback"),
        procedure=_four(data.get("procedure"), "procedure"),
        mobile_apps=_four(data.get("mobile_apps"), "mobile_apps"),
        buildings={code: buildings.get(code, {}) for code in office_codes},
    )


@functools.lru_cache(maxsize=4)
def _statement_at(path: Path, modified_ns: int) -> AccessibilityStatement:
    office_codes = [o["code"] for o in read_fixture(path.parent, "offices.toml").get("office", [])]
    return parse_statement(read_fixture(path.parent, STATEMENT_FILE), office_codes)


def accessibility_statement() -> AccessibilityStatement:
    """The statement as published: read from its fixture, the same file the CI audit reads, so the date
    and method it states are the audit's own. Read again only when the file changes."""
    path = fixtures_dir() / STATEMENT_FILE
    try:
        modified = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise DomainError("fixtures", f"brak pliku {path}") from None
    return _statement_at(path, modified)
