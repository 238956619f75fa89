"""The applicant's optional e-mail address, and the e-mail outbox beside the SMS one (its own
states; a row names the message it announces, unique: one e-mail per message)."""

import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField

from storage.migrations.existing_tables import existing_table


def up(migrator, db):
    # The tables as they were at this migration, written out here: later model changes must not alter history.
    Case = existing_table(db, "case_file")
    Stage = existing_table(db, "stage", code=CharField(primary_key=True, max_length=40))
    OfficeMessage = existing_table(db, "office_message")

    class MailOutbox(Model):
        case = ForeignKeyField(Case, on_delete="CASCADE", column_name="case_id")
        stage = ForeignKeyField(Stage, null=True, on_delete="RESTRICT", column_name="stage_id")
        message = ForeignKeyField(OfficeMessage, null=True, unique=True, on_delete="CASCADE", column_name="message_id")
        state = CharField(max_length=10, default="queued")
        created_at = DateTimeField(default=dt.datetime.now)
        due_at = DateTimeField(default=dt.datetime.now)
        attempts = IntegerField(default=0)
        lease_owner = CharField(max_length=80, null=True)
        lease_until = DateTimeField(null=True)
        message_id_header = CharField(max_length=255, null=True)
        error_code = CharField(max_length=40, null=True)
        last_error = TextField(null=True)
        sent_at = DateTimeField(null=True)
        updated_at = DateTimeField(default=dt.datetime.now)

        class Meta:
            database = db
            table_name = "mail_outbox"
            indexes = (
                (("state", "due_at"), False),
                (("case", "state"), False),
            )

    db.create_tables([MailOutbox])
    migrator.migrate(migrator.add_column("case_file", "email", CharField(max_length=254, null=True)))
