"""Interactivity listeners (views), one module per area."""

from __future__ import annotations

from handlers.errors import GuardedApp
from handlers.views import (
    applications,
    assessments,
    attendance,
    coaching,
    commitments,
    enrolment,
    evaluations,
    outcomes,
    participation,
    privacy,
    programmes,
    reminders,
    timetable,
)


def register(app: GuardedApp) -> None:
    """Register every views listener."""
    programmes.register(app)
    timetable.register(app)
    applications.register(app)
    enrolment.register(app)
    reminders.register(app)
    attendance.register(app)
    coaching.register(app)
    participation.register(app)
    evaluations.register(app)
    commitments.register(app)
    assessments.register(app)
    outcomes.register(app)
    privacy.register(app)
