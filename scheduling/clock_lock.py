"""One clock process at a time.

On PostgreSQL a session-level advisory lock lets a second clock process (say, during a deploy's
overlap) wait idle until the first one exits. SQLite has no row locks for dispatchers to share work
safely, so a second dispatcher there is refused outright, using a lock file beside the database.
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
def dispatcher_lock(engine: Engine) -> Iterator[None]:
    """For a one-off dispatcher pass: exclusive on SQLite; on PostgreSQL rows are claimed with
    SKIP LOCKED, so any number of dispatchers may run at once."""
    if engine.dialect.name == "postgresql":
        yield
        return
    with clock_lock(engine, wait=False):
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
