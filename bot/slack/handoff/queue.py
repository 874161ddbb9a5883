"""The table of handed-off requests: written by the web process, taken and cleared by a worker."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from bot.slack.signed_request import KEPT_HEADERS
from db.engine import SQLITE_BUSY_TIMEOUT_MS, create_engine_for, is_sqlite_memory
from db.models import HandedOffRequest

_TABLE: sa.Table = HandedOffRequest.metadata.tables[HandedOffRequest.__tablename__]
# A claim outlives any listener's work (the slowest, an export, takes seconds); after it, the
# worker that claimed the row is taken to have stopped, and another takes it again.
CLAIM_SECONDS = 300
# A request taken twice and never finished stopped its worker both times: it is dropped rather
# than allowed to stop every worker in turn.
MAX_ATTEMPTS = 2
# Slack's response URLs last 30 minutes; work older than that would answer into nothing, and a
# reply that late would puzzle the person who asked.
STALE_AFTER = timedelta(minutes=30)
# On SQLite, the queue's own database file is the main one's name with this added.
SQLITE_QUEUE_SUFFIX = "-handoff"
# How often a writer finding the queue's SQLite file locked tries again (`in_transaction`).
SQLITE_RETRY_SECONDS = 0.0005


# Built once: the web process runs one for every request it hands off.
_INSERT = sa.insert(_TABLE).returning(_TABLE.c.id)
_INSERT_ALL = sa.insert(_TABLE)


@dataclass(frozen=True)
class HandedOff:
    """A request taken by a worker."""

    id: int
    body: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Tidied:
    """Requests dropped unrun by `tidy`."""

    stale: int = 0
    abandoned: int = 0


@dataclass(frozen=True)
class Received:
    """A request as the web process received it."""

    body: str
    headers: Mapping[str, str]
    received_at: datetime

    def row(self) -> dict[str, Any]:
        """The request as a row of the table, with only the headers worth keeping."""
        kept = {name: self.headers[name] for name in KEPT_HEADERS if name in self.headers}
        return {"received_at": self.received_at, "body": self.body, "headers": json.dumps(kept)}


def hand_off(
    connection: Connection, body: str, headers: Mapping[str, str], received_at: datetime
) -> int:
    """Store a request as received; its id."""
    row_id = connection.execute(_INSERT, Received(body, headers, received_at).row()).scalar_one()
    return int(row_id)


def hand_off_all(connection: Connection, requests: Sequence[Received]) -> None:
    """Store requests as received, in one statement."""
    connection.execute(_INSERT_ALL, [request.row() for request in requests])


def take(connection: Connection, now: datetime, limit: int) -> tuple[HandedOff, ...]:
    """Claim up to `limit` requests no worker holds, oldest first."""
    # SKIP LOCKED lets workers on PostgreSQL take different rows at once; SQLite has one writer.
    chosen = (
        sa.select(_TABLE.c.id)
        .where(_free(now), _TABLE.c.attempts < MAX_ATTEMPTS)
        .order_by(_TABLE.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    rows = connection.execute(
        sa.update(_TABLE)
        .where(_TABLE.c.id.in_(chosen))
        .values(
            claimed_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=_TABLE.c.attempts + 1
        )
        .returning(_TABLE.c.id, _TABLE.c.body, _TABLE.c.headers)
    ).all()
    return tuple(
        HandedOff(id=row.id, body=row.body, headers=json.loads(row.headers))
        for row in sorted(rows, key=lambda row: row.id)
    )


def tidy(connection: Connection, now: datetime) -> Tidied:
    """Drop requests too old to answer, and those two workers stopped on."""
    stale = connection.execute(
        sa.delete(_TABLE).where(_TABLE.c.received_at < now - STALE_AFTER)
    ).rowcount
    abandoned = connection.execute(
        sa.delete(_TABLE).where(_free(now), _TABLE.c.attempts >= MAX_ATTEMPTS)
    ).rowcount
    return Tidied(stale=stale, abandoned=abandoned)


def _free(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(_TABLE.c.claimed_until.is_(None), _TABLE.c.claimed_until < now)


def finish(connection: Connection, ids: Sequence[int]) -> None:
    """Forget requests whose work is done (or was answered with an error)."""
    if ids:
        connection.execute(sa.delete(_TABLE).where(_TABLE.c.id.in_(ids)))


def forget_requests_of(connection: Connection, slack_user_id: str) -> int:
    """Drop the stored requests that carry `slack_user_id` (an erasure); how many there were.

    Slack's ids are letters and digits, and stand as they are in a form-encoded body as in JSON.
    """
    if not slack_user_id:
        return 0
    return connection.execute(
        sa.delete(_TABLE).where(_TABLE.c.body.contains(slack_user_id, autoescape=True))
    ).rowcount


def forget_handed_off(engine: Engine, slack_user_id: str) -> int:
    """`forget_requests_of` in a transaction of its own."""
    return in_transaction(engine, lambda connection: forget_requests_of(connection, slack_user_id))


def waiting(connection: Connection) -> int:
    """How many requests are stored, taken or not (for the health check and tests)."""
    return int(connection.execute(sa.select(sa.func.count()).select_from(_TABLE)).scalar_one())


def queue_engine_for(engine: Engine) -> Engine:
    """Where handed-off requests are kept: `engine`'s database, or on SQLite a file beside it.

    SQLite has one writer at a time per database file. In the main file, the web process's write
    of a request waited for the worker's own writes (each unit of work holds the lock from its
    start), and the wait was the acknowledgements' longest tail (README, Benchmarks). In a file of
    their own they wait only for the worker's taking and clearing of requests, a row at a time.

    On PostgreSQL each operation on the queue is a statement complete in itself, so it gets an
    engine of its own that sends just that: no transaction around it, and no ping when a
    connection leaves the pool. Storing a request is one round trip instead of four; if the
    connection was lost, the statement fails, the pool starts afresh, and that one request is
    served in the web process.
    """
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return create_engine_for(
            url.render_as_string(hide_password=False),
            pool_pre_ping=False,
            isolation_level="AUTOCOMMIT",
        )
    if url.get_backend_name() != "sqlite" or is_sqlite_memory(url) or not url.database:
        return engine
    path = Path(url.database)
    beside = url.set(database=str(path.with_name(path.name + SQLITE_QUEUE_SUFFIX)))
    queue = create_engine_for(beside.render_as_string(hide_password=False))

    @sa.event.listens_for(queue, "connect")
    def _wait_in_python(dbapi_connection: Any, _record: Any) -> None:
        # SQLite's own wait sleeps 1, 2, 5, 10... ms between tries, so a lock held for 3 ms
        # cost 8; `in_transaction` tries again every half-millisecond instead.
        dbapi_connection.execute("PRAGMA busy_timeout = 0")

    in_transaction(queue, lambda connection: _TABLE.create(connection, checkfirst=True))
    return queue


Result = TypeVar("Result")


def in_transaction(engine: Engine, work: Callable[[Connection], Result]) -> Result:
    """`work` in a transaction of its own, tried again while SQLite says the file is locked."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            with engine.begin() as connection:
                return work(connection)
        except sa.exc.OperationalError as error:
            busy = getattr(error.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() > deadline:
                raise
        time.sleep(SQLITE_RETRY_SECONDS)
