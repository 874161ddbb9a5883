"""Making Slack misbehave on purpose: rate limits, errors, dropped connections, lost answers."""

from __future__ import annotations

from typing import Any

from bot.standin.dispatch import Dispatcher
from bot.standin.faults import Fault


class FaultInjection:
    """The fault-injection half of `SlackStandin`, which supplies the dispatcher."""

    _dispatcher: Dispatcher

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str = "ratelimited",
        times: int = 1,
    ) -> None:
        """Fail the next calls: 429 with Retry-After, 5xx with an HTML page, else ok:false."""
        fault = Fault(
            status=status, error=error, retry_after=retry_after if status == 429 else None
        )
        with self._dispatcher.lock:
            self._dispatcher.faults.queue(method, fault, times)

    def drop_connection_next(self, method: str, *, times: int = 1) -> None:
        """Close the socket without answering the next `times` calls to `method`."""
        with self._dispatcher.lock:
            self._dispatcher.faults.queue(method, Fault(status=0, drop_connection=True), times)

    def lose_response_next(self, method: str, *, status: int | None = 500, times: int = 1) -> None:
        """Carry out the next calls but answer 5xx (`status`) or, with None, drop the connection."""
        fault = Fault(
            status=status or 0,
            error="internal_error",
            drop_connection=status is None,
            after_processing=True,
        )
        with self._dispatcher.lock:
            self._dispatcher.faults.queue(method, fault, times)

    def delay(self, method: str, seconds: float) -> None:
        """Hold every call to `method` for `seconds` before answering (0 to stop)."""
        with self._dispatcher.lock:
            self._dispatcher.faults.set_delay(method, seconds)

    def set_rate_limit(self, method: str, per_minute: int | None) -> None:
        """Answer 429 (with Retry-After) beyond `per_minute` calls a minute; None lifts it."""
        with self._dispatcher.lock:
            self._dispatcher.faults.set_rate_limit(method, per_minute)

    def stub(self, method: str, response: dict[str, Any]) -> None:
        """Answer a (spec-checked) method with a fixed body, e.g. for one the stand-in lacks."""
        with self._dispatcher.lock:
            self._dispatcher.stubs[method] = dict(response)
