"""Coaching uptake per cohort: the rule of `bot.coaching.allowance` applied in bulk, from counts loaded once.

`bot.coaching.allowance.start_expected_by` asks the database once per cohort; here the same date comes from
the sessions already loaded (six weeks after the cohort's first workshop, else after its start).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.coaching.allowance import WORKSHOP_GRACE, allowance_of, behind, deadline_of, risks
from bot.reporting.digest.figures import CoachingUptake
from bot.reporting.digest.rows import EnrolmentRow, SessionRow
from db.enums import EnrolmentStatus, SessionKind
from db.models import Cohort


def started_by(
    cohorts: Sequence[Cohort], sessions: Sequence[SessionRow], zone: ZoneInfo
) -> dict[int, date | None]:
    """By cohort id: when coaching should have started (as `bot.coaching.allowance.start_expected_by`)."""
    first_workshop: dict[int, date] = {}
    for row in sessions:
        if row.kind == SessionKind.WORKSHOP and row.cohort_id not in first_workshop:
            # Sessions come oldest first, so the first seen is the earliest.
            first_workshop[row.cohort_id] = row.starts_at.astimezone(zone).date()
    found: dict[int, date | None] = {}
    for cohort in cohorts:
        start = first_workshop.get(cohort.id, cohort.start_date)
        found[cohort.id] = None if start is None else start + WORKSHOP_GRACE
    return found


@dataclass(frozen=True)
class _Risk:
    """Which of `bot.coaching.allowance.risks`'s reasons apply to one participant."""

    at_risk: bool
    deadline_passed: bool
    not_started: bool
    behind: bool


# Most of a cohort share a deadline and a handful of counts, so each case is worked out once.
@lru_cache(maxsize=4096)
def _risk(
    used: int, allowance: int, deadline: date | None, today: date, expected_start: date | None
) -> _Risk:
    reasons = risks(
        used=used, allowance=allowance, deadline=deadline, today=today, started_by=expected_start
    )
    if not reasons or deadline is None:
        return _Risk(False, False, False, False)
    if today > deadline:
        return _Risk(True, True, False, False)
    # The same tests `risks` makes, to say which of its reasons apply.
    return _Risk(
        at_risk=True,
        deadline_passed=False,
        not_started=used == 0 and expected_start is not None and today >= expected_start,
        behind=behind(allowance - used, today, deadline),
    )


def uptake(
    cohort: Cohort,
    enrolments: Sequence[EnrolmentRow],
    expected_start: date | None,
    today: date,
) -> CoachingUptake:
    """One cohort's coaching (`enrolments` are the cohort's): enrolled now, commenced, at risk."""
    enrolled = commenced = used = allowance = 0
    at_risk = not_started = running_behind = deadline_passed = 0
    for row in enrolments:
        if row.enrolment.status != EnrolmentStatus.ENROLLED:
            continue
        own_allowance = allowance_of(row.enrolment)
        enrolled += 1
        commenced += row.coaching_used > 0
        used += row.coaching_used
        allowance += own_allowance
        risk = _risk(
            row.coaching_used, own_allowance, deadline_of(row.enrolment), today, expected_start
        )
        at_risk += risk.at_risk
        deadline_passed += risk.deadline_passed
        not_started += risk.not_started
        running_behind += risk.behind
    return CoachingUptake(
        cohort_id=cohort.id,
        enrolled=enrolled,
        commenced=commenced,
        used=used,
        allowance=allowance,
        at_risk=at_risk,
        not_started=not_started,
        behind=running_behind,
        deadline_passed=deadline_passed,
    )
