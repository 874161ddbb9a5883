"""Slack listeners, one module per Slack surface; each exposes ``register(app)``."""

from __future__ import annotations

from slack_bolt import App

from handlers import commands, errors, events


def register(app: App) -> None:
    """Register every listener and the error handler on `app`."""
    errors.register(app)
    commands.register(app)
    events.register(app)
