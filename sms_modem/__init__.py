"""Okienko front end: sms_modem (built on storage only)."""
