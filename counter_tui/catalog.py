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

    # The names in the narrow list columns (worklist, Wizyty): the catalogue's short name where
    # the full one does not fit; the case screen and the papers keep the full ones.
    def case_type_short(self, code: str, label: str) -> str:
        return next((t.short_pl for t in self.case_types if t.code == code), label)

    def stage_short(self, code: str, label: str) -> str:
        return next((s.short_pl for s in self.stages if s.code == code), label)

    def visit_group_short(self, code: str, label: str) -> str:
        return next((g.short_pl for g in self.visit_groups if g.code == code), label)

    def office_short(self, code: str) -> str:
        """The office's city ("Gdańsk"): its code ("GDA") means nothing to a clerk reading the list."""
        return next((o.city for o in self.offices if o.code == code), code)

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
