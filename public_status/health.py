"""Liveness and readiness for the load balancer and monitoring: JSON only, never any case data.

`/health` answers while the process serves requests; `/ready` also proves the database takes a
new connection, within a deadline short enough for a health checker's own timeout (200 ms).
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify

from storage.portal import database_ready

log = logging.getLogger("okienko.portal")
health = Blueprint("health", __name__)


def _answer(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@health.get("/health")
def alive():
    return _answer({"status": "up"}, 200)


@health.get("/ready")
def ready():
    probe = database_ready()
    if probe.ok:
        return _answer({"status": "ready", "database": "ok", "ms": probe.ms}, 200)
    # The reason may name hosts and ports: the log gets it, the public does not.
    log.error("not ready: database %s unreachable in %.0f ms: %s", probe.backend, probe.ms, probe.error)
    return _answer({"status": "not ready", "database": "unreachable", "ms": probe.ms}, 503)
