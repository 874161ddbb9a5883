"""Interactivity listeners (actions), one module per area."""

from __future__ import annotations

from handlers.actions import (
    applications,
    assessments,
    attendance,
    coaching,
    commitments,
    enrolment,
    evaluations,
    history,
    outcomes,
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
    evaluations.register(app)
    commitments.register(app)
    outcomes.register(app)
    history.register(app)
    assessments.register(app)
