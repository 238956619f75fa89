"""Reusable widgets of the clerk app."""
