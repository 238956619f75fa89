"""The information panel's catalogues: the laws it cites, each kind of case's own texts (who it is
for, notes, filing channels, laws) and the texts shared by every kind; and the reduced fee beside a
fee. New tables and a nullable column: `load-fixtures` fills them from fixtures/info.toml and
fixtures/case_types.toml."""

import peewee as pw


def up(migrator, db):
    # The tables as they were at this migration, written out here: later model changes must not alter history.
    class CaseType(pw.Model):
        code = pw.CharField(primary_key=True, max_length=40)

        class Meta:
            database = db
            table_name = "case_type"

    class LegalAct(pw.Model):
        code = pw.CharField(primary_key=True, max_length=40)
        label_pl = pw.CharField(max_length=300)
        label_en = pw.CharField(max_length=300)
        label_ru = pw.CharField(max_length=300)
        label_uk = pw.CharField(max_length=300)
        url = pw.CharField(max_length=300)
        position = pw.IntegerField(default=0)
        active = pw.BooleanField(default=True)

        class Meta:
            database = db
            table_name = "legal_act"

    class CaseTypeGuide(pw.Model):
        case_type = pw.ForeignKeyField(CaseType, primary_key=True, on_delete="CASCADE")
        who_for_pl = pw.TextField()
        who_for_en = pw.TextField()
        who_for_ru = pw.TextField()
        who_for_uk = pw.TextField()
        notes_pl = pw.TextField(default="")
        notes_en = pw.TextField(default="")
        notes_ru = pw.TextField(default="")
        notes_uk = pw.TextField(default="")
        channels_json = pw.TextField(default="[]")
        legal_acts_json = pw.TextField(default="[]")

        class Meta:
            database = db
            table_name = "case_type_guide"

    class InfoText(pw.Model):
        code = pw.CharField(primary_key=True, max_length=40)
        text_pl = pw.TextField()
        text_en = pw.TextField()
        text_ru = pw.TextField()
        text_uk = pw.TextField()

        class Meta:
            database = db
            table_name = "info_text"

    db.create_tables([LegalAct, CaseTypeGuide, InfoText], safe=True)
    migrator.migrate(migrator.add_column("fee", "reduced_grosze", pw.IntegerField(null=True)))
