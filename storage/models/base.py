"""The base of every table: the shared database proxy, snake_case table names, multilingual labels."""

from __future__ import annotations

import peewee as pw

from storage.db import database

CHANNELS = ("in_person", "post", "electronic")


ROLES = ("clerk", "admin")


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class MultilingualLabel(BaseModel):
    """Catalogue rows that an applicant reads carry a label in each portal language."""

    label_pl = pw.CharField(max_length=300)
    label_en = pw.CharField(max_length=300)
    label_ru = pw.CharField(max_length=300)
    label_uk = pw.CharField(max_length=300)

    def label(self, lang: str) -> str:
        return getattr(self, f"label_{lang}", None) or self.label_pl
