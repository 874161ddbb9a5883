"""Clock-process tick for the steering group's weekly digest."""

from __future__ import annotations

from datetime import datetime

from bot.reporting.digest.delivery import owe_digests
from scheduling.tick import PassReport, Tick, TickDependencies


def owe_weekly_digests(deps: TickDependencies, now: datetime) -> PassReport:
    """Owe each steering channel this week's digest once its digest time has passed."""
    with deps.uow() as session:
        owed = owe_digests(session, now, deps.settings.digest_at, deps.settings.steering_channel)
    return PassReport(f"owed {owed} steering digest(s)")


TICKS: tuple[Tick, ...] = (Tick("owe-digests", every_seconds=300, run=owe_weekly_digests),)
