"""One function per sheet of the export: a query over the database, returned as a `Table`.

Each sheet is one query (joins, not a query per participant), so an export of thousands of
participants costs a handful of statements. Values are plain: enum values become labels, and
instants become naive datetimes in the programme's time zone, because a spreadsheet has no time
zones. `cohort_id` narrows a sheet to one cohort (applications: to that cohort's programme).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from bot.coaching.allowance import allowance_of, deadline_of
from bot.core.tables import Table
from bot.reporting.export.labels import label, yes_no
from db.enums import AttendanceStatus
from db.models import (
    AdvertisingRound,
    Application,
    AssessmentResult,
    CoachingSession,
    Cohort,
    Enrolment,
    Invitation,
    Outcome,
    Person,
    Programme,
    ProgrammeSession,
)

# Where no programme says otherwise (an outcome credited to no enrolment).
DEFAULT_ZONE = "Europe/London"
NOT_YET_HELD = "Not yet held"

_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")


def local_time(instant: datetime | None, zone: str) -> datetime | None:
    """`instant` as a naive wall-clock time in `zone` (what a spreadsheet cell can hold)."""
    if instant is None:
        return None
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def local_day(instant: datetime | None, zone: str) -> date | None:
    """The date `instant` falls on in `zone`."""
    local = local_time(instant, zone)
    return None if local is None else local.date()


def participants(session: Session, *, cohort_id: int | None = None) -> Table:
    """Everyone with a place (or waiting-list place) in a cohort, with their coaching allowance."""
    used = (
        select(func.count(CoachingSession.id))
        .where(CoachingSession.enrolment_id == Enrolment.id)
        .correlate(Enrolment)
        .scalar_subquery()
    )
    query = (
        select(Enrolment, used)
        .join(Enrolment.person)
        .join(Enrolment.cohort)
        .join(Cohort.programme)
        .options(
            contains_eager(Enrolment.person),
            contains_eager(Enrolment.cohort).contains_eager(Cohort.programme),
            joinedload(Enrolment.group),
        )
        .order_by(Programme.name, Cohort.name, Person.name, Enrolment.id)
    )
    rows = []
    for enrolment, sessions_used in session.execute(_in_cohort(query, cohort_id)):
        person, cohort = enrolment.person, enrolment.cohort
        zone = cohort.programme.timezone
        rows.append(
            (
                person.name,
                person.email,
                person.job_title,
                person.organisation,
                label(person.organisation_type),
                person.region,
                cohort.programme.name,
                cohort.name,
                enrolment.group.name if enrolment.group else None,
                label(enrolment.status),
                local_day(enrolment.enrolled_at, zone),
                allowance_of(enrolment),
                sessions_used,
                deadline_of(enrolment),
            )
        )
    return Table(
        "Participants",
        (
            "Name",
            "Email",
            "Job title",
            "Organisation",
            "Organisation type",
            "Region",
            "Programme",
            "Cohort",
            "Action learning group",
            "Status",
            "Enrolled on",
            "Coaching allowance",
            "Coaching sessions used",
            "Coaching deadline",
        ),
        rows,
    )


def applications(session: Session, *, cohort_id: int | None = None) -> Table:
    """Every application; gender and ethnicity only where the applicant consented to keep them."""
    query = (
        select(
            Person.name.label("applicant"),
            Programme.name.label("programme"),
            Programme.timezone,
            AdvertisingRound.name.label("round"),
            Application,
        )
        .join(Application.person)
        .join(Application.programme)
        .outerjoin(Application.round)
        .order_by(Programme.name, Application.submitted_at, Application.id)
    )
    if cohort_id is not None:
        programme_of_cohort = select(Cohort.programme_id).where(Cohort.id == cohort_id)
        query = query.where(Application.programme_id == programme_of_cohort.scalar_subquery())
    rows = []
    for row in session.execute(query):
        application = row.Application
        # The database refuses these without consent; checked again so no export relies on it.
        consented = application.diversity_consent
        rows.append(
            (
                row.applicant,
                row.programme,
                row.round,
                local_day(application.submitted_at, row.timezone),
                label(application.status),
                label(application.screening_result),
                application.job_title,
                application.organisation,
                label(application.organisation_type),
                application.region,
                application.gender if consented else None,
                application.ethnicity if consented else None,
            )
        )
    return Table(
        "Applications",
        (
            "Applicant",
            "Programme",
            "Round",
            "Submitted on",
            "Status",
            "Screening",
            "Job title",
            "Organisation",
            "Organisation type",
            "Region",
            "Gender",
            "Ethnicity",
        ),
        rows,
    )


def sessions_and_attendance(
    session: Session, now: datetime, *, cohort_id: int | None = None
) -> Table:
    """One row per invitation: the session, the participant's reply and whether they came.

    Attendance at a session that has not started yet reads "Not yet held", not "Not recorded".
    """
    # Plain columns, not entities: this sheet has a row per invitation, the most of any sheet.
    query = (
        select(
            Programme.name.label("programme"),
            Programme.timezone,
            Cohort.name.label("cohort"),
            Person.name.label("person"),
            ProgrammeSession.title,
            ProgrammeSession.kind,
            ProgrammeSession.starts_at,
            ProgrammeSession.compulsory,
            ProgrammeSession.status,
            Invitation.rsvp,
            Invitation.attendance,
            Invitation.attendance_reason,
            Invitation.rsvp_reason,
        )
        .select_from(Invitation)
        .join(Invitation.session)
        .join(ProgrammeSession.cohort)
        .join(Cohort.programme)
        .join(Invitation.enrolment)
        .join(Enrolment.person)
        .order_by(Programme.name, Cohort.name, ProgrammeSession.starts_at, Person.name)
        .order_by(Invitation.id)
    )
    rows = []
    for row in session.execute(_in_cohort(query, cohort_id)):
        upcoming = row.attendance == AttendanceStatus.UNKNOWN and row.starts_at > now
        rows.append(
            (
                row.programme,
                row.cohort,
                row.title,
                label(row.kind),
                local_time(row.starts_at, row.timezone),
                yes_no(row.compulsory),
                label(row.status),
                row.person,
                label(row.rsvp),
                NOT_YET_HELD if upcoming else label(row.attendance),
                # Why they were absent says more than why they said they would be.
                row.attendance_reason or row.rsvp_reason,
            )
        )
    return Table(
        "Sessions and attendance",
        (
            "Programme",
            "Cohort",
            "Session",
            "Kind",
            "Starts",
            "Compulsory",
            "Session status",
            "Participant",
            "RSVP",
            "Attendance",
            "Reason",
        ),
        rows,
    )


def coaching(session: Session, *, cohort_id: int | None = None) -> Table:
    """Every coaching session logged (logistics only: coaching content stays confidential)."""
    coach = aliased(Person)
    logger = aliased(Person)
    query = (
        select(
            Person.name,
            Programme.name,
            Cohort.name,
            CoachingSession.held_on,
            func.coalesce(coach.name, CoachingSession.coach_name),
            func.coalesce(logger.name, CoachingSession.logged_by),
        )
        .select_from(CoachingSession)
        .join(CoachingSession.enrolment)
        .join(Enrolment.person)
        .join(Enrolment.cohort)
        .join(Cohort.programme)
        .outerjoin(coach, coach.id == CoachingSession.coach_id)
        .outerjoin(logger, logger.slack_user_id == CoachingSession.logged_by)
        .order_by(Programme.name, Cohort.name, Person.name, CoachingSession.held_on)
        .order_by(CoachingSession.id)
    )
    rows = [
        (person, programme, cohort, held_on, coach_name, logged_by)
        for person, programme, cohort, held_on, coach_name, logged_by in session.execute(
            _in_cohort(query, cohort_id)
        )
    ]
    return Table(
        "Coaching",
        ("Participant", "Programme", "Cohort", "Held on", "Coach", "Logged by"),
        rows,
    )


def assessments(session: Session, *, cohort_id: int | None = None) -> Table:
    """Final assessment results, including who could not attend and why."""
    query = (
        select(
            Person.name.label("person"),
            Programme.name.label("programme"),
            Cohort.name.label("cohort"),
            AssessmentResult,
        )
        .select_from(AssessmentResult)
        .join(AssessmentResult.enrolment)
        .join(Enrolment.person)
        .join(Enrolment.cohort)
        .join(Cohort.programme)
        .order_by(Programme.name, Cohort.name, Person.name, AssessmentResult.assessed_on)
        .order_by(AssessmentResult.id)
    )
    rows = []
    for row in session.execute(_in_cohort(query, cohort_id)):
        result = row.AssessmentResult
        rows.append(
            (
                row.person,
                row.programme,
                row.cohort,
                result.assessed_on,
                result.panel,
                label(result.readiness),
                label(result.performance),
                label(result.potential),
                "; ".join(str(area) for area in result.development_areas or ()) or None,
                yes_no(result.feedback_given),
                result.did_not_attend_reason,
            )
        )
    return Table(
        "Assessments",
        (
            "Participant",
            "Programme",
            "Cohort",
            "Assessed on",
            "Panel",
            "Readiness",
            "Performance",
            "Potential",
            "Development areas",
            "Feedback given",
            "Did not attend because",
        ),
        rows,
    )


def outcomes(session: Session, *, cohort_id: int | None = None) -> Table:
    """Career moves reported for people, and whether a coordinator has confirmed each."""
    confirmer = aliased(Person)
    query = (
        select(
            Person.name.label("person"),
            Programme.name.label("programme"),
            Programme.timezone,
            Cohort.name.label("cohort"),
            func.coalesce(confirmer.name, Outcome.confirmed_by).label("confirmed_by"),
            Outcome,
        )
        .select_from(Outcome)
        .join(Outcome.person)
        .outerjoin(Outcome.enrolment)
        .outerjoin(Enrolment.cohort)
        .outerjoin(Cohort.programme)
        .outerjoin(confirmer, confirmer.slack_user_id == Outcome.confirmed_by)
        .order_by(Person.name, Outcome.started_on, Outcome.id)
    )
    if cohort_id is not None:
        in_cohort = select(Enrolment.person_id).where(Enrolment.cohort_id == cohort_id)
        query = query.where(Outcome.person_id.in_(in_cohort))
    rows = []
    for row in session.execute(query):
        outcome = row.Outcome
        rows.append(
            (
                row.person,
                row.programme,
                row.cohort,
                label(outcome.kind),
                outcome.role_title,
                outcome.organisation,
                outcome.started_on,
                row.confirmed_by,
                local_time(outcome.confirmed_at, row.timezone or DEFAULT_ZONE),
                outcome.note,
            )
        )
    return Table(
        "Outcomes",
        (
            "Person",
            "Programme",
            "Cohort",
            "Outcome",
            "Role",
            "Organisation",
            "Started on",
            "Confirmed by",
            "Confirmed at",
            "Note",
        ),
        rows,
    )


def _in_cohort(query: _Query, cohort_id: int | None) -> _Query:
    # Every query passed here joins Cohort already.
    return query if cohort_id is None else query.where(Cohort.id == cohort_id)
