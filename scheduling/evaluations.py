"""Clock-process ticks for evaluations: opening requests, one reminder, closing, and commitments."""

from __future__ import annotations

from datetime import datetime

from bot.evaluations.commitments import owe_follow_ups
from bot.evaluations.requests import cancel_for_leavers, expire_requests, remind_open_requests
from bot.evaluations.schedule import open_milestone_evaluations, open_session_evaluations
from scheduling.tick import PassReport, Tick, TickDependencies


def open_after_sessions(deps: TickDependencies, now: datetime) -> PassReport:
    """Ask the attendees of sessions that have just ended to evaluate them."""
    with deps.uow() as session:
        opened = open_session_evaluations(session, now, limit=deps.batch_rows)
    return PassReport.of_batch(
        opened, deps.batch_rows, f"opened {opened} session evaluation request(s)"
    )


def open_at_milestones(deps: TickDependencies, now: datetime) -> PassReport:
    """Ask for the baseline, end-of-programme, follow-up and coaching evaluations now due."""
    with deps.uow() as session:
        opened = open_milestone_evaluations(session, now, limit=deps.batch_rows)
    return PassReport.of_batch(
        opened, deps.batch_rows, f"opened {opened} milestone evaluation request(s)"
    )


def remind_evaluations(deps: TickDependencies, now: datetime) -> PassReport:
    """Owe the one reminder to people who have not filled in a form after a few days."""
    with deps.uow() as session:
        owed = remind_open_requests(session, now, limit=deps.batch_rows)
    return PassReport.of_batch(owed, deps.batch_rows, f"owed {owed} evaluation reminder(s)")


def close_evaluations(deps: TickDependencies, now: datetime) -> PassReport:
    """Expire requests whose form has closed, and cancel those of people who have left."""
    with deps.uow() as session:
        expired = expire_requests(session, now, limit=deps.batch_rows)
        cancelled = cancel_for_leavers(session, limit=deps.batch_rows)
    return PassReport.of_batch(
        max(expired, cancelled),
        deps.batch_rows,
        f"expired {expired}, cancelled {cancelled} evaluation request(s)",
    )


def follow_up_commitments(deps: TickDependencies, now: datetime) -> PassReport:
    """Ask, 30 and 90 days after a workshop, whether people acted on their commitment."""
    with deps.uow() as session:
        asked = owe_follow_ups(session, now)
    return PassReport(f"asked {asked} commitment follow-up(s)")


TICKS: tuple[Tick, ...] = (
    Tick("open-session-evaluations", every_seconds=300, run=open_after_sessions),
    Tick("open-milestone-evaluations", every_seconds=900, run=open_at_milestones),
    Tick("remind-evaluations", every_seconds=900, run=remind_evaluations),
    Tick("close-evaluations", every_seconds=300, run=close_evaluations),
    Tick("follow-up-commitments", every_seconds=900, run=follow_up_commitments),
)
