"""Interactivity listeners (actions), one module per area."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Register every actions listener."""
