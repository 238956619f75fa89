"""PL/pgSQL that more than one migration writes into its functions (0018's code text, 0021's booking
text): a queued text takes its turn in its lane. Frozen like the migrations themselves – a migration
must create what it created when it was written – so nothing here ever changes meaning: a function
that needs another turn rule writes it out in its own, new migration. Not a migration file (the
runner takes only files named by a number)."""

# The variables the turn needs, at the top of the function's DECLARE section.
TURN_VARIABLES = """\
    DECLARE
      v record;
      head bigint;
      last_in_lane bigint;
      my_turn bigint;
      new_id bigint;
"""

# One after the lane's last waiting text, never before the head of the queue; then the text's row
# (the caller writes its VALUES line).
TAKE_TURN_AND_INSERT = """\
      SELECT min(turn) INTO head FROM sms_outbox WHERE state = 'sending' OR (state = 'queued' AND due_at <= p_now);
      IF head IS NULL THEN
        SELECT coalesce(max(turn), 0) INTO head FROM sms_outbox;
      END IF;
      SELECT max(turn) INTO last_in_lane FROM sms_outbox
       WHERE lane = left(p_lane, 50) AND state IN ('queued', 'sending');
      my_turn := greatest(head, coalesce(last_in_lane + 1, head));
      INSERT INTO sms_outbox (visit_id, code, priority, state, created_at, due_at, updated_at, attempts, lane, turn)
"""
