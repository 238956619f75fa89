"""Numbered migration scripts for playhouse.migrations.Runner (see storage/schema.py)."""
