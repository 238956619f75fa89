"""The demo store: catalogues, demo clerks and realistic cases in many stages."""

import storage
from storage import desk
from storage.admin import demo
from storage.admin.demo_visits import first_open_day


def test_demo_store_is_populated_and_usable(store):
    summary = demo.build_demo(case_count=24)
    stats = storage.store_stats()
    assert stats["cases"] == 24
    assert len(stats["open_cases_by_stage"]) >= 4
    assert stats["open_deficiencies"] > 0 and stats["sms_outbox"].get("queued", 0) > 0
    assert set(stats["cases_by_office"]) == {"GDA", "SLU"}
    assert storage.authenticate_clerk(summary.clerk_login, summary.password).login == "demo"
    view = storage.check_applicant(summary.sample_number, summary.sample_password, "en")
    dates = [h.on for h in view.history]
    assert dates == sorted(dates) and dates[0] == view.filed_on


def test_demo_books_a_morning_of_visits_once(store):
    demo.build_demo(case_count=2)
    day = first_open_day()
    visits = desk.visits_on("GDA", day)
    assert len(visits) >= 6 and {v.state for v in visits} == {"booked"}
    assert {"filing", "card_collection"} <= {v.group for v in visits}
    assert any(v.name == "Hanna Koval" and v.language == "uk" for v in visits)
    demo.build_demo(case_count=1)  # topping the demo up leaves the day's visits alone
    assert len(desk.visits_on("GDA", day)) == len(visits)


def test_the_demo_archive_gives_processing_times_once(store):
    from storage.cases import processing_times

    demo.build_demo(case_count=2, history=True)
    figures = {
        (f.case_type, f.office): f for f in processing_times.stored_processing_times() if f.measure == "decision"
    }
    assert figures[("temp_work", "GDA")].shown and figures[("temp_work", "GDA")].cases >= 48
    # Słupsk decided fewer than 20 family cases: counted, no figure.
    assert not figures[("temp_family", "SLU")].shown
    before = storage.store_stats()["cases"]
    demo.build_demo(case_count=1, history=True)
    assert storage.store_stats()["cases"] == before + 1  # the new case, and no second archive
