"""The clock process's few static ticks: each opens its own unit of work and calls a service.

The database, not APScheduler, holds what is owed to whom; a tick only asks "what is due now?".
"""

from __future__ import annotations

from datetime import datetime

from bot.core.event_log import purge_processed_events
from bot.reminders.reminders import owe_due_reminders
from scheduling import (
    attendance,
    coaching,
    evaluations,
    reminders,
    reporting,
    retention,
)
from scheduling.delivery import deliver_due
from scheduling.tick import PassReport, Tick, TickDependencies


def purge_events(deps: TickDependencies, now: datetime) -> PassReport:
    """Forget Slack event ids too old to be retried."""
    with deps.uow() as session:
        purged = purge_processed_events(session, now)
    return PassReport(f"forgot {purged} processed Slack event id(s)")


def deliver_outbox(deps: TickDependencies, now: datetime) -> PassReport:
    """Send the messages that are due."""
    report = deliver_due(
        deps.uow,
        deps.client,
        now,
        deps.pacer,
        budget_seconds=deps.delivery_budget_seconds,
        monotonic=deps.monotonic,
    )
    return PassReport(str(report), more_due=report.more_due)


def plan_reminders(deps: TickDependencies, now: datetime) -> PassReport:
    """Owe each participant the session reminders that are now due."""
    with deps.uow() as session:
        owed = owe_due_reminders(session, now, limit=deps.batch_rows)
    return PassReport.of_batch(owed, deps.batch_rows, f"owed {owed} reminder(s)")


TICKS: tuple[Tick, ...] = (
    Tick("plan-reminders", every_seconds=300, run=plan_reminders),
    *reminders.TICKS,
    *attendance.TICKS,
    *coaching.TICKS,
    *reporting.TICKS,
    *evaluations.TICKS,
    *retention.TICKS,
    Tick("deliver-outbox", every_seconds=10, run=deliver_outbox),
    Tick("purge-processed-events", every_seconds=3600, run=purge_events),
)
