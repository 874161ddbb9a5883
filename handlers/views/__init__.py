"""Interactivity listeners (views), one module per area."""

from __future__ import annotations

from handlers.errors import GuardedApp
from handlers.views import (
    applications,
    attendance,
    coaching,
    enrolment,
    participation,
    programmes,
    reminders,
)


def register(app: GuardedApp) -> None:
    """Register every views listener."""
    programmes.register(app)
    applications.register(app)
    enrolment.register(app)
    reminders.register(app)
    attendance.register(app)
    coaching.register(app)
    participation.register(app)
