"""One function per sheet of the export: a query over the database, returned as a `Table`.

Each sheet is one or two queries (joins, not a query per participant), so an export of thousands
of participants costs a handful of statements. The queries select plain columns, not ORM objects:
at national scale building objects and their relationships was most of the time spent reading.
Values are plain: enum values become labels, and
instants become naive datetimes in the programme's time zone, because a spreadsheet has no time
zones. `cohort_id` narrows a sheet to one cohort (applications: to that cohort's programme).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar, TypeVarTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Result, Select, func, select
from sqlalchemy.orm import Session, aliased

from bot.coaching.allowance import allowance, deadline
from bot.core.tables import Cell, Table
from bot.reporting.export.labels import label, yes_no
from db.enums import AttendanceStatus
from db.models import (
    ActionLearningGroup,
    AdvertisingRound,
    Application,
    CoachingSession,
    Cohort,
    Enrolment,
    Invitation,
    Person,
    Programme,
    ProgrammeSession,
)

# Where no programme says otherwise (an outcome credited to no enrolment).
DEFAULT_ZONE = "Europe/London"
NOT_YET_HELD = "Not yet held"

_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")
_Row = TypeVarTuple("_Row")


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
        select(
            Person.name,
            Person.email,
            Person.job_title,
            Person.organisation,
            Person.organisation_type,
            Person.region,
            Programme.name,
            Programme.timezone,
            Programme.coaching_allowance,
            Programme.length_months,
            Cohort.name,
            ActionLearningGroup.name,
            Enrolment.status,
            Enrolment.enrolled_at,
            Enrolment.coaching_allowance,
            Enrolment.coaching_deadline,
            used,
        )
        .select_from(Enrolment)
        .join(Enrolment.person)
        .join(Enrolment.cohort)
        .join(Cohort.programme)
        .outerjoin(Enrolment.group)
        .order_by(Programme.name, Cohort.name, Person.name, Enrolment.id)
    )
    rows = [
        (
            name,
            email,
            job_title,
            organisation,
            label(organisation_type),
            region,
            programme,
            cohort,
            group,
            label(status),
            local_day(enrolled_at, zone),
            allowance(own_allowance, programme_allowance),
            sessions_used,
            deadline(own_deadline, enrolled_at, length_months),
        )
        for (
            name,
            email,
            job_title,
            organisation,
            organisation_type,
            region,
            programme,
            zone,
            programme_allowance,
            length_months,
            cohort,
            group,
            status,
            enrolled_at,
            own_allowance,
            own_deadline,
            sessions_used,
        ) in rows_of(session, in_cohort(query, cohort_id))
    ]
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
            Person.name,
            Programme.name,
            AdvertisingRound.name,
            Programme.timezone,
            Application.submitted_at,
            Application.status,
            Application.screening_result,
            Application.job_title,
            Application.organisation,
            Application.organisation_type,
            Application.region,
            Application.diversity_consent,
            Application.gender,
            Application.ethnicity,
        )
        .select_from(Application)
        .join(Application.person)
        .join(Application.programme)
        .outerjoin(Application.round)
        .order_by(Programme.name, Application.submitted_at, Application.id)
    )
    if cohort_id is not None:
        programme_of_cohort = select(Cohort.programme_id).where(Cohort.id == cohort_id)
        query = query.where(Application.programme_id == programme_of_cohort.scalar_subquery())
    rows = [
        (
            applicant,
            programme,
            round_name,
            local_day(submitted_at, zone),
            label(status),
            label(screening),
            job_title,
            organisation,
            label(organisation_type),
            region,
            # The database refuses these without consent; checked again so no export relies on it.
            gender if consented else None,
            ethnicity if consented else None,
        )
        for (
            applicant,
            programme,
            round_name,
            zone,
            submitted_at,
            status,
            screening,
            job_title,
            organisation,
            organisation_type,
            region,
            consented,
            gender,
            ethnicity,
        ) in rows_of(session, query)
    ]
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
    # This sheet has a row per invitation, the most of any sheet: what belongs to the session is
    # read and made into cells once per session, and each invitation adds only its own columns.
    sessions_query = (
        select(
            ProgrammeSession.id,
            Programme.name,
            Cohort.name,
            ProgrammeSession.title,
            ProgrammeSession.kind,
            ProgrammeSession.starts_at,
            Programme.timezone,
            ProgrammeSession.compulsory,
            ProgrammeSession.status,
        )
        .select_from(ProgrammeSession)
        .join(ProgrammeSession.cohort)
        .join(Cohort.programme)
    )
    held: dict[int, tuple[tuple[Cell, ...], bool]] = {}
    for id_, programme, cohort, title, kind, starts_at, zone, compulsory, status in rows_of(
        session, in_cohort(sessions_query, cohort_id)
    ):
        cells = (
            programme,
            cohort,
            title,
            label(kind),
            local_time(starts_at, zone),
            yes_no(compulsory),
            label(status),
        )
        held[id_] = (cells, starts_at > now)
    invitations_query = (
        select(
            Invitation.session_id,
            Person.name,
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
    unknown = AttendanceStatus.UNKNOWN
    for session_id, person, rsvp, attendance, attendance_reason, rsvp_reason in rows_of(
        session, in_cohort(invitations_query, cohort_id)
    ):
        session_cells, upcoming = held[session_id]
        rows.append(
            (
                *session_cells,
                person,
                label(rsvp),
                NOT_YET_HELD if upcoming and attendance == unknown else label(attendance),
                # Why they were absent says more than why they said they would be.
                attendance_reason or rsvp_reason,
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
        for person, programme, cohort, held_on, coach_name, logged_by in rows_of(
            session, in_cohort(query, cohort_id)
        )
    ]
    return Table(
        "Coaching",
        ("Participant", "Programme", "Cohort", "Held on", "Coach", "Logged by"),
        rows,
    )


def rows_of(session: Session, query: Select[*_Row]) -> Result[*_Row]:
    """The rows `query` selects, run on the session's connection (in its transaction).

    Run as Core, not through the ORM session: the ORM's per-row machinery is not needed for plain
    columns and cost most of the time of reading the 100,000 invitations. The ORM would first
    flush what is pending, so this does too.
    """
    session.flush()
    return session.connection().execute(query)


def in_cohort(query: _Query, cohort_id: int | None) -> _Query:
    # Every query passed here joins Cohort already.
    return query if cohort_id is None else query.where(Cohort.id == cohort_id)
