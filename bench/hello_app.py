"""The baseline for bench/status_load.py: a bare Flask app behind the same waitress settings."""

from __future__ import annotations

import sys

from flask import Flask
from waitress import serve

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"


if __name__ == "__main__":
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=int(sys.argv[2]), ident="okienko")
