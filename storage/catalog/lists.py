"""The catalogues read back as plain values: offices, case types with fees and required
documents, stages, deficiency kinds."""

from __future__ import annotations

from storage.db import unit_of_work
from storage.languages import LANGUAGES
from storage.models import (
    CaseType,
    DeficiencyKind,
    Fee,
    MessageTemplate,
    Office,
    RequiredDocument,
    Stage,
)
from storage.records import CaseTypeInfo, DeficiencyKindInfo, FeeInfo, MessageTemplateInfo, OfficeInfo, StageInfo

# The deficiency kind that means "the fee was not shown paid" (storage.cases.queries names it too):
# the receipt and the portal then name the case type's fees.
FEE_PROOF_KIND = "fee_proof"


def _labels_of(row, prefix: str = "label") -> dict[str, str]:
    return {lang: getattr(row, f"{prefix}_{lang}") for lang in LANGUAGES}


def _in_catalogue_order(model, include_inactive: bool):
    """A catalogue's rows in the order the fixtures give them; the ones a load made inactive only on request."""
    query = model.select().order_by(model.position)
    return query if include_inactive else query.where(model.active)


def office_info(o: Office) -> OfficeInfo:
    room = {lang: getattr(o, f"room_{lang}") for lang in LANGUAGES} if o.room_pl else {}
    return OfficeInfo(o.code, o.name, o.city, o.address, o.phone or None, o.hours, o.is_main, o.email or None, room)


def _fee_info(fee: Fee) -> FeeInfo:
    return FeeInfo(
        fee.code, fee.label_pl, fee.label_en, fee.amount_grosze, fee.label_ru, fee.label_uk, fee.reduced_grosze
    )


def fees_of(case_type: str) -> list[FeeInfo]:
    """The catalogue's fees for a kind of case, in catalogue order. Call inside a unit of work."""
    return [_fee_info(f) for f in Fee.select().where(Fee.case_type == case_type).order_by(Fee.position)]


def offices() -> list[OfficeInfo]:
    with unit_of_work():
        return [office_info(o) for o in Office.select().order_by(Office.position)]


def case_types(include_inactive: bool = False) -> list[CaseTypeInfo]:
    with unit_of_work():
        query = _in_catalogue_order(CaseType, include_inactive)
        fees: dict[str, list[FeeInfo]] = {}
        for fee in Fee.select().order_by(Fee.position):
            fees.setdefault(fee.case_type_id, []).append(_fee_info(fee))
        required: dict[str, list[str]] = {}
        for doc in RequiredDocument.select().order_by(RequiredDocument.position):
            required.setdefault(doc.case_type_id, []).append(doc.kind_id)
        return [
            CaseTypeInfo(
                t.code, _labels_of(t), t.deadline_days, fees.get(t.code, []), required.get(t.code, []), t.short_pl
            )
            for t in query
        ]


def stages(include_inactive: bool = False) -> list[StageInfo]:
    with unit_of_work():
        query = _in_catalogue_order(Stage, include_inactive)
        return [
            StageInfo(
                s.code,
                s.position,
                _labels_of(s),
                _labels_of(s, "explanation"),
                s.closes_case,
                s.is_initial,
                s.usual_path,
                s.clock_runs,
                s.short_pl,
            )
            for s in query
        ]


def deficiency_kinds(include_inactive: bool = False) -> list[DeficiencyKindInfo]:
    with unit_of_work():
        query = _in_catalogue_order(DeficiencyKind, include_inactive)
        return [DeficiencyKindInfo(k.code, _labels_of(k)) for k in query]


def message_templates(include_inactive: bool = False) -> list[MessageTemplateInfo]:
    with unit_of_work():
        query = _in_catalogue_order(MessageTemplate, include_inactive)
        return [
            MessageTemplateInfo(t.code, t.label_pl, {lang: t.text(lang) for lang in LANGUAGES}, t.placeholder_codes)
            for t in query
        ]
