"""A tick: a job the clock process fires on an interval, and what it may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient

from bot.core.settings import Settings
from bot.slack.app_context import UnitOfWork
from scheduling.pacing import Pacer


@dataclass(frozen=True)
class TickDependencies:
    """What a tick may use."""

    uow: UnitOfWork
    client: WebClient
    settings: Settings
    # One for the life of the process, so pacing carries over from one pass to the next.
    pacer: Pacer


@dataclass(frozen=True)
class Tick:
    """A job the clock process fires every `every_seconds`."""

    id: str
    every_seconds: int
    run: Callable[[TickDependencies, datetime], str]
