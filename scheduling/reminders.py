"""Clock-process ticks for follow-ups, non-responder lists and quorum alerts."""

from __future__ import annotations

from datetime import datetime

from bot.reminders.participation import owe_follow_ups, owe_non_responder_lists, owe_quorum_alerts
from scheduling.tick import PassReport, Tick, TickDependencies


def chase_replies(deps: TickDependencies, now: datetime) -> PassReport:
    """Owe follow-ups to people who have not replied, and coordinators their lists of them."""
    with deps.uow() as session:
        follow_ups = owe_follow_ups(session, now)
        lists = owe_non_responder_lists(session, now)
    return PassReport(f"owed {follow_ups} follow-up(s) and {lists} non-responder list(s)")


def check_quorum(deps: TickDependencies, now: datetime) -> PassReport:
    """Alert facilitators and coordinators of action learning sets short of quorum."""
    with deps.uow() as session:
        alerts = owe_quorum_alerts(session, now)
    return PassReport(f"owed {alerts} quorum alert(s)")


TICKS: tuple[Tick, ...] = (
    Tick("chase-replies", every_seconds=300, run=chase_replies),
    Tick("check-quorum", every_seconds=900, run=check_quorum),
)
