"""Jinja2 message templates and form definitions (data, not code)."""
