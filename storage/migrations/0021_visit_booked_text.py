"""The booking's confirmation text and the code's resend (issue 20, problems 7 and 8): on PostgreSQL
the SECURITY DEFINER functions through which the portal's role queues a just-booked visit's
confirmation text and reads when a visit's first text went to the modem, with no right on
`sms_outbox` itself (storage.visit_sms; storage.roles grants them). No table changes: a visit's text
of priority 9 (just below a code text's) is its confirmation."""

from peewee import PostgresqlDatabase

from storage.migrations.frozen_sql import TAKE_TURN_AND_INSERT, TURN_VARIABLES

# Written out as they are at this migration (the turn from the frozen storage.migrations.frozen_sql): later
# changes must not alter history. A fresh store gets these very statements (storage.schema).
PG_FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION okienko_queue_visit_booked(p_visit bigint, p_lane text, p_now timestamp)
    RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
"""
    + TURN_VARIABLES
    + """    BEGIN
      SELECT * INTO v FROM visit WHERE id = p_visit FOR UPDATE;
      IF NOT FOUND OR v.phone IS NULL OR v.state <> 'booked' OR v.booked_at IS DISTINCT FROM p_now
         OR EXISTS (SELECT 1 FROM sms_outbox WHERE visit_id = p_visit AND priority = 9)
      THEN
        RAISE EXCEPTION 'this visit was not booked just now' USING ERRCODE = '42501';
      END IF;
"""
    + TAKE_TURN_AND_INSERT
    + """      VALUES (p_visit, NULL, 9, 'queued', p_now, p_now, p_now, 0, left(p_lane, 50), my_turn)
      RETURNING id INTO new_id;
      RETURN new_id;
    END $$""",
    """CREATE OR REPLACE FUNCTION okienko_visit_code_sent_at(p_visit bigint) RETURNS timestamp
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      SELECT min(sent_at) FROM sms_outbox WHERE visit_id = p_visit
    $$""",
    "REVOKE ALL ON FUNCTION okienko_queue_visit_booked(bigint, text, timestamp) FROM PUBLIC",
    "REVOKE ALL ON FUNCTION okienko_visit_code_sent_at(bigint) FROM PUBLIC",
)


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for statement in PG_FUNCTIONS:
            db.execute_sql(statement)
