"""The admin CLI as scripts use it: real processes, JSON out, one clear line and non-zero exit on errors."""

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import ok, refused, run_cli


def create_clerk(url: str, office: str) -> None:
    ok(run_cli(url, "create-clerk", "ewa", "--name", "Ewa Lis", "--office", office, "--password-stdin",
               stdin="a-long-password\n"))  # fmt: skip


@pytest.mark.parametrize(
    "empty_store_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_admin_workflow_from_an_empty_store(empty_store_url):
    _, url = empty_store_url
    assert "utworzono" in ok(run_cli(url, "init"))
    assert "nic nie zmieniono" in ok(run_cli(url, "init"))
    assert "aktualny" in ok(run_cli(url, "migrate"))
    ok(run_cli(url, "load-fixtures"))
    create_clerk(url, office="SLU")
    catalog = json.loads(ok(run_cli(url, "catalog", "--json")))
    assert "temp_work" in catalog["case_types"] and "card_ready" in catalog["stages"]

    reg = json.loads(
        ok(
            run_cli(
                url,
                "register",
                "--clerk",
                "ewa",
                "--type",
                "temp_work",
                "--name",
                "Iryna Bondarenko",
                "--phone",
                "+380 67 123 4567",
                "--lang",
                "uk",
                "--missing",
                "photos",
                "--json",
            )
        )
    )
    number, password = reg["case_number"], reg["password"]
    assert reg["deficiencies"] == ["photos"]
    assert "SMS w kolejce" in ok(run_cli(url, "set-stage", number, "formal_check", "--clerk", "ewa"))
    assert "dopisano" in ok(
        run_cli(url, "add-deficiency", number, "fee_proof", "--note", "Brak potwierdzenia", "--clerk", "ewa")
    )
    assert "dopisano" in ok(run_cli(url, "add-deficiency", number, "text:Inny dokument", "--clerk", "ewa"))
    shown = json.loads(ok(run_cli(url, "show", number, "--json")))
    assert shown["applicant_name"] == "Iryna Bondarenko" and shown["office"] == "SLU"
    assert shown["stage"] == "formal_check" and len(shown["deficiencies"]) == 3
    assert password not in json.dumps(shown)
    stats = json.loads(ok(run_cli(url, "stats", "--json")))
    assert stats["cases"] == 1 and stats["sms_outbox"] == {"queued": 1}
    assert "nowe hasło" in ok(run_cli(url, "reissue-password", number, "--clerk", "ewa"))
    assert "SMS wyłączone" in ok(run_cli(url, "opt-out", number, "--clerk", "ewa"))
    assert "wyłączone" in ok(run_cli(url, "deactivate-clerk", "ewa"))
    refused(run_cli(url, "set-stage", number, "fingerprints", "--clerk", "ewa"), "urzędnik", "wyłączone")


@pytest.mark.parametrize("empty_store_url", ["sqlite"], indirect=True)
def test_errors_are_one_line_naming_field_and_rule(empty_store_url):
    _, url = empty_store_url
    ok(run_cli(url, "init"))
    ok(run_cli(url, "load-fixtures"))
    create_clerk(url, office="GDA")
    refused(run_cli(url, "register", "--clerk", "ewa", "--type", "nope", "--name", "X Y"), "rodzaj sprawy", "nieznany")
    refused(
        run_cli(url, "register", "--clerk", "ewa", "--type", "temp_work", "--name", "X Y", "--phone", "58 307 74 27"),
        "telefon",
        "stacjonarny",
    )
    refused(run_cli(url, "register", "--clerk", "ewa", "--type", "temp_work", "--name", "X" * 500), "najwyżej 200")
    refused(run_cli(url, "show", "26-000001-0"), "numer sprawy", "cyfra kontrolna")
    refused(
        run_cli(url, "create-clerk", "olga", "--name", "O", "--office", "GDA", "--password-stdin", stdin="x\n"), "hasło"
    )
    # Outside trial: without --password-stdin and with no terminal, getpass met the end of input
    # (EOFError traceback) after an echoing prompt; an unknown office was found only after the password.
    for office, words in (("XXX", ("oddział", "XXX")), ("GDA", ("hasło", "--password-stdin"))):
        line = refused(run_cli(url, "create-clerk", "zofia", "--name", "Z", "--office", office, stdin=""), *words)
        assert "Hasło:" not in line
    refused(run_cli(url, "visits", "--group", "nope"), "nope", "filing")  # was an empty day, exit 0
    refused(run_cli(url, "backup", "--to", "/tmp", "--keep", "99999999999999"), "--keep", "10000")
    line = refused(run_cli("postgresql://nobody@127.0.0.1:1/none", "stats"), "niedostępna")
    assert "Connection refused" in line or "connection" in line.lower()
    assert json.loads(ok(run_cli(url, "stats", "--json")))["cases"] == 0


@pytest.mark.parametrize(
    "empty_store_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_purge_twice_then_show_a_purged_case(empty_store_url):
    _, url = empty_store_url
    ok(run_cli(url, "init"))
    ok(run_cli(url, "load-fixtures"))
    create_clerk(url, office="GDA")
    reg = json.loads(ok(run_cli(url, "register", "--clerk", "ewa", "--type", "temp_work", "--name", "Iryna Bondarenko",
                                "--phone", "+48 501 234 567", "--json")))  # fmt: skip
    number = reg["case_number"]
    ok(run_cli(url, "set-stage", number, "closed", "--clerk", "ewa"))
    assert "+48501234567" in ok(run_cli(url, "show", number))

    env = {**os.environ, "OKIENKO_DB": url, "OKIENKO_RETAIN_CLOSED_DAYS": "0"}
    first = subprocess.run(
        [sys.executable, "-m", "storage", "purge", "--json"], capture_output=True, text=True, env=env
    )
    assert json.loads(ok(first)) == {
        "case_contacts": 1, "sms_rows": 0, "throttle_rows": 0, "visit_contacts": 0, "mail_rows": 0}  # fmt: skip
    second = subprocess.run([sys.executable, "-m", "storage", "purge"], capture_output=True, text=True, env=env)
    assert "ponad 0 dni temu: 0;" in ok(second)
    shown = ok(run_cli(url, "show", number))
    assert "tel.: usunięty (retencja)" in shown and "Iryna Bondarenko" in shown and "+48501234567" not in shown
    assert "ponad 30 dni temu: 0;" in ok(run_cli(url, "purge"))

    bad = subprocess.run([sys.executable, "-m", "storage", "purge"], capture_output=True, text=True,
                         env={**env, "OKIENKO_RETAIN_CLOSED_DAYS": "miesiąc"})  # fmt: skip
    assert bad.returncode == 2
    refused(bad, "OKIENKO_RETAIN_CLOSED_DAYS", "liczba dni")


@pytest.mark.parametrize(
    "empty_store_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
@pytest.mark.parametrize("first_command", ["init", "migrate"])
def test_a_new_store_is_usable_after_the_one_command_the_readme_gives(empty_store_url, first_command):
    _, url = empty_store_url
    out = ok(run_cli(url, first_command))
    assert "katalogi" in out
    create_clerk(url, office="GDA")
    reg = json.loads(ok(run_cli(url, "register", "--clerk", "ewa", "--type", "temp_work", "--name", "Iryna Bondarenko",
                                "--json")))  # fmt: skip
    assert json.loads(ok(run_cli(url, "show", reg["case_number"], "--json")))["case_type"] == "temp_work"
    # A second run changes nothing and says so.
    assert "nic nie zmieniono" in ok(run_cli(url, "init"))
    assert "aktualny" in ok(run_cli(url, "migrate"))


def test_corrections_from_the_command_line(store):
    """withdraw-stage, reopen, update-case and reopen-deficiency: one line each, exit 2 on a broken rule."""
    url = store.url
    reg = json.loads(ok(run_cli(url, "register", "--clerk", "anna", "--type", "temp_work", "--name", "Zhang Wei",
                                "--phone", "501 234 567", "--missing", "photos", "--json")))  # fmt: skip
    number = reg["case_number"]
    ok(run_cli(url, "set-stage", number, "formal_check", "--clerk", "anna"))
    refused(run_cli(url, "withdraw-stage", number, "--clerk", "piotr"), "etap", "15 minut")
    refused(run_cli(url, "withdraw-stage", number, "--clerk", "admin"), "powód")
    out = ok(run_cli(url, "withdraw-stage", number, "--clerk", "anna", "--reason", "pomyłka"))
    assert "wycofano etap formal_check" in out and "anulowano SMS: 1" in out

    ok(run_cli(url, "set-stage", number, "closed", "--clerk", "anna"))
    refused(run_cli(url, "reopen", number, "--reason", "pomyłka", "--clerk", "anna"), "administrator")
    assert "etap filed" in ok(run_cli(url, "reopen", number, "--reason", "pomyłka", "--clerk", "admin"))

    out = ok(run_cli(url, "update-case", number, "--phone", "+380 67 123 4567", "--lang", "ru", "--channel", "post",
                     "--external-ref", "MOS/2026/000001", "--name", "Zhang Wei Li", "--clerk", "anna"))  # fmt: skip
    assert "applicant_name, phone, language, channel, external_ref" in out
    refused(run_cli(url, "update-case", number, "--phone", "58 307 74 27", "--clerk", "anna"), "telefon", "stacjonarny")
    refused(run_cli(url, "update-case", number, "--clerk", "anna"), "--phone")
    ok(run_cli(url, "update-case", number, "--no-phone", "--external-ref", "", "--clerk", "anna"))
    shown = json.loads(ok(run_cli(url, "show", number, "--json")))
    assert (shown["phone"], shown["language"], shown["external_ref"]) == (None, "ru", None)
    assert not shown["closed"] and shown["history"][1]["withdrawn_at"] is not None

    deficiency = shown["deficiencies"][0]["id"]
    refused(run_cli(url, "reopen-deficiency", str(deficiency), "--clerk", "anna"), "nie jest oznaczony")
    ok(run_cli(url, "resolve-deficiency", str(deficiency), "--clerk", "anna"))
    assert "znów otwarty" in ok(run_cli(url, "reopen-deficiency", str(deficiency), "--clerk", "anna"))
    shown = json.loads(ok(run_cli(url, "show", number, "--json")))
    assert shown["deficiencies"][0]["resolved_at"] is None
    assert [a["action"] for a in shown["audit"]][-1] == "deficiency_reopened"


# ------------------------------------------------------------------ issue 17: the CLI as an attacker tries it


def _scram_matches(verifier: str, password: str) -> bool:
    """Whether PostgreSQL's stored SCRAM-SHA-256 verifier is the one for `password` (RFC 5802)."""
    import base64
    import hashlib
    import hmac

    method, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return method == "SCRAM-SHA-256" and base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key


@pytest.fixture
def pg_store_url():
    """A PostgreSQL store made by the CLI itself, and every role a test named dropped afterwards."""
    from tests import pg

    name, url = pg.create_database()
    ok(run_cli(url, "init"))
    made: list[str] = []
    yield url, made
    pg.drop_database(name)
    for role in made:
        if _role_exists(role) is not None:
            pg.admin_execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')


def _role_exists(role: str) -> str | None:
    import psycopg2

    from tests import pg

    conn = psycopg2.connect(pg.require_admin_url())
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT coalesce(rolpassword, '') FROM pg_authid WHERE rolname = %s", (role,))
            row = cur.fetchone()
            return None if row is None else row[0]
    finally:
        conn.close()


def refused_cleanly(result: subprocess.CompletedProcess, *secrets: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "Traceback" not in output and result.stderr.strip().count("\n") == 0, output
    for secret in secrets:
        assert secret not in output, output
    return result.stderr


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("role", "stdin", "words"),
    [
        ("none", "Portal'PW9\n", ("none", "zastrzeżone")),
        ("public", "Portal'PW9\n", ("public",)),
        ("pg_portal", "Portal'PW9\n", ("pg_",)),
        ("current_user", "Portal'PW9\n", ("słowo kluczowe",)),
        ("select", "Portal'PW9\n", ("słowo kluczowe",)),
        ("Portal", "Portal'PW9\n", ("małe litery",)),
        ("okienko_portal_nul", "Portal\x00PW9\n", ("hasło", "sterujących")),
        ("okienko_portal_empty", "\n", ("hasło", "puste")),
        ("okienko_portal_eof", "", ("hasło", "puste")),
        ("okienko_portal_space", " \n", ("hasło", "spacji")),
        ("okienko_portal_long", "PW9" * 100 + "\n", ("hasło", "najwyżej 200")),
    ],
)
def test_grant_public_role_refuses_bad_names_and_passwords_in_one_line(pg_store_url, role, stdin, words):
    url, made = pg_store_url
    made.append(role)  # dropped afterwards if the command made it after all
    line = refused_cleanly(run_cli(url, "grant-public-role", role, "--password-stdin", stdin=stdin), "PW9")
    for word in words:
        assert word in line, line
    assert _role_exists(role) is None  # nothing half-done: no login role without a password


@pytest.mark.postgres
def test_grant_public_role_sets_any_password_without_showing_it(pg_store_url):
    url, made = pg_store_url
    role, password = "okienko_portal_pw", 'Portal\'PW9 "z" @:/ąę%s'
    made.append(role)
    result = run_cli(url, "grant-public-role", role, "--password-stdin", stdin=password + "\n")
    out = ok(result)
    assert "PW9" not in out + result.stderr and "LOGIN PASSWORD '***'" in out
    assert _scram_matches(_role_exists(role), password)
    # What the role may change, as granted: not only login throttles; the outbox only through its function.
    summary = out.strip().splitlines()[-1]
    for table in ("login_throttle", "portal_session", "visit", "office_message", "okienko_queue_visit_code"):
        assert table in summary, summary
    assert "sms_outbox" not in summary


def test_corrections_print_the_case_number_once_formatted(store):
    url = store.url
    number = json.loads(ok(run_cli(url, "register", "--clerk", "anna", "--type", "temp_work", "--name", "Zhang Wei",
                                   "--json")))["case_number"]  # fmt: skip
    ok(run_cli(url, "set-stage", number, "closed", "--clerk", "anna"))
    reopened = ok(run_cli(url, "reopen", number, "--reason", "omyłka", "--clerk", "admin"))
    assert reopened.startswith(f"{number}: sprawa wznowiona"), reopened
    updated = ok(run_cli(url, "update-case", number.replace("-", ""), "--name", "Zhang Wei-Li", "--clerk", "anna"))
    assert updated.startswith(f"{number}: poprawiono"), updated


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_visits_of_an_unknown_office_is_bad_input(store):
    line = refused_cleanly(run_cli(store.url, "visits", "--office", "XXX"))
    assert "oddział" in line and "XXX" in line and "GDA" in line
    ok(run_cli(store.url, "visits", "--office", "gda"))


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_options_after_the_command_work_and_argparse_never_echoes_a_password(store):
    assert json.loads(ok(run_cli("sqlite:///nowhere.sqlite3", "stats", "--json", "--db", store.url)))["cases"] == 0
    secret = "S3cr'3t PW@x"
    result = run_cli(store.url, "stats", "--bogus", f"postgresql://okienko:{secret}@db.local/okienko")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert secret not in result.stdout + result.stderr and "okienko:***@" in result.stderr


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("variable", "value"),
    [("OKIENKO_BCRYPT_COST", "abc"), ("OKIENKO_BCRYPT_COST", "99"), ("OKIENKO_BCRYPT_COST", "１２"),
     ("OKIENKO_RETAIN_SMS_DAYS", "-1"), ("OKIENKO_PG_BIN", "/no/such/dir"), ("OKIENKO_FIXTURES", "/no/such/dir")],
)  # fmt: skip
def test_a_broken_setting_stops_every_command_in_one_line_naming_it(store, variable, value):
    env = {**os.environ, "OKIENKO_DB": store.url, variable: value}
    for command in (["stats"], ["create-clerk", "zenobia", "--name", "Zenobia", "--office", "GDA", "--password-stdin"]):
        result = subprocess.run([sys.executable, "-m", "storage", *command], input="a-long-password-1\n",
                                capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
        line = refused_cleanly(result)
        assert variable in line, line
    assert "zenobia" not in ok(run_cli(store.url, "clerks"))


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_numbers_out_of_range_are_bad_input_not_a_driver_traceback(store):
    for args in (["resolve-deficiency", "99999999999999999999", "--clerk", "anna"],
                 ["reopen-deficiency", "0", "--clerk", "anna"], ["demo", "--cases", "-5"]):  # fmt: skip
        result = run_cli(store.url, *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert "liczba od" in result.stderr.splitlines()[-1], result.stderr


def test_a_role_password_that_was_not_utf8_on_the_input_is_refused_in_words():
    from storage.admin import roles
    from storage.errors import DomainError

    # Bytes that are not UTF-8 reach Python as surrogates; the driver then failed with a traceback.
    with pytest.raises(DomainError, match="UTF-8"):
        roles.check_role_password(b"\xff\xfeSEKRET2".decode("utf-8", "surrogateescape"))
