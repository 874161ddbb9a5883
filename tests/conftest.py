"""Shared fixtures: real databases (SQLite and PostgreSQL), a local Slack stand-in and the bot."""

import pytest

from bot.slack import rendering

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.slack",
    "tests.fixtures.bot",
]


@pytest.fixture(autouse=True, scope="session")
def block_kit_renderer() -> None:
    """Services owe messages through the outbox, which renders them as the running bot does."""
    rendering.install()
