"""Server-side applicant sessions: logout, a re-issued password and the idle/absolute limits
end a session for every copy of its cookie (the cookie alone used to be the session)."""

import peewee as pw


def up(migrator, db):
    class PortalSession(pw.Model):
        id = pw.CharField(max_length=64, primary_key=True)
        case_number = pw.CharField(max_length=16, index=True)
        credential_version = pw.IntegerField()
        created_at = pw.DateTimeField()
        last_seen_at = pw.DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "portal_session"

    db.create_tables([PortalSession], safe=True)
