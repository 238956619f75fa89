"""One masking function for every message that may quote a URL: whatever a password contains
(quotes, spaces, "@", "/", any letter), it never reaches the output."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from storage.errors import DomainError, mask_secrets

users = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_.-", min_size=1, max_size=12)
# Any characters. Only a password holding "@" and then a new word that starts a URL ("x@y z://…")
# is out: in free text that is two URLs, and nobody can tell it from one.
passwords = st.text(min_size=1, max_size=40).filter(lambda p: not re.search(r"@.*[A-Za-z][A-Za-z0-9+.-]*://", p))
SECRET_PARAMS = ["password", "pass%77ord", "sslpassword", "api_key", "Token", "pa%73s"]


@given(user=users, password=passwords, scheme=st.sampled_from(["postgresql", "postgres", "smtp", "smtps"]))
def test_a_url_keeps_everything_but_its_password(user, password, scheme):
    url = f"{scheme}://{user}:{password}@db.local:5432/okienko?sslmode=require"
    assert mask_secrets(url) == f"{scheme}://{user}:***@db.local:5432/okienko?sslmode=require"


@given(user=users, password=passwords)
def test_a_password_never_appears_wherever_the_url_is_quoted(user, password):
    url = f"postgresql://{user}:{password}@db.local/okienko"
    shapes = [
        lambda u: f"adres {u!r} nie jest adresem sqlite:///PLIK ani postgresql://UŻYTKOWNIK@HOST/BAZA (brak portu)",
        lambda u: f"unrecognized arguments: --db {u} --json",
        lambda u: f"OKIENKO_SMTP '{u}': no relay host",
        lambda u: f'could not connect to "{u}"\nsecond line with admin@example.org',
        lambda u: str(DomainError("database", f"adres {u!r}: zły port")),
    ]
    for shape in shapes:
        masked = mask_secrets(shape(url))
        # What the message says anyway (a password "a" is in "adres"): only the rest must not appear.
        rest = shape(f"postgresql://{user}:***@db.local/okienko")
        for form in (password, repr(password)[1:-1]):
            if form not in rest:
                assert form not in masked, masked
        assert f"{user}:***@" in masked


# A query value ends at "&", "#" or ";", and a URL in a sentence at a space or a quote.
query_values = st.text(min_size=1, max_size=30).filter(lambda v: not re.search(r"[&#;'\"\s]", v))


@given(name=st.sampled_from(SECRET_PARAMS), value=query_values)
def test_a_query_parameter_named_like_a_secret_is_masked(name, value):
    url = f"postgresql://okienko@db.local/okienko?sslmode=require&{name}={value}&application_name=desk"
    assert mask_secrets(url) == (
        f"postgresql://okienko@db.local/okienko?sslmode=require&{name}=***&application_name=desk"
    )


def test_the_cases_of_issue_17():
    for text, secret in [
        ("postgresql://okienko:S3cr'3tPW@db.urzad.local/okienko", "S3cr'3tPW"),
        ('postgresql://okienko:S3cr"3tPW@db.urzad.local/okienko', 'S3cr"3tPW'),
        ("OKIENKO_SMTP='smtp://u:Smtp S3cr3t@relay.example:587?starttls=1'", "Smtp S3cr3t"),
        ("postgresql://okienko@db/okienko?pass%77ord=Hidden123", "Hidden123"),
    ]:
        masked = mask_secrets(text)
        assert secret not in masked and "***" in masked, masked


def test_urls_without_a_password_stay_whole():
    for url in [
        "postgresql://okienko@db.local:5432/okienko",
        "sqlite:///var/lib/okienko/okienko.sqlite3",
        "https://status.example.gov.pl/status?lang=pl",
        "sqlite:///PLIK ani postgresql://UŻYTKOWNIK@HOST/BAZA",
    ]:
        assert mask_secrets(url) == url
