"""The catalogues the screens need, loaded once after login (they change only on load-fixtures)."""

from __future__ import annotations

import dataclasses

from storage import desk as store
from storage.desk import (
    CaseTypeInfo,
    DeficiencyKindInfo,
    MessageTemplateInfo,
    OfficeInfo,
    StageInfo,
    VisitGroupInfo,
)


@dataclasses.dataclass(frozen=True)
class Catalog:
    stages: list[StageInfo]
    case_types: list[CaseTypeInfo]
    deficiency_kinds: list[DeficiencyKindInfo]
    offices: list[OfficeInfo]
    message_templates: list[MessageTemplateInfo] = dataclasses.field(default_factory=list)
    visit_groups: list[VisitGroupInfo] = dataclasses.field(default_factory=list)

    def stage_label(self, code: str) -> str:
        return next((s.label["pl"] for s in self.stages if s.code == code), code)

    def kind_label(self, code: str) -> str:
        return next((k.label["pl"] for k in self.deficiency_kinds if k.code == code), code)

    def template_label(self, code: str | None) -> str:
        if code is None:
            return "własny tekst"
        return next((t.label_pl for t in self.message_templates if t.code == code), code)

    def case_type(self, code: str) -> CaseTypeInfo | None:
        return next((t for t in self.case_types if t.code == code), None)


def load_catalog() -> Catalog:
    return Catalog(
        store.stages(),
        store.case_types(),
        store.deficiency_kinds(),
        store.offices(),
        store.message_templates(),
        store.visit_groups(),
    )
