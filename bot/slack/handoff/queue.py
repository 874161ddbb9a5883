"""The table of handed-off requests: written by the web process, taken and cleared by a worker."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Connection

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
# The headers a listener or Bolt's middleware reads; the signature was checked on the way in.
KEPT_HEADERS = ("content-type", "x-slack-retry-num", "x-slack-retry-reason")


@dataclass(frozen=True)
class HandedOff:
    """A request taken by a worker."""

    id: int
    body: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Taken:
    """What one take found: requests to run, and how many were dropped."""

    requests: tuple[HandedOff, ...]
    dropped_stale: int = 0
    dropped_abandoned: int = 0


def hand_off(
    connection: Connection, body: str, headers: Mapping[str, str], received_at: datetime
) -> int:
    """Store a request as received; its id."""
    kept = {name: headers[name] for name in KEPT_HEADERS if name in headers}
    row_id = connection.execute(
        sa.insert(_TABLE)
        .values(received_at=received_at, body=body, headers=json.dumps(kept))
        .returning(_TABLE.c.id)
    ).scalar_one()
    return int(row_id)


def take(connection: Connection, now: datetime, limit: int) -> Taken:
    """Claim up to `limit` requests no worker holds, oldest first; drop the stale and abandoned."""
    stale = connection.execute(
        sa.delete(_TABLE).where(_TABLE.c.received_at < now - STALE_AFTER)
    ).rowcount
    free = sa.or_(_TABLE.c.claimed_until.is_(None), _TABLE.c.claimed_until < now)
    abandoned = connection.execute(
        sa.delete(_TABLE).where(free, _TABLE.c.attempts >= MAX_ATTEMPTS)
    ).rowcount
    # SKIP LOCKED lets workers on PostgreSQL take different rows at once; SQLite has one writer.
    chosen = (
        sa.select(_TABLE.c.id)
        .where(free)
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
    requests = tuple(
        HandedOff(id=row.id, body=row.body, headers=json.loads(row.headers))
        for row in sorted(rows, key=lambda row: row.id)
    )
    return Taken(requests, dropped_stale=stale, dropped_abandoned=abandoned)


def finish(connection: Connection, ids: Sequence[int]) -> None:
    """Forget requests whose work is done (or was answered with an error)."""
    if ids:
        connection.execute(sa.delete(_TABLE).where(_TABLE.c.id.in_(ids)))


def waiting(connection: Connection) -> int:
    """How many requests are stored, taken or not (for the health check and tests)."""
    return int(connection.execute(sa.select(sa.func.count()).select_from(_TABLE)).scalar_one())
