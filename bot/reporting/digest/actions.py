"""Actions the steering group may want to take, drawn from the figures; none names a person.

Sessions are looked at over the last week (or since `since`), so each digest raises what is new;
attendance not yet recorded is raised for up to four weeks, since until it is the rate means nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.timefmt import format_day
from bot.reporting.digest.figures import (
    LOW_ATTENDANCE_PERCENT,
    LOW_RESPONSE_PERCENT,
    AssessmentFigures,
    CohortFigures,
    EvaluationFigures,
    SessionAttendance,
    SuggestedAction,
    UpcomingSession,
)

LOOK_BACK = timedelta(days=7)
UNRECORDED_LOOK_BACK = timedelta(days=28)
# Attendance is usually recorded within a day or two of a session.
RECORDING_GRACE = timedelta(days=2)


class ActionKind(StrEnum):
    """Stable keys of the suggested actions."""

    LOW_ATTENDANCE = "low_attendance"
    ATTENDANCE_NOT_RECORDED = "attendance_not_recorded"
    COACHING_AT_RISK = "coaching_at_risk"
    LOW_RESPONSE_RATE = "low_response_rate"
    NOT_ASSESSED = "not_assessed"
    NO_INVITATIONS = "no_invitations"


def _people(count: int) -> str:
    return f"{count} participant" if count == 1 else f"{count} participants"


def suggested_actions(
    *,
    cohorts: Sequence[CohortFigures],
    evaluations: EvaluationFigures | None,
    assessments: AssessmentFigures,
    upcoming: Sequence[UpcomingSession],
    labels: Mapping[int, str],
    now: datetime,
    since: datetime | None,
    zone: ZoneInfo,
) -> tuple[SuggestedAction, ...]:
    """Every suggested action, cohort by cohort in the order of `cohorts`, then the coming sessions."""
    found: list[SuggestedAction] = []
    recent = since if since is not None else now - LOOK_BACK
    for cohort in cohorts:
        for held in cohort.sessions:
            found.extend(_session_actions(held, cohort.label, now, recent, zone))
        risky = cohort.coaching.at_risk
        if risky:
            found.append(
                SuggestedAction(
                    ActionKind.COACHING_AT_RISK,
                    f"{cohort.label}: {_people(risky)} at risk of not using their coaching "
                    "allowance in time.",
                    cohort_id=cohort.cohort_id,
                )
            )
        waiting = assessments.not_yet_assessed_by_cohort.get(cohort.cohort_id, 0)
        if waiting:
            found.append(
                SuggestedAction(
                    ActionKind.NOT_ASSESSED,
                    f"{cohort.label}: {_people(waiting)} not yet assessed, though the "
                    "assessment has taken place.",
                    cohort_id=cohort.cohort_id,
                )
            )
    for rate in evaluations.response_rates if evaluations is not None else ():
        if rate.closed and rate.rate.below(LOW_RESPONSE_PERCENT):
            what = rate.session_title or rate.form_title
            found.append(
                SuggestedAction(
                    ActionKind.LOW_RESPONSE_RATE,
                    f"{labels.get(rate.cohort_id, 'A cohort')}: only {rate.rate.percent}% "
                    f"({rate.completed} of {rate.requested}) answered the evaluation of {what}.",
                    cohort_id=rate.cohort_id,
                    session_id=rate.session_id,
                )
            )
    for coming in upcoming:
        if coming.invited == 0:
            found.append(
                SuggestedAction(
                    ActionKind.NO_INVITATIONS,
                    f"{coming.cohort_label}: nobody is invited yet to {coming.title} on "
                    f"{format_day(coming.starts_at.astimezone(zone).date())}.",
                    cohort_id=coming.cohort_id,
                    session_id=coming.session_id,
                )
            )
    return tuple(found)


def _session_actions(
    held: SessionAttendance, label: str, now: datetime, recent: datetime, zone: ZoneInfo
) -> list[SuggestedAction]:
    day = format_day(held.starts_at.astimezone(zone).date())
    if held.recorded == 0:
        if held.invited and now - UNRECORDED_LOOK_BACK <= held.starts_at <= now - RECORDING_GRACE:
            return [
                SuggestedAction(
                    ActionKind.ATTENDANCE_NOT_RECORDED,
                    f"{label}: attendance at {held.title} on {day} has not been recorded yet.",
                    cohort_id=held.cohort_id,
                    session_id=held.session_id,
                )
            ]
        return []
    if held.low and held.starts_at >= recent:
        return [
            SuggestedAction(
                ActionKind.LOW_ATTENDANCE,
                f"{label}: only {held.rate.percent}% ({held.attended} of {held.invited}) attended "
                f"{held.title} on {day}, a compulsory session (below {LOW_ATTENDANCE_PERCENT}%).",
                cohort_id=held.cohort_id,
                session_id=held.session_id,
            )
        ]
    return []
