"""Week on week: the headline compared with the last digest's snapshot.

A snapshot keeps only what was fit to publish: operational counts as numbers, and anything drawn
from equality data (the number of applicants) as its disclosed text. A change is worked out from
those published values alone, so it can never reveal a suppressed count or single anyone out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.disclosure import published_change
from bot.reporting.digest.figures import DigestFigures, HeadlineChange
from db.models import DigestSnapshot

LABELS: dict[str, str] = {
    "enrolled_now": "Participants enrolled",
    "enrolled_ever": "Enrolled since the start",
    "sessions_held": "Sessions held",
    "attendance_percent": "Attendance (%)",
    "coaching_commenced": "Coaching commenced",
    "with_new_role": "Participants with new roles",
    "director_roles": "In director roles",
    "assessed": "Assessed",
    "applicants": "Applicants",
}


def snapshot(figures: DigestFigures) -> dict[str, int | str]:
    """The publishable headline figures, to store in this week's DigestSnapshot."""
    headline = figures.headline
    values: dict[str, int | str] = {
        "enrolled_now": headline.enrolled_now,
        "enrolled_ever": headline.enrolled_ever,
        "sessions_held": headline.sessions_held,
        "coaching_commenced": headline.coaching_commenced.numerator,
        "with_new_role": headline.outcomes.numerator,
        "director_roles": headline.director_roles,
        "assessed": headline.assessed.numerator,
    }
    percent = headline.attendance.percent
    if percent is not None:
        values["attendance_percent"] = percent
    if figures.diversity is not None:
        values["applicants"] = figures.diversity.applicants_total
    return {key: values[key] for key in LABELS if key in values}


def previous_snapshot(
    session: Session, programme_id: int, *, before: date, on_or_before: bool = False
) -> dict[str, Any] | None:
    """The figures of the programme's latest snapshot before `before` (or on it, if asked)."""
    week = DigestSnapshot.week_of <= before if on_or_before else DigestSnapshot.week_of < before
    row = session.scalars(
        select(DigestSnapshot)
        .where(DigestSnapshot.programme_id == programme_id, week)
        .order_by(DigestSnapshot.week_of.desc())
        .limit(1)
    ).first()
    return None if row is None else dict(row.figures)


def changes(
    current: DigestFigures, previous: Mapping[str, Any] | None
) -> tuple[HeadlineChange, ...]:
    """Each headline figure now, as last published, and the difference (empty with no snapshot)."""
    if previous is None:
        return ()
    now = snapshot(current)
    return tuple(
        HeadlineChange(
            key=key,
            label=LABELS[key],
            now=str(value),
            before=None if previous.get(key) is None else str(previous[key]),
            change=_change(value, previous.get(key)),
        )
        for key, value in now.items()
    )


def _change(now: int | str, before: object) -> str:
    if before is None:
        return "new"
    return published_change(str(now), str(before))
