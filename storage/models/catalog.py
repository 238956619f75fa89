"""The catalogue tables, loaded from fixtures/: offices, case types and fees, deficiency kinds,
stages, legal acts, guides, info texts, message templates, visit groups and the visit rules."""

from __future__ import annotations

import json

import peewee as pw

from storage.models.base import BaseModel, MultilingualLabel


class Office(BaseModel):
    code = pw.CharField(primary_key=True, max_length=8)
    name = pw.CharField(max_length=200)
    city = pw.CharField(max_length=80)
    address = pw.TextField()
    phone = pw.CharField(max_length=40, null=True)
    email = pw.CharField(max_length=254, null=True)
    # Where in the building applicants are served ("sala obsługi, pokój 1"), per language; "" = not given.
    room_pl = pw.CharField(max_length=200, default="")
    room_en = pw.CharField(max_length=200, default="")
    room_ru = pw.CharField(max_length=200, default="")
    room_uk = pw.CharField(max_length=200, default="")
    # JSON list of [weekday 1..7, "HH:MM", "HH:MM"]; front ends name the weekdays per language.
    hours_json = pw.TextField(default="[]")
    is_main = pw.BooleanField(default=False)
    position = pw.IntegerField(default=0)

    @property
    def hours(self) -> list[tuple[int, str, str]]:
        return [tuple(row) for row in json.loads(self.hours_json)]


class CaseType(MultilingualLabel):
    code = pw.CharField(primary_key=True, max_length=40)
    # The Polish name shortened where the label does not fit the clerk's list column ("" = the label fits).
    short_pl = pw.CharField(max_length=40, default="")
    deadline_days = pw.IntegerField()
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class Fee(BaseModel):
    case_type = pw.ForeignKeyField(CaseType, backref="fees", on_delete="CASCADE")
    code = pw.CharField(max_length=40)
    label_pl = pw.CharField(max_length=300)
    label_en = pw.CharField(max_length=300)
    # Empty in a store migrated by 0012 until the fixtures are loaded again.
    label_ru = pw.CharField(max_length=300, default="")
    label_uk = pw.CharField(max_length=300, default="")
    amount_grosze = pw.IntegerField()
    position = pw.IntegerField(default=0)
    # The reduced fee where the law grants one (the information panel shows it beside the full one).
    reduced_grosze = pw.IntegerField(null=True)

    class Meta:
        indexes = ((("case_type", "code"), True),)

    def label(self, lang: str) -> str:
        return getattr(self, f"label_{lang}", None) or self.label_pl


class DeficiencyKind(MultilingualLabel):
    code = pw.CharField(primary_key=True, max_length=40)
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class RequiredDocument(BaseModel):
    case_type = pw.ForeignKeyField(CaseType, backref="required_documents", on_delete="CASCADE")
    kind = pw.ForeignKeyField(DeficiencyKind, on_delete="RESTRICT")
    position = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("case_type", "kind"), True),)


class Stage(MultilingualLabel):
    code = pw.CharField(primary_key=True, max_length=40)
    # The Polish name shortened where the label does not fit the clerk's list column ("" = the label fits).
    short_pl = pw.CharField(max_length=40, default="")
    position = pw.IntegerField(default=0)
    explanation_pl = pw.TextField()
    explanation_en = pw.TextField()
    explanation_ru = pw.TextField()
    explanation_uk = pw.TextField()
    closes_case = pw.BooleanField(default=False)
    # Whether the statutory deadline runs at this stage; only then can a case be overdue.
    clock_runs = pw.BooleanField(default=True)
    is_initial = pw.BooleanField(default=False)
    # A decision on the application was issued (the head of unit's figures count these).
    is_decision = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)
    # False for detours (e.g. a suspension): never proposed as the stage that normally follows.
    usual_path = pw.BooleanField(default=True)

    def explanation(self, lang: str) -> str:
        return getattr(self, f"explanation_{lang}", None) or self.explanation_pl


class LegalAct(MultilingualLabel):
    """A law the information panel cites: its name in each language and a link to its current text."""

    code = pw.CharField(primary_key=True, max_length=40)
    url = pw.CharField(max_length=300)
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class CaseTypeGuide(BaseModel):
    """The information panel's own texts about a kind of case (fees, documents and the time limit
    come from the other catalogues)."""

    case_type = pw.ForeignKeyField(CaseType, primary_key=True, on_delete="CASCADE")
    who_for_pl = pw.TextField()
    who_for_en = pw.TextField()
    who_for_ru = pw.TextField()
    who_for_uk = pw.TextField()
    notes_pl = pw.TextField(default="")
    notes_en = pw.TextField(default="")
    notes_ru = pw.TextField(default="")
    notes_uk = pw.TextField(default="")
    # JSON lists: filing channels (models.CHANNELS) and LegalAct codes, in the order shown.
    channels_json = pw.TextField(default="[]")
    legal_acts_json = pw.TextField(default="[]")

    class Meta:
        table_name = "case_type_guide"


class InfoText(BaseModel):
    """A text the information panel shows for every kind of case (how to pay, how to file, …)."""

    code = pw.CharField(primary_key=True, max_length=40)
    text_pl = pw.TextField()
    text_en = pw.TextField()
    text_ru = pw.TextField()
    text_uk = pw.TextField()


class MessageTemplate(BaseModel):
    """A message the office often sends, in the four languages, with {document}, {date} and
    {office} placeholders the clerk fills in."""

    code = pw.CharField(max_length=40, primary_key=True)
    label_pl = pw.CharField(max_length=200)  # what the clerk picks from
    text_pl = pw.TextField()
    text_en = pw.TextField()
    text_ru = pw.TextField()
    text_uk = pw.TextField()
    placeholders_json = pw.TextField(default="[]")
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)

    def text(self, lang: str) -> str:
        return getattr(self, f"text_{lang}", None) or self.text_pl

    @property
    def placeholder_codes(self) -> list[str]:
        return json.loads(self.placeholders_json)


class VisitGroup(MultilingualLabel):
    """A kind of matter a visit can be booked for (fixtures/visit_groups.toml)."""

    code = pw.CharField(primary_key=True, max_length=40)
    slot_minutes = pw.IntegerField()
    # The Polish name shortened where the label does not fit the clerk's list column ("" = the label fits).
    short_pl = pw.CharField(max_length=40, default="")
    # False where one person books for others (an employer, an inviting person).
    one_per_phone_per_day = pw.BooleanField(default=True)
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class VisitGroupOffice(BaseModel):
    """How an office serves a group: seats per slot and opening hours per weekday."""

    group = pw.ForeignKeyField(VisitGroup, backref="offices", on_delete="CASCADE")
    office = pw.ForeignKeyField(Office, on_delete="RESTRICT")
    desks = pw.IntegerField()
    # JSON list of [weekday 1..7, "HH:MM", "HH:MM"], Warsaw wall-clock times.
    hours_json = pw.TextField(default="[]")
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "visit_group_office"
        indexes = ((("group", "office"), True),)

    @property
    def hours(self) -> list[tuple[int, str, str]]:
        return [tuple(row) for row in json.loads(self.hours_json)]


class VisitRules(BaseModel):
    """The booking settings of fixtures/visit_groups.toml, one row (id 1)."""

    id = pw.IntegerField(primary_key=True)
    horizon_days = pw.IntegerField()
    closed_weekdays_json = pw.TextField(default="[]")
    hold_minutes = pw.IntegerField()
    code_tries = pw.IntegerField()
    timezone = pw.CharField(max_length=60)

    class Meta:
        table_name = "visit_rules"

    @property
    def closed_weekdays(self) -> frozenset[int]:
        return frozenset(json.loads(self.closed_weekdays_json))
