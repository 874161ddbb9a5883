"""Acknowledgements first: a listener's work after `ack()` waits while other requests await theirs.

Slack gives every request 3 seconds to be acknowledged. The web process's threads share one
interpreter lock, so the database queries, rendering and Slack calls a listener does after its
acknowledgement take turns with the acknowledgement of every request that arrived meanwhile; in a
burst, each acknowledgement came after a share of everyone's work (figures: README, Benchmarks).
Work after an acknowledgement therefore waits until no request in the process is waiting for its
own, up to `max_wait` so that steady traffic never starves it. It also stops waiting when the
listener threads left free could no longer run the listeners of the requests the server holds, so
that waiting work never keeps a request from being acknowledged at all.

One per process (`ACKNOWLEDGEMENTS_FIRST`): the interpreter lock is the process's, whichever app
a request is for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Long enough for a burst of 50 requests to be acknowledged (about 0.1 s on 2 cores), short
# enough that a reply is never late by more than this.
MAX_WAIT_SECONDS = 0.5


class AcknowledgementsFirst:
    """Counts requests awaiting their acknowledgement and holds back work done after one."""

    def __init__(self, *, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self._max_wait = max_wait
        self._changed = threading.Condition()
        self._awaiting = 0
        # Listeners past their acknowledgement, waiting or working.
        self._after_ack = 0
        # How many of those may wait before the rest of the listener threads are needed for
        # requests still to be acknowledged; None: no limit known.
        self._after_ack_limit: int | None = None

    def limit_work_to(self, listener_threads: int, server_threads: int) -> None:
        """Keep enough listener threads free to acknowledge every request the server holds."""
        with self._changed:
            self._after_ack_limit = max(listener_threads - server_threads, 0)

    @contextmanager
    def awaiting_acknowledgement(self) -> Iterator[None]:
        """Held by the web server while a request waits for its acknowledgement."""
        with self._changed:
            self._awaiting += 1
        try:
            yield
        finally:
            with self._changed:
                self._awaiting -= 1
                if self._awaiting == 0:
                    self._changed.notify_all()

    def begin_work_after_ack(self) -> None:
        """Called once a listener has acknowledged: wait for the others' acknowledgements."""
        with self._changed:
            self._after_ack += 1
            # Waiting listeners hold their threads: past the limit, waiting could leave a request
            # the server holds with no thread to run its listener, and so with no acknowledgement.
            if self._after_ack_limit is None or self._after_ack <= self._after_ack_limit:
                self._changed.wait_for(lambda: self._awaiting == 0, timeout=self._max_wait)

    def end_work_after_ack(self) -> None:
        """Called when a listener that began work after its acknowledgement returns."""
        with self._changed:
            self._after_ack -= 1

    def counts(self) -> tuple[int, int]:
        """(requests awaiting acknowledgement, listeners past theirs), for tests."""
        with self._changed:
            return self._awaiting, self._after_ack


ACKNOWLEDGEMENTS_FIRST = AcknowledgementsFirst()
