"""The applicant's optional e-mail address and the e-mail outbox: validated offline, registered and
corrected with the audit naming the field and never the value, queued beside the SMS with the same
coalescing and opt-out rule, one e-mail per message (a unique constraint), erased by retention,
and added to an older store by migration 0015."""

from __future__ import annotations

import datetime as dt
import json

import peewee as pw
import pytest
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

import storage
import storage.desk
from storage import schema
from storage.admin import retention
from storage.db import database, unit_of_work
from storage.delivery import mail_outbox
from storage.emails import normalise_email
from storage.errors import DomainError
from storage.models import AuditEvent, Case, MailOutbox
from tests.helpers import CLERK, ok, refused, register, row_counts, run_cli

ADDRESS = "Olena.Kovalenko@Example.COM"
STORED = "Olena.Kovalenko@example.com"


def mail_rows(number: str | None = None) -> list[MailOutbox]:
    with unit_of_work():
        query = MailOutbox.select().order_by(MailOutbox.id)
        if number:
            query = query.join(Case).where(Case.number == storage.parse_case_number(number))
        return list(query)


@pytest.mark.parametrize(
    "raw, rule",
    [
        ("olena", "poprawny adres"),
        ("olena@", "poprawny adres"),
        ("olena@gmail", "poprawny adres"),
        ("olena..k@gmail.com", "poprawny adres"),
        ("оля@gmail.com", "poprawny adres"),  # a relay cannot be assumed to take a non-ASCII mailbox
        ("a" * 250 + "@x.pl", "najwyżej 254"),
    ],
)
def test_a_bad_address_is_refused_naming_the_field(raw, rule):
    with pytest.raises(DomainError) as refused_error:
        normalise_email(raw)
    assert refused_error.value.field == "email" and rule in str(refused_error.value)
    assert str(refused_error.value).startswith("e-mail: ")


def test_addresses_are_normalised_without_asking_the_network():
    assert normalise_email(f"  {ADDRESS} ") == STORED
    assert normalise_email("") is None and normalise_email(None) is None
    # No DNS lookup: a well-formed address at a domain nobody registered is accepted.
    assert normalise_email("x@no-such-domain-okienko.pl") == "x@no-such-domain-okienko.pl"
    assert normalise_email("ola@żółw.pl") == "ola@żółw.pl"  # an internationalised domain is fine
    assert storage.desk.normalise_email is normalise_email


def test_registration_keeps_the_address_and_the_audit_only_says_there_is_one(store):
    filing = register(email=ADDRESS)
    detail = storage.case_detail(filing.number)
    assert detail.email == STORED
    registered = detail.audit[0]
    assert registered.detail["has_email"] is True and STORED not in json.dumps(registered.detail)
    before = row_counts()
    with pytest.raises(DomainError) as refused_error:
        register(email="olena@")
    assert refused_error.value.field == "email"
    assert row_counts() == before  # nothing half-written


def test_correcting_and_removing_the_address_is_audited_without_it(store):
    filing = register()
    assert storage.update_case(filing.number, clerk=CLERK, email=ADDRESS) == ["email"]
    assert storage.case_detail(filing.number).email == STORED
    assert storage.update_case(filing.number, clerk=CLERK, email=STORED) == []  # the same address: no change
    assert storage.update_case(filing.number, clerk=CLERK, email=None) == ["email"]
    detail = storage.case_detail(filing.number)
    assert detail.email is None
    corrections = [a for a in detail.audit if a.action == "case_corrected"]
    assert [a.detail["fields"] for a in corrections] == [["email"], ["email"]]
    assert corrections[0].text.endswith("poprawiła dane wnioskodawcy: e-mail")
    with unit_of_work():
        assert not any("olena" in row.detail_json.lower() for row in AuditEvent.select())
    with pytest.raises(DomainError, match="e-mail"):
        storage.update_case(filing.number, clerk=CLERK, email="not an address")


def test_stage_changes_and_messages_queue_one_email_each_burst_beside_the_sms(store):
    filing = register(email=ADDRESS)
    first = storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    second = storage.set_stage(filing.number, "missing_documents", clerk=CLERK)
    assert (first.mail, second.mail) == ("queued", "already_queued")  # one e-mail per burst, like the SMS
    assert (first.sms_queued, second.sms_skipped_because) == (True, "already_queued")
    one = storage.write_message(filing.number, clerk=CLERK, text="Proszę o zdjęcie.")
    two = storage.write_message(filing.number, clerk=CLERK, text="I o paszport.")
    assert (one.mail, two.mail) == ("queued", "already_queued")
    rows = mail_rows()
    assert [(r.stage_id, r.message_id) for r in rows] == [("formal_check", None), (None, one.id)]
    detail = storage.case_detail(filing.number)
    assert [m.mail_state for m in detail.messages] == [None, "queued"]  # newest first
    audit = [a for a in detail.audit if a.action in ("stage_changed", "message_written")]
    assert audit[0].detail["mail"] == "queued" and "e-mail w kolejce" in audit[0].text
    assert audit[1].detail["mail"] == "already_queued" and "e-mail" not in audit[1].text


def test_no_address_or_opted_out_queues_no_email_and_opting_out_cancels_queued_ones(store):
    without = register()
    assert storage.set_stage(without.number, "formal_check", clerk=CLERK).mail == "no_email"
    opted_out = register(email=ADDRESS, sms_opt_out=True)
    assert storage.write_message(opted_out.number, clerk=CLERK, text="x").mail == "opted_out"
    assert mail_rows() == []

    filing = register(email=ADDRESS)
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    storage.set_sms_opt_out(filing.number, True, clerk=CLERK)
    (row,) = mail_rows()
    assert (row.state, row.last_error) == ("cancelled", "applicant opted out")
    assert storage.case_detail(filing.number).audit[-1].detail["mail_cancelled"] == 1


def test_withdrawing_a_stage_cancels_its_queued_email(store):
    filing = register(email=ADDRESS)
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    done = storage.withdraw_stage(filing.number, clerk=CLERK)
    assert done.sms_cancelled == 1
    assert [r.state for r in mail_rows()] == ["cancelled"]
    assert "anulowano e-maile: 1" in storage.case_detail(filing.number).audit[-1].text


def test_an_address_removed_after_queueing_is_cancelled_when_the_loop_comes(store):
    filing = register(email=ADDRESS)
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    storage.update_case(filing.number, clerk=CLERK, email=None)
    assert mail_outbox.claim_due("loop", 60) == []
    (row,) = mail_rows()
    assert (row.state, row.last_error) == ("cancelled", "no e-mail address")
    assert storage.case_detail(filing.number).audit[-1].text.startswith("Wysyłka e-mail anulowała e-mail nr")


def test_a_corrected_address_and_language_are_read_at_send_time(store):
    filing = register(email=ADDRESS, language="uk")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    storage.update_case(filing.number, clerk=CLERK, email="olena@żółw.pl", language="en")
    (claimed,) = mail_outbox.claim_due("loop", 60)
    assert (claimed.address, claimed.language, claimed.kind) == ("olena@xn--w-uga1v8h.pl", "en", "stage")
    assert claimed.office == storage.offices()[0].name


def test_a_message_is_announced_by_email_at_most_once(store):
    filing = register(email=ADDRESS)
    message = storage.write_message(filing.number, clerk=CLERK, text="x")
    with unit_of_work(), pytest.raises(pw.IntegrityError), database.atomic():
        MailOutbox.create(case=filing.case_id, message=message.id, state="queued")
    assert len(mail_rows()) == 1


def test_purge_erases_the_address_of_a_closed_case_and_finished_emails(store):
    closed = register(email=ADDRESS, phone=None)
    storage.set_stage(closed.number, "closed", clerk=CLERK)
    still_open = register(email="other@example.com")
    (claimed,) = mail_outbox.claim_due("loop", 60)
    mail_outbox.record_failed(claimed.id, "loop", "smtp:550", "unknown user")
    with unit_of_work():
        closed_at = Case.get(Case.number == closed.number).stage_changed_at
    policy = retention.RetentionPolicy(closed_case_days=30, sms_days=3)
    counts = retention.purge(policy, now=closed_at + dt.timedelta(days=31))
    assert (counts.case_contacts, counts.mail_rows) == (1, 1)
    assert storage.case_detail(closed.number).email is None
    assert storage.case_detail(still_open.number).email == "other@example.com"
    assert mail_rows() == []
    assert retention.purge(policy, now=closed_at + dt.timedelta(days=32)).total == 0


def test_the_cli_registers_corrects_and_shows_the_address(store):
    out = ok(run_cli(store.url, "register", "--clerk", CLERK, "--type", "temp_work", "--name", "Olena Kovalenko",
                     "--email", ADDRESS, "--json"))  # fmt: skip
    number = json.loads(out)["case_number"]
    assert f"e-mail: {STORED}" in ok(run_cli(store.url, "show", number))
    assert "e-mail w kolejce" in ok(run_cli(store.url, "set-stage", number, "formal_check", "--clerk", CLERK))
    assert "poprawiono email" in ok(run_cli(store.url, "update-case", number, "--no-email", "--clerk", CLERK))
    assert "e-mail: –" in ok(run_cli(store.url, "show", number))
    refused(run_cli(store.url, "update-case", number, "--email", "olena@", "--clerk", CLERK), "e-mail:")
    refused(run_cli(store.url, "register", "--clerk", CLERK, "--type", "temp_work", "--name", "X Y",
                    "--email", "nope"), "e-mail:", "poprawny adres")  # fmt: skip


def test_migration_0015_adds_the_address_and_the_email_outbox_to_an_older_store(store):
    filing = register()
    with unit_of_work():  # what a store from before 0015 looked like
        database.execute_sql("DROP TABLE mail_outbox")
        migrator = SqliteMigrator(database.obj) if store.backend == "sqlite" else PostgresqlMigrator(database.obj)
        migrate(migrator.drop_column("case_file", "email"))
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0015_case_email'")
    storage.db.close_database()
    assert "0015_case_email" in ok(run_cli(store.url, "migrate"))
    storage.open_database(store.url)
    assert schema.schema_drift() == ""
    assert storage.case_detail(filing.number).email is None
    assert storage.update_case(filing.number, clerk=CLERK, email=ADDRESS) == ["email"]
    assert storage.set_stage(filing.number, "formal_check", clerk=CLERK).mail == "queued"
