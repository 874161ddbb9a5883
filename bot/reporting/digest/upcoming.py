"""Sessions coming up in the next two weeks, with how many are invited and have said yes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.reporting.digest.figures import UPCOMING_DAYS, UpcomingSession
from bot.reporting.digest.rows import SessionRow


def upcoming(
    sessions: Sequence[SessionRow], labels: Mapping[int, str], now: datetime
) -> tuple[UpcomingSession, ...]:
    """Sessions starting after `now` and within UPCOMING_DAYS days, soonest first."""
    until = now + timedelta(days=UPCOMING_DAYS)
    return tuple(
        UpcomingSession(
            session_id=row.id,
            cohort_id=row.cohort_id,
            cohort_label=labels[row.cohort_id],
            title=row.title,
            kind=row.kind,
            starts_at=row.starts_at,
            compulsory=row.compulsory,
            invited=row.invited,
            replied_yes=row.replied_yes,
            ends_at=row.ends_at,
            all_day=row.all_day,
        )
        for row in sessions
        if now < row.starts_at <= until
    )
