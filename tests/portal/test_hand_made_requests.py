"""Requests no page of the portal sends, made by hand against its real server (waitress, the
production entry point): each gets a plain 4xx and never a 500, and a broken setting keeps the
portal from starting at all."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import uuid

import pytest

from tests.helpers import register
from tests.portal.browser import free_port

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FORM_POSTS = ["/login", "/visit/cancel", "/visit/code/GDA-7K3M9Q", "/visit/cancel/GDA-7K3M9Q", "/visit/details"]
FIELDS = ("case_number", "password", "reference", "code", "name", "phone", "email", "language")


def _multipart(fields: dict[str, str], files: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]  # fmt: skip
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{k}.txt"\r\n'
              f"Content-Type: text/plain\r\n\r\n".encode() + data + b"\r\n" for k, data in files.items()]  # fmt: skip
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_file_part_in_any_form_is_refused_with_400(server):
    owner = register()
    host, port = server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/")
    home = conn.getresponse()
    cookie = home.getheader("Set-Cookie").split(";", 1)[0]
    token = CSRF.search(home.read().decode())[1]
    for path in FORM_POSTS:
        # The fields a form reads, sent as files (what Flask-WTF passed on to the fields' filters).
        body, content_type = _multipart({"csrf_token": token}, {field: b"26-000001-9" for field in FIELDS})
        conn.request("POST", path, body=body, headers={"Content-Type": content_type, "Cookie": cookie})
        answer = conn.getresponse()
        assert answer.status == 400, (path, answer.status)
        answer.read()
    # The same login as plain fields still works: the refusal is about files, not about multipart.
    body, content_type = _multipart({"csrf_token": token, "case_number": owner.number, "password": owner.password},
                                    {})  # fmt: skip
    conn.request("POST", "/login", body=body, headers={"Content-Type": content_type, "Cookie": cookie})
    login = conn.getresponse()
    login.read()
    assert login.status == 303 and login.getheader("Location") == "/status"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("OKIENKO_BCRYPT_COST", "abc"), ("OKIENKO_BCRYPT_COST", "99"), ("OKIENKO_INSECURE_COOKIES", "ture"),
     ("OKIENKO_FIXTURES", "/no/such/dir")],
)  # fmt: skip
def test_the_portal_does_not_start_with_a_broken_setting(store, variable, value):
    """Before: it started, /ready said 200, and only logins with an unknown number failed (500),
    which told which numbers exist."""
    env = {**os.environ, "OKIENKO_DB": store.url, "OKIENKO_SECRET_KEY": "k" * 48, variable: value}
    port = free_port()
    result = subprocess.run([sys.executable, "-m", "public_status", "serve", "--port", str(port)], env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr
    assert variable in result.stderr and "portal on" not in result.stdout


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_serve_refuses_an_address_it_cannot_use_in_one_line(store, server):
    """Before: port 99999 was served as 34463, zero threads served nobody, a bad host or a taken
    port ended in a traceback."""
    taken = server.rsplit(":", 1)[1]
    env = {**os.environ, "OKIENKO_DB": store.url}
    for options in (["--port", "99999"], ["--port", "-1"], ["--threads", "0"], ["--host", "999.1.1.1"],
                    ["--port", taken]):  # fmt: skip
        result = subprocess.run([sys.executable, "-m", "public_status", "serve", "--demo", *options], env=env,
                                capture_output=True, text=True, timeout=60)  # fmt: skip
        assert result.returncode == 2, (options, result.stdout + result.stderr)
        assert "Traceback" not in result.stderr and "error:" in result.stderr.strip().splitlines()[-1], options
