"""Actions listeners for the coaching allowance."""

from __future__ import annotations

from handlers.errors import GuardedApp


def register(app: GuardedApp) -> None:
    """Register this area's actions listeners."""
