"""The portal's database role may not read a visit's phone, yet booking needs to know a phone
again (limits, one visit per phone per day): visits get `phone_key`, a digest of the phone, and
the per-day index holds that digest instead of the number. Existing rows are rewritten."""

import hashlib

from peewee import CharField, Model


def _phone_key(mobile):
    # Written out here (as storage.visits.phone_key is today): later changes must not alter history.
    if not mobile:
        return None
    return hashlib.sha256(f"okienko-visit-phone:{mobile}".encode()).hexdigest()[:20]


def up(migrator, db):
    migrator.migrate(migrator.add_column("visit", "phone_key", CharField(max_length=20, null=True)))

    class Visit(Model):
        phone = CharField(null=True)
        phone_day_key = CharField(null=True)
        phone_key = CharField(null=True)

        class Meta:
            database = db
            table_name = "visit"

    for row in Visit.select(Visit.id, Visit.phone, Visit.phone_day_key).where(Visit.phone.is_null(False)):
        Visit.update(phone_key=_phone_key(row.phone), phone_day_key=_phone_key(row.phone_day_key)).where(
            Visit.id == row.id
        ).execute()
