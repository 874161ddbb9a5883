"""Clock-process ticks for the coaching allowance."""

from __future__ import annotations

from datetime import datetime

from bot.coaching.nudges import owe_coaching_nudges
from scheduling.tick import PassReport, Tick, TickDependencies


def nudge_coaching(deps: TickDependencies, now: datetime) -> PassReport:
    """Owe coaching nudges to participants at risk of leaving sessions unused."""
    with deps.uow() as session:
        owed = owe_coaching_nudges(session, now)
    return PassReport(f"owed {owed} coaching nudge(s)")


TICKS: tuple[Tick, ...] = (Tick("nudge-coaching", every_seconds=900, run=nudge_coaching),)
