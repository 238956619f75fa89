"""The baseline for bench/status_load.py: a bare Flask app behind the portal's waitress server."""

from __future__ import annotations

import sys

from flask import Flask

from public_status.waitress_server import portal_server

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"


if __name__ == "__main__":
    options = {"ident": "okienko", "asyncore_use_poll": True}  # as the portal serves (public_status/settings.py)
    portal_server(app, host="127.0.0.1", port=int(sys.argv[1]), threads=int(sys.argv[2]), **options).run()
