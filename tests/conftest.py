"""Shared fixtures: real databases (SQLite and PostgreSQL), a local Slack stand-in and the bot."""

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.slack",
    "tests.fixtures.bot",
]
