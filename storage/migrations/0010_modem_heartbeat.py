"""The SMS loop's heartbeat: one row per modem, rewritten at least every minute, so the desks and
`sms_modem status` can see whether texts are going out. A new table; nothing else changes."""

from peewee import BooleanField, CharField, DateTimeField, IntegerField, Model


def up(migrator, db):
    # The table as it was at this migration, written out here: later model changes must not alter history.
    class ModemHeartbeat(Model):
        sender = CharField(max_length=255, primary_key=True)
        owner = CharField(max_length=80)
        started_at = DateTimeField()
        seen_at = DateTimeField()
        running = BooleanField(default=True)
        connected = BooleanField(default=False)
        signal = IntegerField(null=True)
        network = CharField(max_length=80, null=True)
        registration = CharField(max_length=40, null=True)
        quiet_hours = CharField(max_length=20, null=True)
        queue_depth = IntegerField(default=0)
        oldest_due_at = DateTimeField(null=True)
        last_sent_at = DateTimeField(null=True)
        last_error = CharField(max_length=300, null=True)
        last_error_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "modem_heartbeat"

    db.create_tables([ModemHeartbeat], safe=True)
