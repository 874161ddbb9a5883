"""Computes `DigestFigures` (see `bot.reporting.digest.figures`) from rows loaded once per kind.

Every part's module builds its own piece of `figures`, so `figures` holds only the dataclasses
and this module alone puts the pieces together: the package's imports then have no cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.core.ratio import Ratio
from bot.programmes.programmes import cohort_label
from bot.reporting.digest import attendance_figures, changes, coaching_figures, rows
from bot.reporting.digest.actions import suggested_actions
from bot.reporting.digest.assessment_figures import assessment_figures
from bot.reporting.digest.diversity_figures import diversity_figures
from bot.reporting.digest.evaluation_figures import evaluation_figures
from bot.reporting.digest.figures import CohortFigures, DigestFigures, Headline, HeadlineChange
from bot.reporting.digest.outcome_figures import outcome_figures
from bot.reporting.digest.upcoming import upcoming
from db.enums import EnrolmentStatus


def digest_figures(
    session: Session,
    *,
    programme_id: int,
    now: datetime,
    cohort_ids: Sequence[int] | None = None,
    since: date | None = None,
) -> DigestFigures:
    """Every figure of the digest for `programme_id` (or its `cohort_ids`) as of `now`.

    `since` limits the per-session attendance lists to sessions starting on or after that date
    (programme time zone) and compares the headline with the last snapshot taken on or before it,
    instead of the last one before this week. Raises `NotFound` for an unknown programme and
    `InvalidInput` for cohorts not in it.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    scope = rows.load_scope(session, programme_id, cohort_ids)
    zone = ZoneInfo(scope.programme.timezone)
    today = now.astimezone(zone).date()
    since_at = None if since is None else datetime.combine(since, time(), tzinfo=zone)
    labels = {cohort.id: cohort_label(cohort) for cohort in scope.cohorts}

    sessions = rows.load_sessions(session, scope)
    enrolments = rows.load_enrolments(session, scope)
    held = attendance_figures.held(sessions, now)
    participants = [row for row in enrolments if row.participant]
    assessments = assessment_figures(
        participants, rows.load_assessments(session, scope), sessions, now
    )
    outcomes = outcome_figures(participants, rows.load_outcomes(session, scope))
    evaluations = evaluation_figures(session, scope, now)

    expected_start = coaching_figures.started_by(scope.cohorts, sessions, zone)
    attendance = attendance_figures.by_cohort(held, since_at)
    of_cohort: dict[int, list[rows.EnrolmentRow]] = {cohort.id: [] for cohort in scope.cohorts}
    for row in enrolments:
        of_cohort[row.enrolment.cohort_id].append(row)
    cohorts = tuple(
        CohortFigures(
            cohort_id=cohort.id,
            label=labels[cohort.id],
            start_date=cohort.start_date,
            enrolled=sum(
                row.enrolment.status == EnrolmentStatus.ENROLLED for row in of_cohort[cohort.id]
            ),
            sessions=attendance.get(cohort.id, ()),
            coaching=coaching_figures.uptake(
                cohort, of_cohort[cohort.id], expected_start[cohort.id], today
            ),
        )
        for cohort in scope.cohorts
    )
    coming = upcoming(sessions, labels, now)
    headline = Headline(
        enrolled_now=sum(cohort.enrolled for cohort in cohorts),
        enrolled_ever=sum(1 for row in enrolments if _ever_enrolled(row)),
        participants=len(participants),
        sessions_held=len(held),
        attendance=attendance_figures.overall(held),
        coaching_commenced=Ratio(
            sum(cohort.coaching.commenced for cohort in cohorts),
            sum(cohort.coaching.enrolled for cohort in cohorts),
        ),
        outcomes=outcomes.share,
        director_roles=outcomes.in_director_role,
        assessed=Ratio(assessments.assessed, assessments.participants),
    )
    week_of = today - timedelta(days=today.weekday())
    figures = DigestFigures(
        programme_id=scope.programme.id,
        programme_name=scope.programme.name,
        cohort_ids=scope.cohort_ids if scope.restricted else None,
        now=now,
        today=today,
        week_of=week_of,
        since=since,
        headline=headline,
        cohorts=cohorts,
        evaluations=evaluations,
        assessments=assessments,
        outcomes=outcomes,
        # Diversity is published for the whole programme only: a cohort is too small.
        diversity=None
        if scope.restricted
        else diversity_figures(
            rows.load_applications(session, programme_id),
            participants,
            rows.load_erased_profiles(session, programme_id),
        ),
        upcoming=coming,
        actions=suggested_actions(
            cohorts=cohorts,
            evaluations=evaluations,
            assessments=assessments,
            upcoming=coming,
            labels=labels,
            now=now,
            since=since_at,
            zone=zone,
        ),
        changes=(),
    )
    if scope.restricted:
        # Snapshots are of the whole programme: comparing some cohorts with them would mislead.
        return figures
    previous = changes.previous_snapshot(
        session,
        programme_id,
        before=since if since is not None else week_of,
        on_or_before=since is not None,
    )
    return _with_changes(figures, changes.changes(figures, previous))


def _ever_enrolled(row: rows.EnrolmentRow) -> bool:
    return row.participant or row.enrolment.enrolled_at is not None


def _with_changes(figures: DigestFigures, found: tuple[HeadlineChange, ...]) -> DigestFigures:
    return replace(figures, changes=found)
