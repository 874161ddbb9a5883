"""A tick: a job the clock process fires on an interval, and what it may use."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient

from bot.core.settings import Settings
from bot.slack.app_context import UnitOfWork
from scheduling.pacing import Pacer

# A long-running clock's delivery tick yields after this long, so the other ticks keep their
# cadence through a backlog (at the default rate, about 150 messages a pass).
DELIVERY_BUDGET_SECONDS = 30.0


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


@dataclass(frozen=True)
class Tick:
    """A job the clock process fires every `every_seconds`."""

    id: str
    every_seconds: int
    run: Callable[[TickDependencies, datetime], str]
