"""Events for files shared with the bot (CSV imports)."""

from __future__ import annotations

from collections.abc import Callable

LISTENERS: dict[str, Callable[..., None]] = {}
