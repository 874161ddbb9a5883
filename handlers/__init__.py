"""Slack listeners, one package per Slack surface; each exposes ``register(app)``."""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, errors, events, views
from handlers.errors import GuardedApp


def register(app: App) -> None:
    """Register every listener, each behind the error boundary, and the error handler on `app`."""
    errors.register(app)
    guarded = GuardedApp(app)
    commands.register(guarded)
    actions.register(guarded)
    views.register(guarded)
    events.register(guarded)
