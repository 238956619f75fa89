"""Counting rows, to prove a failed rule wrote nothing."""

from __future__ import annotations

from storage.db import unit_of_work
from storage.models import ALL_MODELS


def row_counts() -> dict[str, int]:
    with unit_of_work():
        return {model.__name__: model.select().count() for model in ALL_MODELS}
