"""What every Slack listener gets from the app: a unit of work, the clock and the settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.core.clock import Clock
from bot.core.settings import Settings

UnitOfWork = Callable[[], AbstractContextManager[Session]]

CONTEXT_KEY = "services"


@dataclass(frozen=True)
class Services:
    """Dependencies handed to listeners through Bolt's `context`."""

    uow: UnitOfWork
    clock: Clock
    settings: Settings
    # For work that only reads (the Home tab, status): on SQLite it leaves writers free.
    read: UnitOfWork
    # Drops the requests waiting for the worker that carry a Slack id (`forget_requests_of`),
    # kept where the worker's queue is, which on SQLite is a database file of its own.
    forget_handed_off: Callable[[str], int]

    @classmethod
    def of(cls, context: Mapping[str, Any]) -> Services:
        """The services a middleware put in this request's context."""
        services = context[CONTEXT_KEY]
        assert isinstance(services, cls)
        return services
