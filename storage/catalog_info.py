"""The information panel's catalogue read back: per kind of case, who it is for, the documents to
bring with their labels, fees, filing channels and the laws it rests on; and the shared texts."""

from __future__ import annotations

import json

from storage.catalog import case_types
from storage.db import unit_of_work
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
