"""Injected failures: queued error answers, dropped connections, slow methods and rate limits."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

RATE_WINDOW_SECONDS = 60.0
ANY_METHOD = "*"


@dataclass(frozen=True)
class Fault:
    """How to answer one call instead of answering it properly."""

    status: int = 429
    error: str = "ratelimited"
    retry_after: int | None = None
    drop_connection: bool = False
    # Do the work first and lose only the answer, as when Slack posts a message and the
    # response never arrives: the case an app must reconcile rather than retry.
    after_processing: bool = False


class FaultPlan:
    """Per-method queues of faults, delays and rate limits; callers hold the stand-in's lock."""

    def __init__(self) -> None:
        self._queued: dict[str, deque[Fault]] = {}
        self._delays: dict[str, float] = {}
        self._limits: dict[str, int] = {}
        self._hits: dict[str, deque[float]] = {}

    def queue(self, method: str, fault: Fault, times: int) -> None:
        """Answer the next `times` calls to `method` ("*" for any) with `fault`."""
        self._queued.setdefault(method, deque()).extend([fault] * times)

    def set_delay(self, method: str, seconds: float) -> None:
        """Make every call to `method` wait `seconds` before it is answered (0 to stop)."""
        if seconds > 0:
            self._delays[method] = seconds
        else:
            self._delays.pop(method, None)

    def delay_for(self, method: str) -> float:
        """Return how long to hold a call to `method`."""
        return self._delays.get(method, self._delays.get(ANY_METHOD, 0.0))

    def set_rate_limit(self, method: str, per_minute: int | None) -> None:
        """Allow `per_minute` calls to `method` in any 60 s window (None lifts the limit)."""
        if per_minute is None:
            self._limits.pop(method, None)
            self._hits.pop(method, None)
        else:
            self._limits[method] = per_minute

    def take(self, method: str, now: float) -> Fault | None:
        """Return the fault for this call, if any, and count it towards the rate limit."""
        for key in (method, ANY_METHOD):
            queued = self._queued.get(key)
            if queued:
                return queued.popleft()
        limit = self._limits.get(method)
        if limit is None:
            return None
        hits = self._hits.setdefault(method, deque())
        while hits and hits[0] <= now - RATE_WINDOW_SECONDS:
            hits.popleft()
        if len(hits) >= limit:
            # Slack's Retry-After is whole seconds until the window admits another call.
            wait = max(1, math.ceil(hits[0] + RATE_WINDOW_SECONDS - now))
            return Fault(status=429, error="ratelimited", retry_after=wait)
        hits.append(now)
        return None
