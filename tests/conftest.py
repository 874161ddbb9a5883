"""Shared fixtures: real databases (SQLite and PostgreSQL) and a local Slack stand-in."""

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.slack",
]
