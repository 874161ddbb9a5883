"""The worker's side: take handed-off requests and run them through the Bolt app's listeners.

The worker's Bolt app runs each listener to the end before `dispatch` returns
(`process_before_response`), so a request is forgotten only once its work is done.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from slack_bolt import App, BoltRequest
from sqlalchemy import Engine

from bot.core.clock import Clock
from bot.core.logging_setup import exception_outline
from bot.slack.handoff.doorbell import Doorbell
from bot.slack.handoff.queue import HandedOff, finish, in_transaction, take, tidy

logger = logging.getLogger(__name__)

# Requests worked on at once: each listener waits on the database and Slack most of its time.
WORKER_THREADS = 8
# How often the table is looked at without a ring: rows from another web process, or left by a
# worker that stopped, are found within this.
LOOK_EVERY_SECONDS = 1.0
# How often requests too old to answer, or abandoned, are looked for (each look writes).
TIDY_EVERY = timedelta(minutes=1)
# Woken from idle, the worker lets a burst of requests land before it starts on them: until the
# doorbell has been quiet this long, and never longer than the next. While the web process is
# still acknowledging, the worker's work and its writes to the queue would take the cores and
# the queue's lock (on SQLite) from it: bursts of 50 were acknowledged up to 1.8 times as slowly
# as by a bare Bolt app. Then it takes as many requests at once as it has threads free.
SETTLE_QUIET_SECONDS = 0.003
SETTLE_AT_MOST_SECONDS = 0.25


class HandOffWorker:
    """Runs handed-off requests on a pool of threads until stopped."""

    def __init__(
        self,
        app: App,
        *,
        engine: Engine,
        doorbell: Doorbell,
        clock: Clock,
        threads: int = WORKER_THREADS,
        look_every: float = LOOK_EVERY_SECONDS,
    ) -> None:
        self._app = app
        self._engine = engine
        self._doorbell = doorbell
        self._clock = clock
        self._threads = threads
        self._look_every = look_every
        self._slots = threading.BoundedSemaphore(threads)
        self._tidied_at: datetime | None = None
        self._stopping = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="handoff")
        self._loop = threading.Thread(target=self.run, name="handoff-taker", daemon=True)

    def start(self) -> HandOffWorker:
        """Work in a background thread (the web process's tests and the demo)."""
        self._loop.start()
        return self

    def stop(self) -> None:
        """Stop taking requests and finish those in hand."""
        self._stopping.set()
        self._doorbell.ring()
        if self._loop.is_alive():
            self._loop.join(timeout=10)
        self._pool.shutdown(wait=True)

    def run(self, until: threading.Event | None = None) -> None:
        """Take and run requests until `stop`, `until` is set, or the doorbell's ringer is gone."""
        stopped = until or self._stopping
        while not (stopped.is_set() or self._stopping.is_set() or self._doorbell.hung_up):
            if not self._slots.acquire(timeout=self._look_every):
                continue
            free = 1
            while free < self._threads and self._slots.acquire(blocking=False):
                free += 1
            try:
                taken = self._take(free)
            except Exception as error:
                self._release(free)
                logger.warning("could not take handed-off work: %s", exception_outline(error))
                self._stopping.wait(self._look_every)
                continue
            self._release(free - len(taken))
            for request in taken:
                self._pool.submit(self._run, request)
            if not taken and self._doorbell.wait(self._look_every):
                self._doorbell.settle(SETTLE_QUIET_SECONDS, SETTLE_AT_MOST_SECONDS)

    def _release(self, slots: int) -> None:
        for _ in range(slots):
            self._slots.release()

    def _take(self, limit: int) -> tuple[HandedOff, ...]:
        now = self._clock()
        if self._tidied_at is None or now - self._tidied_at >= TIDY_EVERY:
            tidied = in_transaction(self._engine, lambda connection: tidy(connection, now))
            self._tidied_at = now
            if tidied.stale or tidied.abandoned:
                logger.warning(
                    "dropped handed-off requests: %d older than Slack's response URLs, "
                    "%d abandoned by two workers",
                    tidied.stale,
                    tidied.abandoned,
                )
        return in_transaction(self._engine, lambda connection: take(connection, now, limit))

    def _run(self, request: HandedOff) -> None:
        try:
            response = self._app.dispatch(
                BoltRequest(body=request.body, headers=dict(request.headers))
            )
            if response.status >= 400:
                # Only the status: the body can echo what was typed.
                logger.warning("a handed-off request was answered %d", response.status)
        except Exception as error:
            logger.error("a handed-off request failed: %s", exception_outline(error))
        finally:
            try:
                in_transaction(self._engine, lambda connection: finish(connection, [request.id]))
            except Exception as error:
                # The claim runs out and the request is taken once more, then dropped.
                logger.warning("could not clear handed-off work: %s", exception_outline(error))
            self._slots.release()
