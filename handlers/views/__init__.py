"""Interactivity listeners (views), one module per area."""

from __future__ import annotations

from slack_bolt import App

from handlers.views import applications, enrolment, programmes


def register(app: App) -> None:
    """Register every views listener."""
    programmes.register(app)
    applications.register(app)
    enrolment.register(app)
