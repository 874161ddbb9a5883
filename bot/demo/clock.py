"""The demo's clock: it stands still until the person trying the demo moves it on."""

from __future__ import annotations

import threading
from datetime import datetime


class DemoClock:
    """A `Clock` (callable) whose time only changes when `move_to` is called."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the demo clock needs a timezone-aware start")
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def move_to(self, instant: datetime) -> None:
        """Set the time; it never goes backwards, as the bot's records assume."""
        with self._lock:
            if instant > self._now:
                self._now = instant
