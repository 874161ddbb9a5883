"""Clock-process tick for the retention schedule (bot.privacy.retention)."""

from __future__ import annotations

from datetime import datetime

from bot.privacy.retention import apply_retention
from scheduling.tick import PassReport, Tick, TickDependencies


def apply_retention_schedule(deps: TickDependencies, now: datetime) -> PassReport:
    """Anonymise or erase what the schedule says is due, and tell coordinators what went."""
    with deps.uow() as session:
        report = apply_retention(
            session, retention=deps.settings.retention, now=now, tz=deps.settings.timezone
        )
    return PassReport(report.summary())


# Every six hours: what falls due is counted in days, and a run with nothing due costs little.
TICKS: tuple[Tick, ...] = (
    Tick("apply-retention", every_seconds=21600, run=apply_retention_schedule),
)
