"""Attendance by session held, per cohort, and over the whole scope (operational counts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.ratio import Ratio
from bot.reporting.digest.figures import SessionAttendance
from bot.reporting.digest.rows import SessionRow


def held(rows: Sequence[SessionRow], now: datetime) -> list[SessionRow]:
    """Sessions that have ended by `now`, oldest first."""
    return [row for row in rows if row.ends_at <= now]


def session_attendance(row: SessionRow) -> SessionAttendance:
    """One session's invited, replied, attended, excused and absent counts."""
    return SessionAttendance(
        session_id=row.id,
        cohort_id=row.cohort_id,
        title=row.title,
        kind=row.kind,
        starts_at=row.starts_at,
        compulsory=row.compulsory,
        invited=row.invited,
        replied=row.replied,
        attended=row.present,
        excused=row.excused,
        absent=row.absent,
        recorded=row.present + row.excused + row.absent,
    )


def by_cohort(
    rows: Sequence[SessionRow], since: datetime | None
) -> dict[int, tuple[SessionAttendance, ...]]:
    """Each cohort's sessions (already filtered to those held), from `since` when given."""
    found: dict[int, list[SessionAttendance]] = {}
    for row in rows:
        if since is None or row.starts_at >= since:
            found.setdefault(row.cohort_id, []).append(session_attendance(row))
    return {cohort_id: tuple(sessions) for cohort_id, sessions in found.items()}


def overall(rows: Sequence[SessionRow]) -> Ratio:
    """Present of invited over every session given."""
    return Ratio(sum(row.present for row in rows), sum(row.invited for row in rows))
