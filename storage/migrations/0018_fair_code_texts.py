"""Fair and bounded code texts (issue 17): where an online hold came from, no more precisely than the
limits need (`visit.client_prefix`, the client's /24 or /64; `visit.client_key`, a digest of the address
while the hold is pending), the outbox's lanes and turns (fair sending across networks), and on
PostgreSQL the SECURITY DEFINER functions through which the portal's role queues and drops a visit's
code text without any right on `sms_outbox` itself (storage.visit_sms; storage.roles grants them).
Existing texts keep turn 0 and no lane: they go first, in their old order."""

from peewee import BigIntegerField, CharField, PostgresqlDatabase

from storage.migrations.frozen_sql import TAKE_TURN_AND_INSERT, TURN_VARIABLES

# Written out as they are at this migration (the turn from the frozen storage.migrations.frozen_sql): later
# changes must not alter history. A fresh store gets these very statements (storage.schema).
PG_FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION okienko_queue_visit_code(p_visit bigint, p_code text, p_lane text, p_now timestamp)
    RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
"""
    + TURN_VARIABLES
    + """      ahead integer;
    BEGIN
      IF p_code IS NULL OR p_code !~ '^[0-9]{6}$' THEN
        RAISE EXCEPTION 'a visit code has 6 digits' USING ERRCODE = '42501';
      END IF;
      SELECT * INTO v FROM visit WHERE id = p_visit FOR UPDATE;
      IF NOT FOUND OR v.phone IS NULL OR v.code_hash IS NULL OR v.code_expires_at IS NULL
         OR v.code_expires_at <= p_now
         OR NOT ((v.code_purpose = 'confirm' AND v.state = 'held')
                 OR (v.code_purpose = 'cancel' AND v.state = 'booked'))
         OR v.code_hash <> encode(sha256(convert_to(
              v.reference || ':' || v.code_purpose || ':' || p_code, 'UTF8')), 'hex')
      THEN
        RAISE EXCEPTION 'this is not a live code of the visit' USING ERRCODE = '42501';
      END IF;
      UPDATE sms_outbox SET state = 'cancelled', code = NULL, updated_at = p_now,
             last_error = 'replaced by a newer code'
       WHERE visit_id = p_visit AND state = 'queued';
"""
    + TAKE_TURN_AND_INSERT
    + """      VALUES (p_visit, p_code, 10, 'queued', p_now, p_now, p_now, 0, left(p_lane, 50), my_turn)
      RETURNING id INTO new_id;
      SELECT count(*) INTO ahead FROM sms_outbox
       WHERE state IN ('queued', 'sending')
         AND (turn < my_turn OR (turn = my_turn AND priority >= 10 AND id < new_id));
      RETURN ahead;
    END $$""",
    """CREATE OR REPLACE FUNCTION okienko_drop_visit_codes(p_visit bigint, p_reason text, p_now timestamp)
    RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    DECLARE
      dropped integer;
    BEGIN
      -- Only texts whose code the visit no longer has: a live code text cannot be stopped this way.
      UPDATE sms_outbox o SET state = 'cancelled', code = NULL, updated_at = p_now, last_error = left(p_reason, 200)
        FROM visit v
       WHERE o.visit_id = v.id AND v.id = p_visit AND o.state = 'queued'
         AND (v.code_hash IS NULL OR o.code IS NULL OR v.code_hash <> encode(sha256(convert_to(
              v.reference || ':' || coalesce(v.code_purpose, '') || ':' || o.code, 'UTF8')), 'hex'));
      GET DIAGNOSTICS dropped = ROW_COUNT;
      RETURN dropped;
    END $$""",
    """CREATE OR REPLACE FUNCTION okienko_sms_send_gap() RETURNS double precision
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      SELECT percentile_cont(0.2) WITHIN GROUP (ORDER BY gap) FROM (
        SELECT extract(epoch FROM sent_at - lag(sent_at) OVER (ORDER BY sent_at))::float8 AS gap
          FROM (SELECT sent_at FROM sms_outbox WHERE sent_at IS NOT NULL ORDER BY sent_at DESC LIMIT 21) AS recent
      ) AS gaps WHERE gap > 0 AND gap <= 60 HAVING count(*) >= 3
    $$""",
    "REVOKE ALL ON FUNCTION okienko_queue_visit_code(bigint, text, text, timestamp) FROM PUBLIC",
    "REVOKE ALL ON FUNCTION okienko_drop_visit_codes(bigint, text, timestamp) FROM PUBLIC",
    "REVOKE ALL ON FUNCTION okienko_sms_send_gap() FROM PUBLIC",
)


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("visit", "client_prefix", CharField(max_length=50, null=True)),
        migrator.add_column("visit", "client_key", CharField(max_length=20, null=True)),
        migrator.add_column("sms_outbox", "lane", CharField(max_length=50, null=True)),
        migrator.add_column("sms_outbox", "turn", BigIntegerField(default=0)),
        migrator.add_index("visit", ("client_prefix", "created_at"), False),
        migrator.add_index("visit", ("client_key", "state"), False),
        migrator.add_index("visit", ("phone_key", "state"), False),
        migrator.add_index("sms_outbox", ("state", "turn"), False),
        migrator.add_index("sms_outbox", ("lane", "state"), False),
        migrator.add_index("sms_outbox", ("sent_at",), False),
    )
    if isinstance(db, PostgresqlDatabase):
        for statement in PG_FUNCTIONS:
            db.execute_sql(statement)
