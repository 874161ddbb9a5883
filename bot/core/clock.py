"""The one clock: code that needs the time takes a `Clock` (or a `now`) instead of reading it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from db.base import wall_clock

Clock = Callable[[], datetime]

# The real time, aware, in UTC. Read in one place only (`db.base.wall_clock`, which default
# timestamps fall back on), and handed to the processes that need it from here.
system_clock: Clock = wall_clock


def fixed_clock(instant: datetime) -> Clock:
    """A clock that always answers `instant` (for `scheduler --once --now` and for tests)."""
    if instant.tzinfo is None:
        raise ValueError("a fixed clock needs a timezone-aware instant")
    return lambda: instant
