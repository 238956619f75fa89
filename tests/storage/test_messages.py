"""Messages from the office: written from a template (filled in the case's language) or in the
clerk's own words, announced by exactly one SMS per message, read on the portal."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

import storage
from storage import schema
from storage.clock import today_in_warsaw
from storage.db import database, unit_of_work
from storage.delivery import sms_outbox as outbox
from storage.models import OfficeMessage, SmsOutbox
from tests.helpers import CLERK, ok, refused, register, row_counts, run_cli

SOON = (today_in_warsaw() + dt.timedelta(days=14)).isoformat()


def test_a_template_is_filled_in_the_cases_language_and_announced_once(store):
    filing = register(language="uk")
    done = storage.write_message(
        filing.number, clerk=CLERK, template="bring_document", values={"document": "photos", "date": SOON}
    )
    assert done.notice == "queued"
    (message,) = storage.case_detail(filing.number).messages
    assert message.language == "uk" and message.template == "bring_document" and message.clerk_login == CLERK
    assert message.body.startswith("Просимо надати документ: ") and SOON in message.body
    assert "35×45" in message.body  # the catalogue's Ukrainian label of the photos
    assert (message.read_at, message.sms_state) == (None, "queued")
    (claimed,) = outbox.claim_due("loop-1", 60)
    assert (claimed.kind, claimed.language) == ("message", "uk")
    detail = storage.case_detail(filing.number)
    assert detail.audit[-1].action == "message_written"
    assert detail.audit[-1].text.startswith("Anna Nowak napisała wiadomość nr ")
    assert "ze wzoru bring_document" in detail.audit[-1].text
    assert "Просимо" not in str(detail.audit[-1].detail)  # the audit keeps no text


def test_own_words_are_kept_as_written_with_their_language(store):
    filing = register(language="en")
    text = "Dzień dobry,\n\nproszę   przynieść oryginał umowy najmu.\n"
    storage.write_message(filing.number, clerk=CLERK, text=text)
    (message,) = storage.case_detail(filing.number).messages
    assert message.body == "Dzień dobry,\n\nproszę przynieść oryginał umowy najmu."
    assert (message.language, message.template) == ("pl", None)
    storage.write_message(filing.number, clerk=CLERK, text="Please bring the lease.", language="en")
    newest = storage.case_detail(filing.number).messages[0]
    assert (newest.language, newest.body) == ("en", "Please bring the lease.")


def test_one_notice_waits_per_case_and_stage_texts_are_separate(store):
    filing = register()
    first = storage.write_message(filing.number, clerk=CLERK, text="Pierwsza")
    second = storage.write_message(filing.number, clerk=CLERK, text="Druga")
    assert (first.notice, second.notice) == ("queued", "already_queued")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)  # a stage text of its own
    with unit_of_work():
        rows = list(SmsOutbox.select().where(SmsOutbox.state == "queued").order_by(SmsOutbox.id))
    assert [(r.message_id is not None, r.stage_id) for r in rows] == [(True, None), (False, "formal_check")]
    # A message is announced at most once, whatever a program does after a restart.
    with pytest.raises(pw.IntegrityError), unit_of_work(), storage.db.write_transaction():
        SmsOutbox.create(case=rows[0].case_id, message=rows[0].message_id, state="queued")


def test_no_phone_or_opted_out_means_no_text(store):
    no_phone = register(phone=None)
    assert storage.write_message(no_phone.number, clerk=CLERK, text="A").notice == "no_phone"
    quiet = register()
    storage.set_sms_opt_out(quiet.number, True, clerk=CLERK)
    assert storage.write_message(quiet.number, clerk=CLERK, text="B").notice == "opted_out"
    assert storage.case_detail(quiet.number).messages[0].sms_state is None


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({}, "message", "jedno z dwóch"),
        ({"template": "bring_document", "text": "x"}, "message", "jedno z dwóch"),
        ({"template": "nope"}, "template", "nie ma wzoru"),
        ({"template": "bring_document", "values": {"document": "photos"}}, "date", "wymagane"),
        ({"template": "bring_document", "values": {"document": "photos", "date": "1.12.2026"}}, "date", "RRRR-MM-DD"),
        ({"template": "bring_document", "values": {"document": "photos", "date": "2020-01-01"}}, "date", "przeszłości"),
        ({"template": "original_documents", "values": {"office": "WAW"}}, "office", "GDA albo SLU"),
        ({"template": "original_documents", "values": {"office": "GDA", "date": SOON}}, "date", "takiego pola"),
        ({"text": "   "}, "text", "wymagane"),
        ({"text": "x" * 2001}, "text", "2000"),
        ({"text": "a\x00b"}, "text", "sterujące"),
        ({"text": "hello", "language": "de"}, "language", "pl, en, ru, uk"),
    ],
)
def test_refused_messages_name_the_field_and_write_nothing(store, kwargs, field, words):
    filing = register()
    before = row_counts()
    with pytest.raises(storage.DomainError) as refused:
        storage.write_message(filing.number, clerk=CLERK, **kwargs)
    assert refused.value.field == field and words in str(refused.value)
    assert row_counts() == before


def test_a_closed_case_gets_no_messages(store):
    filing = register()
    storage.set_stage(filing.number, "closed", clerk=CLERK)
    with pytest.raises(storage.DomainError, match="zakończona"):
        storage.write_message(filing.number, clerk=CLERK, text="x")


def test_opening_the_portal_marks_messages_read_for_a_live_login_only(store):
    filing = register()
    storage.write_message(filing.number, clerk=CLERK, text="Proszę o kontakt.")
    assert storage.mark_read(filing.number, credential_version=99) == 0
    assert storage.mark_read(filing.number, credential_version=1) == 1
    assert storage.mark_read(filing.number, credential_version=1) == 0  # read once, stays read
    assert storage.case_detail(filing.number).messages[0].read_at is not None
    with unit_of_work():
        assert OfficeMessage.select().where(OfficeMessage.read_at.is_null()).count() == 0


def test_the_templates_come_from_the_catalogue_in_four_languages(store):
    templates = {t.code: t for t in storage.message_templates()}
    assert {"bring_document", "fingerprints", "original_documents", "fee_missing"} <= templates.keys()
    for template in templates.values():
        assert set(template.texts) == {"pl", "en", "ru", "uk"}
        for text in template.texts.values():
            assert sorted(p for p in template.placeholders) == sorted(
                name for name in ("document", "date", "office") if "{" + name + "}" in text
            )


def test_write_message_from_the_command_line(store):
    filing = register()
    out = ok(run_cli(store.url, "write-message", filing.number, "--template", "fingerprints", "--value",
                     f"date={SOON}", "--value", "office=SLU", "--clerk", CLERK))  # fmt: skip
    assert out.startswith("wiadomość nr ") and "SMS już czeka" not in out
    assert "Słupsk" in storage.case_detail(filing.number).messages[0].body
    refused(run_cli(store.url, "write-message", filing.number, "--template", "fingerprints", "--value", "date",
                    "--clerk", CLERK), "NAZWA=WARTOŚĆ")  # fmt: skip
    refused(run_cli(store.url, "write-message", filing.number, "--text", "x", "--lang", "en", "--value", "a=b",
                    "--clerk", CLERK), "tylko we wzorach")  # fmt: skip
    assert "fingerprints" in ok(run_cli(store.url, "catalog"))


def test_migration_0014_upgrades_an_older_store_and_migrate_loads_the_templates(store):
    register()
    with unit_of_work():  # what a store from before 0014 looked like (so before 0015 too)
        database.execute_sql("DROP TABLE mail_outbox")
        migrate(database.obj and (SqliteMigrator if store.backend == "sqlite" else PostgresqlMigrator)(database.obj)
                .drop_column("case_file", "email"))  # fmt: skip
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0015_case_email'")
        # SQLite cannot drop a column with a foreign key in place: peewee's migrator rebuilds the table.
        if store.backend == "sqlite":
            migrate(SqliteMigrator(database.obj).drop_column("sms_outbox", "message_id", legacy=True))
        else:
            migrate(PostgresqlMigrator(database.obj).drop_column("sms_outbox", "message_id"))
        database.execute_sql("DROP TABLE office_message")
        database.execute_sql("DROP TABLE message_template")
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0014_office_messages'")
    storage.db.close_database()
    out = ok(run_cli(store.url, "migrate"))
    assert "0014_office_messages" in out and "katalogi odświeżone" in out and "message_templates=4" in out
    storage.open_database(store.url)
    assert schema.schema_drift() == ""
    assert len(storage.message_templates()) == 4
    assert "aktualny" in ok(run_cli(store.url, "migrate"))
