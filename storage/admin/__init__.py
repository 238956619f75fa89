"""Admin tools: the CLI (`python -m storage`), backup, retention, PostgreSQL roles, the demo store, report output."""
