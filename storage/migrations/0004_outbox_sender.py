"""Which loop (and so which modem) sent a text: message references are per modem, so a
delivery report can only be matched among the texts its own modem sent."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column("sms_outbox", "sender", CharField(max_length=255, null=True)))
