"""Finding applicants by any word of their name (storage.cases.name_search), on both databases."""

import shutil

import pytest

import storage
from storage import schema
from storage.cases import name_search
from storage.cases.corrections import update_case
from storage.db import database, unit_of_work
from storage.models import Case
from tests.helpers import CLERK, CLERK_SLU, register

NAMES = [
    "Zhang Wei",
    "Tran Thi Lan",
    "Maria Santos Reyes",
    "Fatima Zahra Benali",
    "Hanna Koval",
    "Hanna Kovalenko",
    "Olha Koval",
    "Taras Ševčenko",
    "Łucja Łódźka-Wróbel",
    "Seán O'Neill",
]


def _names(text: str, **kw) -> list[str]:
    search = storage.search_by_name if "limit" in kw else storage.search_cases
    return [r.applicant_name for r in search(text, **kw)]


@pytest.fixture
def people(store):
    return {name: register(applicant_name=name) for name in NAMES}


def test_tokens_fold_case_accents_hyphens_and_apostrophes():
    assert name_search.tokens("Łucja Łódźka-Wróbel") == ["lucja", "lodzka", "wrobel"]
    assert name_search.tokens("Seán O'Neill  ŠEVČENKO") == ["sean", "oneill", "sevcenko"]
    assert name_search.tokens("Anna Anna") == ["anna"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Zhang", {"Zhang Wei"}),
        ("wei", {"Zhang Wei"}),
        ("Tran", {"Tran Thi Lan"}),
        ("thi", {"Tran Thi Lan"}),
        ("Santos", {"Maria Santos Reyes"}),
        ("Zahra", {"Fatima Zahra Benali"}),
        ("koval hanna", {"Hanna Koval", "Hanna Kovalenko"}),
        ("hanna koval", {"Hanna Koval", "Hanna Kovalenko"}),
        ("koval", {"Hanna Koval", "Hanna Kovalenko", "Olha Koval"}),
        ("kovalenko", {"Hanna Kovalenko"}),
        ("sevcenko", {"Taras Ševčenko"}),
        ("SEVČ", {"Taras Ševčenko"}),
        ("lodz", {"Łucja Łódźka-Wróbel"}),
        ("wrobel lucja", {"Łucja Łódźka-Wróbel"}),
        ("o'neill", {"Seán O'Neill"}),
        ("oneil sean", {"Seán O'Neill"}),
        ("koval taras", set()),
        ("xyz", set()),
    ],
)
def test_any_word_prefix_several_words_narrow(people, typed, found):
    assert set(_names(typed)) == found


@pytest.mark.parametrize("cap", [1, 5000])
def test_common_and_rare_words_give_the_same_answer(people, monkeypatch, cap):
    # cap=1 makes every word "common": the newest-first walk answers instead of the rare-word join.
    monkeypatch.setattr(name_search, "SELECTIVE_CAP", cap)
    assert _names("koval") == ["Olha Koval", "Hanna Kovalenko", "Hanna Koval"]  # newest first
    assert set(_names("koval hanna")) == {"Hanna Koval", "Hanna Kovalenko"}
    assert _names("koval", limit=2) == ["Olha Koval", "Hanna Kovalenko"]
    assert _names("hanna", office="SLU") == []


@pytest.mark.parametrize("walk", [False, True], ids=["rarest-word-first", "newest-first-walk"])
def test_office_filter_and_paging_by_id(people, monkeypatch, walk):
    slu = register(clerk=CLERK_SLU, applicant_name="Hanna Kovalchuk")
    if walk:
        # Every word common, and a walk window that starts just below Hanna Kovalenko's case: the first
        # page walks from a floor above 0, the second page below its start.
        with unit_of_work():
            first, last = (Case.get(Case.number == f.number).id for f in (people["Hanna Kovalenko"], slu))
        monkeypatch.setattr(name_search, "SELECTIVE_CAP", 1)
        monkeypatch.setattr(name_search, "WALK_CAP", last - first + 2)
    assert _names("hanna koval", office="SLU") == ["Hanna Kovalchuk"]
    newest = storage.search_by_name("hanna", limit=2)
    older = storage.search_by_name("hanna", limit=2, before_id=newest[-1].id)
    assert newest[0].number == slu.number
    assert {r.applicant_name for r in newest + older} == {"Hanna Kovalchuk", "Hanna Kovalenko", "Hanna Koval"}


def test_corrected_name_is_found_by_its_new_words_only(people):
    number = people["Zhang Wei"].number
    update_case(number, clerk=CLERK, applicant_name="Zhang Weiming Liu")
    assert _names("liu") == ["Zhang Weiming Liu"]
    assert _names("weim zhang") == ["Zhang Weiming Liu"]
    update_case(number, clerk=CLERK, applicant_name="Li Na")
    assert _names("zhang") == [] and _names("li na") == ["Li Na"]


def test_refused_input_names_the_rule(people):
    with pytest.raises(storage.DomainError, match="co najmniej 2"):
        storage.search_cases("k")
    with pytest.raises(storage.DomainError, match="litery"):
        storage.search_cases("ko%")


@pytest.mark.parametrize(
    "empty_store_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_migration_0006_indexes_names_already_stored(empty_store_url, tmp_path):
    _, url = empty_store_url
    before_0006 = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS_DIR, before_0006, ignore=shutil.ignore_patterns("0006_*"))
    storage.open_database(url)
    schema.migrate(before_0006)
    storage.load_fixtures()
    storage.create_clerk(CLERK, "Anna Nowak", "GDA", "clerk", "correct-horse-1")
    filings = [register(applicant_name=n) for n in NAMES]
    with unit_of_work():  # what a store from before 0006 looked like
        for statement in (
            "DROP TABLE case_name_token",
            "DROP INDEX case_file_created_at",
            "DROP INDEX audit_event_clerk_id_case_id_at",
            "ALTER TABLE stage DROP COLUMN clock_runs",
        ):
            database.execute_sql(statement)
    assert schema.pending_migrations() == ["0006_name_words_clock_today"]
    assert schema.migrate() == ["0006_name_words_clock_today"]
    assert schema.schema_drift() == ""
    from storage.catalog.cache import forget_cached_labels

    forget_cached_labels()
    assert set(_names("koval hanna")) == {"Hanna Koval", "Hanna Kovalenko"}
    assert _names("sevcenko") == ["Taras Ševčenko"]
    stopped = {s.code for s in storage.stages() if not s.clock_runs}
    assert stopped == {"suspended", "decision_issued", "card_production", "card_ready", "closed"}
    assert storage.case_detail(filings[0].number).applicant_name == "Zhang Wei"
