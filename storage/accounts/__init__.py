"""Clerks and their logins, applicants' portal sessions, passwords and the database-kept throttle."""
