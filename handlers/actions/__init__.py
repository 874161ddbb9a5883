"""Interactivity listeners (actions), one module per area."""

from __future__ import annotations

from handlers.actions import (
    applications,
    attendance,
    coaching,
    enrolment,
    participation,
    programmes,
    reminders,
)
from handlers.errors import GuardedApp


def register(app: GuardedApp) -> None:
    """Register every actions listener."""
    programmes.register(app)
    applications.register(app)
    enrolment.register(app)
    reminders.register(app)
    attendance.register(app)
    coaching.register(app)
    participation.register(app)
