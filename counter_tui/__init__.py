"""Okienko front end: counter_tui (built on storage only)."""
