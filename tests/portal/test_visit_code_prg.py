"""Issue 20, outside tester's finding 1: the code page after a wrong code was the answer to a POST
and told the applicant to "reload this page" for a resend; a reload sent the wrong code again and
spent one of the three tries. Now a wrong code redirects back to the code page (Post/Redirect/Get),
its error shown once, and no hint asks for a reload."""

from __future__ import annotations

from tests.portal.visit_helpers import (
    CSRF,
    ask_for_code,
    code_path,
    confirm,
    first_time_link,
    request_code,
    sms_code,
    visit_state,
)


def wrong_code_for(reference: str) -> str:
    return "000000" if sms_code(reference) != "000000" else "111111"


def test_a_wrong_booking_code_redirects_and_reloading_spends_no_try(portal):
    portal.get("/lang/en")
    path, reference = ask_for_code(portal)
    answer = confirm(portal, path, wrong_code_for(reference))
    assert answer.status_code == 303 and code_path(answer) == path
    shown = portal.get(path)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Code from the SMS: This code is not correct. Tries left: 2." in html
    assert 'aria-invalid="true"' in html
    # A reload is a GET: the error is gone and no try was spent.
    for _ in range(3):
        again = portal.get(path).get_data(as_text=True)
        assert "not correct" not in again
    assert visit_state(reference) == "held"
    answer = confirm(portal, path, wrong_code_for(reference))
    assert "Tries left: 1." in portal.get(code_path(answer)).get_data(as_text=True)
    assert confirm(portal, path, sms_code(reference)).status_code == 200
    assert visit_state(reference) == "booked"


def test_a_code_that_is_no_code_is_shown_once_after_a_redirect(portal):
    portal.get("/lang/uk")
    path = code_path(request_code(portal, first_time_link(portal)))
    answer = confirm(portal, path, "12")
    assert answer.status_code == 303
    assert "Код складається рівно з 6 цифр" in portal.get(path).get_data(as_text=True)
    assert "Код складається рівно з 6 цифр" not in portal.get(path).get_data(as_text=True)


def test_a_wrong_cancellation_code_redirects_too(portal):
    portal.get("/lang/en")
    path, reference = ask_for_code(portal)
    assert confirm(portal, path, sms_code(reference)).status_code == 200
    token = CSRF.search(portal.get("/visit/cancel").get_data(as_text=True))[1]
    assert portal.post("/visit/cancel", data={"csrf_token": token, "reference": reference}).status_code == 303
    cancel_path = f"/visit/cancel/{reference}"
    answer = confirm(portal, cancel_path, wrong_code_for(reference))
    assert answer.status_code == 303 and code_path(answer) == cancel_path
    assert "Tries left: 2." in portal.get(cancel_path).get_data(as_text=True)
    assert "Tries left" not in portal.get(cancel_path).get_data(as_text=True)
    assert visit_state(reference) == "booked"


def test_no_hint_on_the_code_page_asks_for_a_reload(portal):
    from pathlib import Path

    import public_status

    for lang in ("en", "pl", "ru", "uk"):
        po = Path(public_status.__file__).parent / "translations" / lang / "LC_MESSAGES" / "messages.po"
        text = po.read_text().lower()
        for word in ("reload this page", "odśwież", "обновите", "оновіть"):
            assert word not in text, (lang, word)


def test_the_reference_as_the_sms_writes_it_is_accepted_and_shown_with_its_dash(portal):
    """Finding 5: "№GDA-WXKYNR" (as the SMS writes it), "nr GDA-WXKYNR" or "gda.wxkynr" was refused."""
    portal.get("/lang/uk")
    path, reference = ask_for_code(portal)
    assert confirm(portal, path, sms_code(reference)).status_code == 200
    office, rest = reference.split("-")
    for typed in (f"№{reference}", f"nr {office} {rest}", f"{office.lower()}.{rest.lower()}."):
        token = CSRF.search(portal.get("/visit/cancel").get_data(as_text=True))[1]
        asked = portal.post("/visit/cancel", data={"csrf_token": token, "reference": typed})
        assert asked.status_code == 303 and code_path(asked) == f"/visit/cancel/{reference}", typed
    assert f">{reference}<" in portal.get(f"/visit/cancel/{reference}").get_data(as_text=True)


def test_a_mistyped_reference_is_told_to_check_it_and_answered_as_one_that_cannot_be_cancelled(portal):
    """Finding 6: a typo'd reference was told "this booking cannot be cancelled online; cancel until
    the end of the day before" – misleading. Now the words ask to check the reference first, and the
    answer is still one and the same for an unknown and an uncancellable reference (privacy)."""
    portal.get("/lang/uk")
    path, reference = ask_for_code(portal)
    assert confirm(portal, path, sms_code(reference)).status_code == 200
    token = CSRF.search(portal.get("/visit/cancel").get_data(as_text=True))[1]
    portal.post("/visit/cancel", data={"csrf_token": token, "reference": reference})
    assert confirm(portal, f"/visit/cancel/{reference}", sms_code(reference)).status_code == 200
    answers = []
    for typed in ("GDA-ZZZZZZ", reference):  # unknown; already cancelled
        token = CSRF.search(portal.get("/visit/cancel").get_data(as_text=True))[1]
        answer = portal.post("/visit/cancel", data={"csrf_token": token, "reference": typed})
        html = answer.get_data(as_text=True)
        start = html.index('id="reference-error"')
        answers.append((answer.status_code, html[start : html.index("</p>", start)]))
    assert answers[0] == answers[1]
    assert "Перевірте номер бронювання в SMS або в підтвердженні" in answers[0][1]


def test_after_a_resend_the_code_field_says_only_the_latest_code_works(portal):
    """Finding 8: after a resend, the first code typed spent a try; the page said which code works
    only in a notice away from the field."""
    import datetime as dt

    from storage.db import write_transaction
    from storage.models import SmsOutbox, Visit

    portal.get("/lang/uk")
    path, reference = ask_for_code(portal)
    assert 'id="code-hint"' not in portal.get(path).get_data(as_text=True)
    with write_transaction():  # the first text went out a minute ago (a state, not a wait)
        visit = Visit.get(Visit.reference == reference)
        SmsOutbox.update(
            state="sent", sent_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=61)
        ).where(SmsOutbox.visit == visit).execute()
    page = portal.get(path).get_data(as_text=True)
    token = CSRF.findall(page)[-1]
    assert portal.post(f"{path}/resend", data={"csrf_token": token}).status_code == 303
    html = portal.get(path).get_data(as_text=True)
    assert 'id="code-hint"' in html and "Діє лише код з останнього SMS" in html
    field = html[html.index('<input id="code"') : html.index(">", html.index('<input id="code"'))]
    assert 'aria-describedby="code-hint' in field
