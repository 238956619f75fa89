"""Registering a filing: number, first stage, one-time password, deficiencies, audit; and refusals."""

import datetime as dt

import pytest

import storage
from storage.db import unit_of_work
from storage.errors import DomainError
from storage.models import AuditEvent, Case, Deficiency, StageHistory
from tests.helpers import CLERK, CLERK_SLU, register, row_counts


def test_register_filing_creates_a_complete_case(store):
    filing = register(missing=["photos", "employer_annex"], channel="electronic", external_ref="MOS/2026/000123")
    assert storage.parse_case_number(filing.display_number) == filing.number
    detail = storage.case_detail(filing.display_number)
    assert detail.applicant_name == "Olena Kovalenko"
    assert detail.phone == "+48501234567"
    assert detail.office == "GDA"
    assert detail.channel == "electronic"
    assert detail.external_ref == "MOS/2026/000123"
    assert detail.stage == "filed"
    assert detail.deadline_on == detail.filed_on + dt.timedelta(days=60)
    assert [d.kind for d in detail.deficiencies] == ["photos", "employer_annex"]
    assert [h.stage for h in detail.history] == ["filed"]
    assert [a.action for a in detail.audit] == ["filing_registered"]
    assert detail.audit[0].actor == CLERK


def test_password_is_returned_once_and_only_its_hash_is_stored(store):
    filing = register()
    with unit_of_work():
        stored = Case.get(Case.number == filing.number).password_hash
    assert stored.startswith("$2b$")
    plain = filing.password.replace("-", "")
    assert plain not in stored and filing.password not in stored
    assert storage.check_applicant(filing.display_number, filing.password).number == filing.number


def test_office_defaults_to_the_clerks_own(store):
    filing = register(clerk=CLERK_SLU)
    assert storage.case_detail(filing.number).office == "SLU"


def test_post_filing_keeps_its_postmark_date(store):
    postmark = storage.today_in_warsaw() - dt.timedelta(days=10)
    filing = register(channel="post", filed_on=postmark)
    assert storage.case_detail(filing.number).filed_on == postmark


BAD_INPUT = [
    ({"case_type": "holiday_visa"}, "case_type", "nieznany rodzaj sprawy"),
    ({"applicant_name": "   "}, "applicant_name", "wymagane"),
    ({"applicant_name": "A" * 500}, "applicant_name", "najwyżej 200"),
    ({"applicant_name": "12345"}, "applicant_name", "litery"),
    ({"applicant_name": "Jan Kow\ufffd\ufffdalski"}, "applicant_name", "uszkodzony"),  # bytes that were not UTF-8
    ({"applicant_name": "Ja" + "\u0301" * 40 + "n"}, "applicant_name", "diakrytyczne"),
    ({"phone": "to nie numer"}, "phone", "nie jest numer"),
    ({"phone": "58 307 74 27"}, "phone", "stacjonarny"),
    ({"phone": "067 123 4567"}, "phone", "kodem kraju"),
    ({"language": "de"}, "language", "dozwolone"),
    ({"channel": "pigeon"}, "channel", "dozwolone"),
    ({"external_ref": "ref with spaces!"}, "external_ref", "znaki"),
    ({"clerk": "nobody"}, "clerk", "nie ma urzędnika"),
    ({"missing": ["university_certificate"]}, "missing", "nie jest wymaganym"),
    ({"filed_on": dt.date.today() + dt.timedelta(days=3)}, "filed_on", "przyszłości"),
]


@pytest.mark.parametrize(("override", "field", "words"), BAD_INPUT)
def test_bad_input_is_refused_by_name_and_nothing_is_written(store, override, field, words):
    before = row_counts()
    with pytest.raises(DomainError) as err:
        register(**override)
    assert err.value.field == field
    assert words in str(err.value)
    assert row_counts() == before


@pytest.mark.parametrize(
    "name",
    [
        "Mohammad Rez\u200cai",  # ZWNJ: part of Persian spelling
        "\u0641\u0627\u0637\u0645\u0647 \u0631\u0636\u0627\u06cc\u06cc\u200c\u0646\u0698\u0627\u062f",
        "Ali\u200d Hosseini",  # ZWJ
        "\u0633\u0627\u0631\u0627 Ahmadi\u200e",  # LRM after a Latin surname in an Arabic-script name
        "Sara \u0627\u062d\u0645\u062f\u06cc\u200f",  # RLM
    ],
)
def test_names_with_joiners_and_direction_marks_are_real_names(store, name):
    filing = register(applicant_name=name)
    assert storage.case_detail(filing.number).applicant_name == name


def test_a_name_with_a_joiner_is_found_by_its_visible_letters(store):
    filing = register(applicant_name="Mohammad Rez\u200cai")
    assert [row.number for row in storage.search_by_surname("rezai")] == [filing.number]


@pytest.mark.parametrize(
    "mark", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
def test_bidi_overrides_and_isolates_are_still_refused(store, mark):
    before = row_counts()
    with pytest.raises(DomainError, match="sterujące") as err:
        register(applicant_name=f"Olena {mark}Kovalenko")
    assert err.value.field == "applicant_name"
    assert row_counts() == before


def test_a_deactivated_clerk_cannot_register(store):
    storage.set_clerk_active(CLERK, False)
    with pytest.raises(DomainError) as err:
        register()
    assert err.value.field == "clerk" and "wyłączone" in str(err.value)


def test_a_failure_midway_rolls_back_everything(store, monkeypatch):
    from storage import audit

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    before = row_counts()
    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        register(missing=["photos"])
    assert row_counts() == before
    with unit_of_work():
        assert not Deficiency.select().exists()
        assert not StageHistory.select().exists()
        assert not AuditEvent.select().where(AuditEvent.action == "filing_registered").exists()


def test_numbers_are_sequential_per_year_and_distinct(store):
    numbers = [register().number for _ in range(5)]
    assert len(set(numbers)) == 5
    serials = [int(n[2:-1]) for n in numbers]
    assert serials == sorted(serials) and serials[-1] - serials[0] == 4
