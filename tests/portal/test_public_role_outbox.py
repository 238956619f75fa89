"""Issue 17, finding 5: the portal's PostgreSQL role could write any SMS outbox row – queue a text for
every applicant from case_file, or put its own "code" in a queued text. As that role on the real
server: no right on sms_outbox at all; a visit's code text only through the SECURITY DEFINER function,
which takes a visit and a code the visit stores and nothing else."""

from __future__ import annotations

import datetime as dt

import peewee
import pytest

import storage
from storage.db import database
from tests.helpers import CLERK, register
from tests.portal.test_public_role import public_role  # noqa: F401 – the fixture
from tests.portal.test_public_role_visits import as_owner
from tests.storage.visit_helpers import NOW, code_of, first_slot

pytestmark = pytest.mark.parametrize("store", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


def refused(sql: str, params: tuple = (), match: str = "permission denied") -> None:
    with pytest.raises(peewee.ProgrammingError, match=match), database.atomic():
        database.execute_sql(sql, params)


def queued_texts() -> list[tuple]:
    with storage.unit_of_work():
        return database.execute_sql("SELECT id, visit_id, case_id, code, state FROM sms_outbox ORDER BY id").fetchall()


def test_the_portal_role_cannot_write_or_read_the_outbox_only_queue_its_holds_code(store, public_role):  # noqa: F811
    _role, role_url = public_role
    stage_case = register(applicant_name="Some Applicant", phone="+48 604 111 222", language="pl")
    storage.set_stage(stage_case.number, "formal_check", clerk=CLERK)  # a stage text waits in the outbox
    before = queued_texts()
    assert len(before) == 1

    storage.db.close_database()
    storage.open_database(role_url)
    held = storage.portal.request_visit("GDA", "filing", first_slot(), "Olena Kovalenko", "+48 501 234 567", "uk",
                                        "203.0.113.7", now=NOW)  # fmt: skip
    with as_owner(store, role_url):
        right = code_of(held.reference)
    wrong = "000000" if right != "000000" else "111111"
    with storage.unit_of_work():
        (visit_id,) = database.execute_sql("SELECT id FROM visit WHERE reference = %s", (held.reference,)).fetchone()
        # The shapes of the finding: a text to every applicant, a queued text rewritten.
        refused(
            "INSERT INTO sms_outbox (case_id, state, priority, attempts, created_at, due_at, updated_at) "
            "SELECT id, 'queued', 0, 0, now(), now(), now() FROM case_file"
        )
        refused("UPDATE sms_outbox SET code = 'PAY99'")
        refused("UPDATE sms_outbox SET state = 'queued'")
        refused("SELECT id FROM sms_outbox")
        refused("SELECT code FROM sms_outbox")
        refused("DELETE FROM sms_outbox")
        # The function takes no recipient and no text: only a visit and the code that visit stores.
        now = NOW + dt.timedelta(seconds=1)
        fn = "SELECT okienko_queue_visit_code(%s, %s, %s, %s)"
        refused(fn, (visit_id, "PAY99", "x", now), match="6 digits")
        refused(fn, (visit_id, wrong, "x", now), match="not a live code")
        other = database.execute_sql("SELECT min(id) FROM visit WHERE id <> %s", (visit_id,)).fetchone()[0]
        assert other is None  # no other visit: a made-up id is refused like a wrong code
        refused(fn, (visit_id + 1000, "123456", "x", now), match="not a live code")
        # Dropping texts takes only dead codes: the hold's live text stays queued.
        (dropped,) = database.execute_sql("SELECT okienko_drop_visit_codes(%s, 'x', %s)", (visit_id, now)).fetchone()
        assert dropped == 0

    with as_owner(store, role_url):
        after = queued_texts()
        assert after[: len(before)] == before  # the stage text untouched
        assert [(v, c, state) for _, v, c, _, state in after[len(before) :]] == [(visit_id, None, "queued")]
        # Who owns the function and how it runs: the store's owner, SECURITY DEFINER, search_path pinned.
        with storage.unit_of_work():
            definer, config, owner = database.execute_sql(
                "SELECT p.prosecdef, p.proconfig, pg_get_userbyid(p.proowner) FROM pg_proc p "
                "WHERE p.proname = 'okienko_queue_visit_code'"
            ).fetchone()
            (me,) = database.execute_sql("SELECT current_user").fetchone()
        assert definer and owner == me and any(c.startswith("search_path=") for c in config)
