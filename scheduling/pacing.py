"""Pacing sends to stay inside Slack's limits instead of provoking 429s."""

from __future__ import annotations

import time
from collections.abc import Callable

# chat.postMessage allows about one message a second in any one channel.
PER_CHANNEL_INTERVAL_SECONDS = 1.0


class Pacer:
    """Waits before each send so the workspace-wide and per-channel rates are kept."""

    def __init__(
        self,
        per_minute: int,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute < 1:
            raise ValueError("the send rate must be at least one message a minute")
        self.interval = 60.0 / per_minute
        self._monotonic = monotonic
        self._sleep = sleep
        self._last_send: float | None = None
        self._last_in_channel: dict[str, float] = {}

    def wait_to_send(self, channel: str) -> None:
        """Sleep until a message to `channel` keeps within both rates, then count it as sent."""
        now = self._monotonic()
        ready = now
        if self._last_send is not None:
            ready = max(ready, self._last_send + self.interval)
        if channel in self._last_in_channel:
            ready = max(ready, self._last_in_channel[channel] + PER_CHANNEL_INTERVAL_SECONDS)
        if ready > now:
            self._sleep(ready - now)
        self._last_send = self._last_in_channel[channel] = max(ready, now)
