"""The stand-in tests' workspace: one participant and one cohort channel."""

from __future__ import annotations

import pytest

from bot.standin import SlackStandin
from tests.standin.workspace import CHANNEL, PARTICIPANT


@pytest.fixture
def workspace(standin: SlackStandin) -> SlackStandin:
    """The stand-in with one participant and one cohort channel."""
    standin.add_user(PARTICIPANT, name="Pat", email="Pat@Example.org", tz="Asia/Kolkata")
    standin.add_channel(CHANNEL, name="cohort-1", members=[PARTICIPANT])
    return standin
