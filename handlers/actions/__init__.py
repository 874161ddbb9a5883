"""Interactivity listeners (actions), one module per area."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import applications, enrolment, programmes


def register(app: App) -> None:
    """Register every actions listener."""
    programmes.register(app)
    applications.register(app)
    enrolment.register(app)
