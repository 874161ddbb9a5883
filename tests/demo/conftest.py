"""The demo's workspace for tests: the real bot over its signed endpoint, the stand-in, a clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.settings import Settings
from bot.demo.seed import seed
from bot.demo.workspace import DemoWorkspace

# A Monday morning, before the day's reminders go.
START = datetime(2025, 1, 6, 8, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def empty_demo() -> Iterator[DemoWorkspace]:
    """A demo workspace with people and channels but no programme."""
    with DemoWorkspace.running(Settings(), START) as demo:
        yield demo
        assert demo.standin.problems == []


@pytest.fixture(scope="module")
def seeded_demo() -> Iterator[DemoWorkspace]:
    """The seeded demo (a programme, a cohort of 15, groups and a timetable), shared by a module."""
    with DemoWorkspace.running(Settings(), START) as demo:
        seed(demo, START.date())
        yield demo
        assert demo.standin.problems == []
