"""One clock process at a time, and one tick at a time across every process.

On PostgreSQL a session-level advisory lock lets a second clock process (say, during a deploy's
overlap) wait idle until the first one exits; on SQLite a second one is refused outright, using a
lock file beside the database.

A `scheduler --once` pass takes no clock lock, so an operator can run one beside a running clock
(to catch up after a fix, say). Instead every tick, in every process, runs under the tick lock, so
two ticks never overlap: the second waits for the first to finish. That is what makes overlapping
passes safe: two planners never race to owe the same message (a unique key would refuse one of
them mid-pass), and a send claimed by a live pass is never mistaken for the leftover of a dead one.
A killed process's locks go with it (PostgreSQL ends its connection, the kernel its file lock).
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text

logger = logging.getLogger(__name__)

# Any constant will do, as long as every cohortbot process uses the same one.
ADVISORY_LOCK_KEY = 0x636F686F72  # "cohor"
TICK_LOCK_KEY = ADVISORY_LOCK_KEY + 1
WAIT_SECONDS = 30.0


class ClockAlreadyRunning(Exception):
    """Another clock process holds the lock and this one must not run."""


@contextmanager
def clock_lock(
    engine: Engine, *, wait: bool, sleep: Callable[[float], None] = time.sleep
) -> Iterator[None]:
    """Hold the clock lock for the duration; with `wait`, wait for it on PostgreSQL."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection, _advisory_lock(connection, wait=wait, sleep=sleep):
            yield
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield  # an in-memory database belongs to this process alone
        return
    with _lock_file(Path(database).with_name(Path(database).name + ".clock-lock")):
        yield


@contextmanager
def tick_lock(engine: Engine) -> Iterator[None]:
    """Hold the lock every tick runs under, waiting for any other process's tick to finish."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": TICK_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": TICK_LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    path = Path(database).with_name(Path(database).name + ".tick-lock")
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@contextmanager
def _advisory_lock(
    connection: Connection, *, wait: bool, sleep: Callable[[float], None]
) -> Iterator[None]:
    while not connection.scalar(
        text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
    ):
        connection.commit()
        if not wait:
            raise ClockAlreadyRunning(
                "another cohortbot clock process is running against this database"
            )
        logger.info("another clock process holds the lock; waiting %.0f s", WAIT_SECONDS)
        sleep(WAIT_SECONDS)
    connection.commit()
    try:
        yield
    finally:
        connection.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
        connection.commit()


@contextmanager
def _lock_file(path: Path) -> Iterator[None]:
    handle: IO[str] = path.open("a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ClockAlreadyRunning(
                "another cohortbot scheduler is already running against this SQLite database, "
                "which cannot share the sending of messages between processes; stop it first, "
                "or use PostgreSQL"
            ) from None
        yield
    finally:
        handle.close()
