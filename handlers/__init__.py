"""Slack listeners, one package per Slack surface; each exposes ``register(app)``."""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, errors, events, views


def register(app: App) -> None:
    """Register every listener and the error handler on `app`."""
    errors.register(app)
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
