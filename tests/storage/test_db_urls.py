"""Database URLs as an administrator types them: a password never reaches a message or a log, and
a URL that is not one is bad input (exit 2), not an unreachable database (exit 3). Real processes of
all three front ends that read OKIENKO_DB."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from storage.errors import DomainError, StoreUnavailable, mask_secrets

SECRET = "Tajne-Haslo-42"
FRONT_ENDS = {
    "storage": ["-m", "storage", "stats"],
    "portal": ["-m", "public_status", "serve", "--port", "1"],
    "sms": ["-m", "sms_modem", "status"],
}
MALFORMED = [
    f"postgresql://okienko:{SECRET}@db.local:notaport/okienko",
    f"postgresql://okienko:{SECRET}@db.local:5432/",
    f"postgresql://okienko:{SECRET}@[::1/okienko",
    f"mysql://okienko:{SECRET}@db.local/okienko",
    f"postgresql://okienko:{SECRET}@db.local/okienko?sslmod=require",
    f"postgresql://okienko:{SECRET}@db.local/okienko?sslmode=bogus",
    f"postgresql://okienko:{SECRET}@db.local/okienko?connect_timeout=soon",
    # A %00 reached the driver: "embedded null character" as a traceback in every program (outside trial).
    f"postgresql://okienko:{SECRET}@127.0.0.1:54329/okienko?application_name=a%00x",
]


def run(front_end: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OKIENKO_DB": url, "OKIENKO_SECRET_KEY": "k" * 48}
    return subprocess.run([sys.executable, *FRONT_ENDS[front_end]], capture_output=True, text=True, env=env,
                          timeout=60)  # fmt: skip


def assert_one_clean_line(result: subprocess.CompletedProcess, code: int) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert SECRET not in output
    assert "Traceback" not in output
    assert result.stderr.strip().count("\n") == 0, result.stderr
    return result.stderr


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@pytest.mark.parametrize("url", MALFORMED)
def test_a_malformed_url_is_bad_input_and_its_password_is_masked(front_end, url):
    line = assert_one_clean_line(run(front_end, url), 2)
    assert "okienko:***@" in line


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_an_unreachable_server_is_exit_3_without_the_password(front_end):
    line = assert_one_clean_line(run(front_end, f"postgresql://okienko:{SECRET}@127.0.0.1:1/okienko"), 3)
    assert "127.0.0.1" in line


@pytest.mark.parametrize(
    "text",
    [
        f"could not use postgresql://okienko:{SECRET}@db.local:5432/okienko?sslmode=require now",
        f"postgres://okienko:{SECRET}@db.local/okienko",
        f"dsn: host=db.local user=okienko password={SECRET} dbname=okienko",
        f"password='{SECRET}' host=db.local",
    ],
)
def test_errors_from_the_store_mask_passwords_in_whatever_they_quote(text):
    # What the portal's 503 log line and the SMS loop's "database unavailable" line print.
    assert SECRET not in StoreUnavailable(text).detail and SECRET not in str(StoreUnavailable(text))
    assert SECRET not in str(DomainError("database", text))
    assert "db.local" in mask_secrets(text)


def test_masking_keeps_a_url_without_a_password_whole():
    url = "postgresql://okienko@db.local:5432/okienko"
    assert mask_secrets(url) == url


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_a_missing_sqlite_file_is_named_and_not_created(front_end, tmp_path):
    path = tmp_path / "okienko.sqlite3"  # a typo'd path, or a store on a disk not mounted yet
    line = assert_one_clean_line(run(front_end, f"sqlite:///{path}"), 2)
    assert str(path) in line and "python -m storage init" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_a_file_that_is_not_a_database_is_named(front_end, tmp_path):
    path = tmp_path / "passwd"  # `sqlite:////etc/passwd`: SQLite opens it and fails at the first statement
    path.write_text("root:x:0:0:root:/root:/bin/bash\n" * 200)
    line = assert_one_clean_line(run(front_end, f"sqlite:///{path}"), 2)
    assert str(path) in line and "nie jest bazą SQLite" in line
    assert path.read_text().startswith("root:x:0:0")  # left as it was
