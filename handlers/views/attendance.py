"""Views listeners for attendance."""

from __future__ import annotations

from handlers.errors import GuardedApp


def register(app: GuardedApp) -> None:
    """Register this area's views listeners."""
