"""Messages from the office to the applicant ("monit"), their templates, and the outbox's link
to the message a notification is about (unique: one notification per message)."""

import datetime as dt

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField

from storage.migrations.existing_tables import existing_table


def up(migrator, db):
    class MessageTemplate(Model):
        code = CharField(max_length=40, primary_key=True)
        label_pl = CharField(max_length=200)
        text_pl = TextField()
        text_en = TextField()
        text_ru = TextField()
        text_uk = TextField()
        placeholders_json = TextField(default="[]")
        position = IntegerField(default=0)
        active = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "message_template"

    Case = existing_table(db, "case_file")
    Clerk = existing_table(db, "clerk")

    class OfficeMessage(Model):
        case = ForeignKeyField(Case, on_delete="CASCADE", column_name="case_id")
        clerk = ForeignKeyField(Clerk, on_delete="RESTRICT", column_name="clerk_id")
        template = ForeignKeyField(MessageTemplate, null=True, on_delete="RESTRICT", column_name="template_id")
        language = CharField(max_length=2)
        body = TextField()
        created_at = DateTimeField(default=dt.datetime.now)
        read_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "office_message"
            indexes = ((("case", "created_at"), False),)

    db.create_tables([MessageTemplate, OfficeMessage])
    migrator.migrate(
        migrator.add_column(
            "sms_outbox",
            "message_id",
            ForeignKeyField(OfficeMessage, null=True, unique=True, on_delete="CASCADE", field=OfficeMessage.id),
        ),
    )
