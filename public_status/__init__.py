"""Okienko front end: public_status (built on storage only)."""
