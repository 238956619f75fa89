"""How long cases take: a summary table refreshed in the background (storage.processing_times), so
that the status page reads one row instead of aggregating the history. Empty until the first refresh."""

import peewee as pw


def up(migrator, db):
    # The table as it was at this migration, written out here: later model changes must not alter history.
    class ProcessingTime(pw.Model):
        case_type = pw.CharField(max_length=40)
        office = pw.CharField(max_length=10)
        measure = pw.CharField(max_length=40)
        cases = pw.IntegerField()
        median_days = pw.FloatField(null=True)
        p80_days = pw.FloatField(null=True)
        computed_at = pw.DateTimeField()

        class Meta:
            database = db
            table_name = "processing_time"
            primary_key = pw.CompositeKey("case_type", "office", "measure")

    db.create_tables([ProcessingTime], safe=True)
