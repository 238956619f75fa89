"""What the browser tests share: Debian's chromium, a free port, and the portal served by its
production entry point (`python -m public_status serve`) in a child process."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


def need_chromium() -> None:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Debian's chromium is missing on CI (.ci/run installs it)")
        pytest.skip("chromium not installed (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_portal(db_url: str, **env: str) -> Iterator[int]:
    """The portal in demo mode on a free port (yielded) until the block ends."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "public_status", "serve", "--demo", "--port", str(port)],
                            env={**os.environ, "OKIENKO_DB": db_url, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    proc.kill()
                    raise AssertionError(f"portal did not start: {proc.stdout.read()}") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
