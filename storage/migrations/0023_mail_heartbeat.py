"""One heartbeat for both delivery channels (issue 18): the mail loop beats into the table the SMS
loop has used since 0010. A row names its channel ("sms" for every row a kept store already has),
when its loop last looked at the outbox, and how the transport answered the last try. Only new
columns, each nullable or with a default, so the upgrade rewrites no row and loses none."""

from peewee import CharField, DateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("modem_heartbeat", "channel", CharField(max_length=10, default="sms")),
        migrator.add_column("modem_heartbeat", "looked_at", DateTimeField(null=True)),
        migrator.add_column("modem_heartbeat", "last_try", CharField(max_length=20, null=True)),
        migrator.add_column("modem_heartbeat", "last_try_code", CharField(max_length=40, null=True)),
        migrator.add_column("modem_heartbeat", "last_try_at", DateTimeField(null=True)),
    )
