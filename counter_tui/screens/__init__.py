"""The clerk app's screens."""
