"""The portal as an office deploys it, on loopback: waitress trusting one proxy, Debian's nginx in
front with the repository's own config (.ci/nginx-portal.conf), and browser-like clients that
connect from chosen 127.x source addresses so each one is a different client to the portal.
Used by tests/portal/test_nginx.py, tests/portal/fleet.py and the benches."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / ".ci" / "nginx-portal.conf"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen, what: str, limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} within {limit_s} s")


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if not found:
        raise RuntimeError("nginx is not installed (apt-get install nginx-light; .ci/run does it)")
    return found


# Login attempts and visit booking pages per client address and minute that nginx lets through
# (the production values in docs/security.md).
LOGIN_RATE = "12r/m"
VISIT_RATE = "60r/m"
VISIT_NETWORK_RATE = "120r/m"


def render_nginx_conf(
    prefix: Path,
    listen_port: int,
    upstream_port: int | Sequence[int],
    login_rate: str = LOGIN_RATE,
    visit_rate: str = VISIT_RATE,
) -> Path:
    """The shipped config with its placeholders filled in; `upstream_port` is one portal's port or
    the ports of several, which nginx then takes in turn (round-robin). A `visit_rate` raised above
    the production one (tests that reach the portal's own limits) raises the per-network rate with it."""
    network_rate = VISIT_NETWORK_RATE if visit_rate == VISIT_RATE else visit_rate
    ports = [upstream_port] if isinstance(upstream_port, int) else list(upstream_port)
    if not ports:
        raise ValueError("nginx needs at least one upstream port")
    servers = "\n".join(f"        server 127.0.0.1:{port};" for port in ports)
    text = NGINX_CONF.read_text(encoding="utf-8").replace("@LOGIN_RATE@", login_rate)
    text = text.replace("@VISIT_RATE@", visit_rate).replace("@VISIT_NETWORK_RATE@", network_rate)
    text = text.replace("@UPSTREAM_SERVERS@", servers)
    text = text.replace("@PREFIX@", str(prefix)).replace("@LISTEN@", f"127.0.0.1:{listen_port}")
    conf = prefix / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


@contextlib.contextmanager
def stopping(proc: subprocess.Popen) -> Iterator[subprocess.Popen]:
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@contextlib.contextmanager
def portal_server(
    db_url: str, port: int, log_path: Path, threads: int = 8, workers: int = 1, **env: str
) -> Iterator[subprocess.Popen]:
    """`python -m public_status serve` trusting one proxy hop from 127.0.0.1, plain http on loopback."""
    environment = {**os.environ, "OKIENKO_DB": db_url, "OKIENKO_PROXY_HOPS": "1", "OKIENKO_TRUSTED_PROXY": "127.0.0.1",
                   "OKIENKO_INSECURE_COOKIES": "1", **env}  # fmt: skip
    environment.setdefault("OKIENKO_SECRET_KEY", "nginx-front-" + "k" * 40)
    args = [sys.executable, "-m", "public_status", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("w") as log:
        proc = subprocess.Popen([*args, "--threads", str(threads), "--workers", str(workers)], env=environment,
                                stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    with stopping(proc):
        wait_listening(port, proc, f"portal (log: {log_path})")
        yield proc


@contextlib.contextmanager
def nginx_front(
    prefix: Path,
    listen_port: int,
    upstream_port: int | Sequence[int],
    login_rate: str = LOGIN_RATE,
    visit_rate: str = VISIT_RATE,
) -> Iterator[subprocess.Popen]:
    """nginx in the foreground with its own prefix, in front of one portal port or several;
    stopped (SIGTERM: fast shutdown) on exit."""
    prefix.mkdir(parents=True, exist_ok=True)
    conf = render_nginx_conf(prefix, listen_port, upstream_port, login_rate, visit_rate)
    args = [nginx_binary(), "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
    check = subprocess.run([*args, "-t"], capture_output=True, text=True)
    if check.returncode:
        raise RuntimeError(f"nginx refused the config: {check.stderr}")
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with stopping(proc):
        wait_listening(listen_port, proc, f"nginx (log: {prefix / 'error.log'})")
        yield proc


class Client:
    """One browser-like client on a keep-alive connection from its own loopback address."""

    def __init__(self, port: int, source: str, timeout: float = 30) -> None:
        self.port, self.source, self.timeout = port, source, timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout,
                                                   source_address=(self.source, 0))  # fmt: skip
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ) -> http.client.HTTPResponse:
        """The response, read (its text in `.text`); one reconnect if the kept-alive connection was closed."""
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                conn = self._connection()
                conn.request(method, path, body=body, headers=sent)
                response = conn.getresponse()
                response.text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value and "Max-Age=0" not in cookie and "expires=Thu, 01 Jan 1970" not in cookie:
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response

    def login(self, number: str, password: str, headers: dict | None = None) -> http.client.HTTPResponse:
        match = CSRF.search(self.request("GET", "/", headers=headers).text)
        if not match:
            raise RuntimeError("no CSRF token on the home page")
        form = {"case_number": number, "password": password, "csrf_token": match[1]}
        return self.request("POST", "/login", form, headers=headers)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """`python -m bench.nginx_front --db URL`: the portal behind this nginx config until Ctrl-C, to try by hand."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--db", required=True, help="the store (e.g. sqlite:///demo.sqlite3)")
    parser.add_argument("--port", type=int, default=8088, help="nginx's port on 127.0.0.1")
    parser.add_argument("--login-rate", default=LOGIN_RATE, help="nginx's login attempts per address (12r/m)")
    args = parser.parse_args()
    # systemd, timeout and kill send SIGTERM: stop both servers as Ctrl-C would, leaving none behind.
    signal.signal(signal.SIGTERM, _interrupt)
    with tempfile.TemporaryDirectory(prefix="okienko-nginx-") as tmp:
        prefix, upstream = Path(tmp), free_port()
        with (
            portal_server(args.db, upstream, prefix / "portal.log"),
            nginx_front(prefix / "nginx", args.port, upstream, args.login_rate),
        ):
            print(f"portal behind nginx on http://127.0.0.1:{args.port}/ (logs in {prefix}); Ctrl-C stops both")
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)


if __name__ == "__main__":
    main()
