"""A tick: a job the clock process fires on an interval, and what it may use."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient

from bot.core.settings import Settings
from bot.slack.app_context import UnitOfWork
from scheduling.pacing import Pacer

# A tick that can find a large backlog (a national enrolment's baseline forms, a day's reminders)
# opens or owes at most this many rows a pass, in a stable order, each pass in its own unit of work;
# the rest goes on a follow-up pass, so one backlog never holds the other ticks up for minutes.
BATCH_ROWS = 1000

# A long-running clock's delivery tick yields after this long, so the other ticks keep their
# cadence through a backlog (at the default rate, about 50 messages a pass). It was 30 s, which
# set the longest any tick waited after a national enrolment (README, Benchmarks). The pacer
# carries over from pass to pass and a pass that leaves messages queues the next at once, so a
# shorter pass sends no slower.
DELIVERY_BUDGET_SECONDS = 10.0


@dataclass(frozen=True)
class TickDependencies:
    """What a tick may use."""

    uow: UnitOfWork
    client: WebClient
    settings: Settings
    # One for the life of the process, so pacing carries over from one pass to the next.
    pacer: Pacer
    # Held while a tick runs, so ticks in different processes never overlap (see clock_lock).
    exclusive: Callable[[], AbstractContextManager[None]] = nullcontext
    # How long one delivery tick may keep sending before it lets the other ticks run; None (for
    # `--once`) sends until nothing is due.
    delivery_budget_seconds: float | None = DELIVERY_BUDGET_SECONDS
    # How many rows a pass of a backlog-prone tick may open or owe (see BATCH_ROWS).
    batch_rows: int = BATCH_ROWS
    # What budgets are measured with (a simulated clock in the first-pass benchmark).
    monotonic: Callable[[], float] = time.monotonic


@dataclass(frozen=True)
class PassReport:
    """What one pass of a tick did, and whether it left work due for another pass."""

    summary: str
    more_due: bool = False

    @classmethod
    def of_batch(cls, done: int, limit: int, summary: str) -> PassReport:
        """A pass that did `done` of at most `limit` rows: a full batch may have left more.

        A pass that did nothing never says so, so `run_once` cannot loop on an empty backlog.
        """
        if done > 0 and done >= limit:
            return cls(f"{summary}, more due on the next pass", more_due=True)
        return cls(summary)


@dataclass(frozen=True)
class Tick:
    """A job the clock process fires every `every_seconds`."""

    id: str
    every_seconds: int
    run: Callable[[TickDependencies, datetime], PassReport]
