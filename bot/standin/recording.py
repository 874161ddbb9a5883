"""What the stand-in saw: API calls, response_url posts, Socket Mode acks and contract problems."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
# Re-check conditions this often even without a notification, for state that changes silently.
_POLL_SECONDS = 0.02


@dataclass(frozen=True)
class RecordedCall:
    """One Web API call as the stand-in answered it."""

    method: str
    args: dict[str, Any]
    status: int
    response: dict[str, Any]
    at: float

    @property
    def ok(self) -> bool:
        """True when the answer was HTTP 200 with `ok: true`."""
        return self.status == 200 and self.response.get("ok") is True

    @property
    def error(self) -> str | None:
        """Slack's error code of a refused call, if any."""
        error = self.response.get("error")
        return error if isinstance(error, str) else None


class Recorder:
    """Thread-safe lists of everything recorded, with waiting for something to arrive."""

    def __init__(self, on_problem: Callable[[str], None] | None = None) -> None:
        self._on_problem = on_problem
        self._changed = threading.Condition()
        self._calls: list[RecordedCall] = []
        self._responses: list[tuple[str, dict[str, Any]]] = []
        self._acks: list[dict[str, Any]] = []
        self._problems: list[str] = []

    def add_call(self, call: RecordedCall) -> None:
        """Record an answered API call."""
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def add_response(self, url: str, payload: dict[str, Any]) -> None:
        """Record a post to a response_url."""
        with self._changed:
            self._responses.append((url, payload))
            self._changed.notify_all()

    def add_ack(self, ack: dict[str, Any]) -> None:
        """Record a Socket Mode acknowledgement."""
        with self._changed:
            self._acks.append(ack)
            self._changed.notify_all()

    def add_problem(self, problem: str) -> None:
        """Record a contract violation by the client."""
        with self._changed:
            self._problems.append(problem)
            self._changed.notify_all()
        if self._on_problem is not None:
            self._on_problem(problem)

    @property
    def calls(self) -> list[RecordedCall]:
        """A snapshot of the recorded calls, in order."""
        with self._changed:
            return list(self._calls)

    @property
    def responses(self) -> list[tuple[str, dict[str, Any]]]:
        """A snapshot of the response_url posts, in order."""
        with self._changed:
            return list(self._responses)

    @property
    def acks(self) -> list[dict[str, Any]]:
        """A snapshot of the Socket Mode acknowledgements, in order."""
        with self._changed:
            return list(self._acks)

    @property
    def problems(self) -> list[str]:
        """A snapshot of the recorded problems, in order."""
        with self._changed:
            return list(self._problems)

    def wait(self, find: Callable[[], T | None], timeout: float) -> T | None:
        """Poll `find` until it returns something other than None, or the timeout passes."""
        deadline = time.monotonic() + timeout
        while True:
            # `find` runs unlocked: it may take the stand-in's own lock, which is taken before
            # this one when calls are recorded, so holding ours here could deadlock.
            found = find()
            remaining = deadline - time.monotonic()
            if found is not None or remaining <= 0:
                return found
            with self._changed:
                self._changed.wait(min(remaining, _POLL_SECONDS))
