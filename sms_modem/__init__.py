"""Okienko's SMS loop: texts applicants that their case's stage changed (python-gsmmodem-new)."""
