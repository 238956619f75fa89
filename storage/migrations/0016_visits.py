"""Visit booking (issue 11): the groups a visit is booked for and how each office serves them, the
booking settings, the visits themselves with two partial unique indexes (no seat twice, one visit
per phone per day), and the outbox's code texts (a visit link, the code until sent, a priority;
the case link becomes optional). `load-fixtures` fills the catalogue from fixtures/visit_groups.toml."""

import datetime as dt

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField

from storage.migrations.existing_tables import existing_table

SEAT_STATES = ("held", "booked", "arrived", "no_show", "served")


def up(migrator, db):
    # The tables as they were at this migration, written out here: later model changes must not alter history.
    Office = existing_table(db, "office", code=CharField(primary_key=True, max_length=8))
    Clerk = existing_table(db, "clerk")
    Case = existing_table(db, "case_file")

    class VisitGroup(Model):
        code = CharField(primary_key=True, max_length=40)
        label_pl = CharField(max_length=300)
        label_en = CharField(max_length=300)
        label_ru = CharField(max_length=300)
        label_uk = CharField(max_length=300)
        slot_minutes = IntegerField()
        one_per_phone_per_day = BooleanField(default=True)
        position = IntegerField(default=0)
        active = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "visit_group"

    class VisitGroupOffice(Model):
        group = ForeignKeyField(VisitGroup, on_delete="CASCADE", column_name="group_id")
        office = ForeignKeyField(Office, on_delete="RESTRICT", column_name="office_id")
        desks = IntegerField()
        hours_json = TextField(default="[]")
        active = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "visit_group_office"
            indexes = ((("group", "office"), True),)

    class VisitRules(Model):
        id = IntegerField(primary_key=True)
        horizon_days = IntegerField()
        closed_weekdays_json = TextField(default="[]")
        hold_minutes = IntegerField()
        code_tries = IntegerField()
        timezone = CharField(max_length=60)

        class Meta:
            database = db
            table_name = "visit_rules"

    class Visit(Model):
        reference = CharField(max_length=16, unique=True)
        office = ForeignKeyField(Office, on_delete="RESTRICT", column_name="office_id")
        group = ForeignKeyField(VisitGroup, on_delete="RESTRICT", column_name="group_id")
        starts_at = DateTimeField()
        visit_day = DateField()
        seat = IntegerField()
        state = CharField(max_length=10)
        name = CharField(max_length=200, null=True)
        phone = CharField(max_length=20, null=True)
        language = CharField(max_length=2, default="pl")
        phone_day_key = CharField(max_length=20, null=True)
        code_hash = CharField(max_length=64, null=True)
        code_purpose = CharField(max_length=10, null=True)
        code_expires_at = DateTimeField(null=True)
        code_tries_left = IntegerField(default=0)
        hold_expires_at = DateTimeField(null=True)
        created_at = DateTimeField(default=dt.datetime.now)
        booked_at = DateTimeField(null=True)
        booked_by = ForeignKeyField(Clerk, null=True, on_delete="RESTRICT", column_name="booked_by_id")
        cancelled_at = DateTimeField(null=True)
        updated_at = DateTimeField(default=dt.datetime.now)
        case = ForeignKeyField(Case, null=True, on_delete="SET NULL", column_name="case_id")
        personal_data_purged_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "visit"
            indexes = (
                (("office", "visit_day", "starts_at"), False),
                (("state", "hold_expires_at"), False),
            )

    Visit.add_index(
        Visit.index(
            Visit.office,
            Visit.group,
            Visit.starts_at,
            Visit.seat,
            unique=True,
            where=Visit.state.in_(SEAT_STATES),
            name="visit_seat_taken",
        )
    )
    Visit.add_index(
        Visit.index(
            Visit.phone_day_key,
            Visit.visit_day,
            unique=True,
            where=Visit.state.in_(SEAT_STATES) & Visit.phone_day_key.is_null(False),
            name="visit_phone_day",
        )
    )

    db.create_tables([VisitGroup, VisitGroupOffice, VisitRules, Visit])
    migrator.migrate(
        migrator.add_column(
            "sms_outbox", "visit_id", ForeignKeyField(Visit, null=True, on_delete="CASCADE", field=Visit.id)
        ),
        migrator.add_column("sms_outbox", "code", CharField(max_length=6, null=True)),
        migrator.add_column("sms_outbox", "priority", IntegerField(default=0)),
        migrator.drop_not_null("sms_outbox", "case_id"),
    )
