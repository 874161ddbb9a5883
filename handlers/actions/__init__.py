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

# The buttons whose work the worker process does (`handlers.hand_off`).
HANDED_OFF: frozenset[str] = reminders.HANDED_OFF | attendance.HANDED_OFF | enrolment.HANDED_OFF


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
