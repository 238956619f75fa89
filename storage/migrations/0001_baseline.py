"""Baseline: the schema as `storage init` creates it on 2026-11-21. Nothing to change."""


def up(migrator, db):
    pass
