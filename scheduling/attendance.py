"""Clock-process ticks for attendance: check-ins as sessions start, prompts to record as they end."""

from __future__ import annotations

from datetime import datetime

from bot.attendance.attendance import owe_check_ins, owe_record_prompts
from scheduling.tick import PassReport, Tick, TickDependencies


def plan_attendance(deps: TickDependencies, now: datetime) -> PassReport:
    """Owe invitees their 'Check in' DMs and facilitators their 'Record attendance' DMs."""
    with deps.uow() as session:
        check_ins = owe_check_ins(session, now)
        prompts = owe_record_prompts(session, now)
    return PassReport(f"owed {check_ins} check-in(s) and {prompts} attendance prompt(s)")


TICKS: tuple[Tick, ...] = (Tick("plan-attendance", every_seconds=300, run=plan_attendance),)
