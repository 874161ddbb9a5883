"""What a person's App Home shows: their own programme, and for coordinators every cohort."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from bot.core.people import person_by_slack_id
from bot.reporting.outcomes import OutcomeLine, outcome_lines
from db.enums import EnrolmentStatus, EvaluationRequestState, Role, RsvpStatus, SessionStatus
from db.models import (
    CoachingSession,
    Cohort,
    Enrolment,
    EvaluationRequest,
    Invitation,
    Outcome,
    Person,
    Programme,
    ProgrammeSession,
)

COORDINATOR_HORIZON = timedelta(days=14)
# Statuses worth showing a participant; withdrawn and completed places are history.
_SHOWN = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING, EnrolmentStatus.DEFERRED)
# Who may report a new role: people on a programme now, or who finished one.
_CAN_REPORT = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


@dataclass(frozen=True)
class HomeSession:
    """A session on a participant's timetable, with their reply."""

    title: str
    starts_at: datetime
    compulsory: bool
    cancelled: bool
    rsvp: RsvpStatus
    ends_at: datetime | None = None
    all_day: bool = False
    # "day", or "week"/"month" while the day is still to be confirmed.
    precision: str = "day"


@dataclass(frozen=True)
class OpenForm:
    """An evaluation form waiting for the participant."""

    title: str
    closes_at: datetime | None
    # For its "Fill in" button.
    request_id: int | None = None


@dataclass(frozen=True)
class Participation:
    """One of the person's places (or waiting-list places)."""

    programme_name: str
    cohort_name: str
    group_name: str | None
    status: EnrolmentStatus
    waiting_position: int | None
    place_offered: bool
    upcoming: Sequence[HomeSession]
    past_count: int
    coaching_used: int
    coaching_allowance: int
    coaching_deadline: date | None
    open_forms: Sequence[OpenForm]
    # For the "Log a coaching session" button.
    enrolment_id: int | None = None
    coach_name: str | None = None


@dataclass(frozen=True)
class CohortOverview:
    """A cohort at a glance for coordinators."""

    programme_name: str
    cohort_name: str
    capacity: int
    headcount: int
    waiting: int


@dataclass(frozen=True)
class UpcomingSession:
    """A session in the coming fortnight, for coordinators."""

    cohort_name: str
    title: str
    starts_at: datetime
    cancelled: bool
    ends_at: datetime | None = None
    all_day: bool = False
    precision: str = "day"


@dataclass(frozen=True)
class HomeFacts:
    """Everything the Home tab shows one person."""

    roles: Sequence[str]
    tz: ZoneInfo
    participations: Sequence[Participation]
    cohorts: Sequence[CohortOverview] | None
    upcoming: Sequence[UpcomingSession]
    # New roles the person reported or had recorded, and whether they may report one.
    outcomes: Sequence[OutcomeLine] = ()
    can_report_outcome: bool = False
    # Coordinators: new roles participants reported that nobody has confirmed yet.
    outcomes_awaiting: int = 0
    # The last day the person's reminders are paused for being away; None when they are not.
    away_until: date | None = None


def home_facts(
    session: Session,
    *,
    slack_user_id: str,
    roles: set[Role],
    now: datetime,
    default_tz: ZoneInfo,
) -> HomeFacts:
    """Gather the Home tab for `slack_user_id`; coordinators also get every cohort."""
    person = person_by_slack_id(session, slack_user_id)
    participations = [] if person is None else _participations(session, person, now)
    coordinator = Role.COORDINATOR in roles
    return HomeFacts(
        roles=sorted(role.value for role in roles),
        tz=_zone(person.slack_tz if person is not None else None, default_tz),
        participations=participations,
        cohorts=_cohort_overviews(session) if coordinator else None,
        upcoming=_upcoming_sessions(session, now) if coordinator else (),
        outcomes=outcome_lines(session, person_id=person.id) if person is not None else (),
        can_report_outcome=person is not None and _has_been_on_a_programme(session, person),
        outcomes_awaiting=_outcomes_awaiting(session) if coordinator else 0,
        away_until=_away_until(session, person, now) if person is not None else None,
    )


def _away_until(session: Session, person: Person, now: datetime) -> date | None:
    # `/cohort away` sets every live place alike; the latest date is the one that holds.
    return session.scalar(
        select(func.max(Enrolment.away_until)).where(
            Enrolment.person_id == person.id,
            Enrolment.status.in_(_SHOWN),
            Enrolment.away_until >= now.date(),
        )
    )


def _outcomes_awaiting(session: Session) -> int:
    return int(
        session.scalar(select(func.count(Outcome.id)).where(Outcome.confirmed_by.is_(None))) or 0
    )


def _has_been_on_a_programme(session: Session, person: Person) -> bool:
    found = session.scalar(
        select(Enrolment.id)
        .where(Enrolment.person_id == person.id, Enrolment.status.in_(_CAN_REPORT))
        .limit(1)
    )
    return found is not None


def _zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    if not name:
        return fallback
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return fallback


def _participations(session: Session, person: Person, now: datetime) -> list[Participation]:
    enrolments = session.scalars(
        select(Enrolment)
        .where(Enrolment.person_id == person.id, Enrolment.status.in_(_SHOWN))
        .order_by(Enrolment.id)
        # What the tab shows of each place, in this one query rather than a lazy load apiece.
        .options(
            joinedload(Enrolment.cohort).joinedload(Cohort.programme),
            joinedload(Enrolment.group),
            joinedload(Enrolment.coach),
        )
    ).all()
    return [_participation(session, enrolment, now) for enrolment in enrolments]


def _participation(session: Session, enrolment: Enrolment, now: datetime) -> Participation:
    programme = enrolment.cohort.programme
    rows = session.execute(
        select(ProgrammeSession, Invitation.rsvp)
        .join(Invitation, Invitation.session_id == ProgrammeSession.id)
        .where(Invitation.enrolment_id == enrolment.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    ).all()
    upcoming = [
        HomeSession(
            title=item.title,
            starts_at=item.starts_at,
            compulsory=item.compulsory,
            cancelled=item.status == SessionStatus.CANCELLED,
            rsvp=rsvp,
            ends_at=item.ends_at,
            all_day=item.all_day,
            precision=item.date_precision.value,
        )
        for item, rsvp in rows
        if item.ends_at >= now
    ]
    used = session.scalar(
        select(func.count(CoachingSession.id)).where(CoachingSession.enrolment_id == enrolment.id)
    )
    forms = session.scalars(
        select(EvaluationRequest)
        .where(
            EvaluationRequest.enrolment_id == enrolment.id,
            EvaluationRequest.state == EvaluationRequestState.OPEN,
        )
        .order_by(EvaluationRequest.opened_at, EvaluationRequest.id)
        .options(joinedload(EvaluationRequest.form))
    ).all()
    allowance = enrolment.coaching_allowance
    return Participation(
        programme_name=programme.name,
        cohort_name=enrolment.cohort.name,
        group_name=enrolment.group.name if enrolment.group is not None else None,
        status=enrolment.status,
        waiting_position=enrolment.waiting_position,
        place_offered=enrolment.place_offered_at is not None,
        upcoming=upcoming,
        past_count=len(rows) - len(upcoming),
        coaching_used=int(used or 0),
        coaching_allowance=allowance if allowance is not None else programme.coaching_allowance,
        coaching_deadline=enrolment.coaching_deadline,
        coach_name=enrolment.coach.name if enrolment.coach is not None else None,
        open_forms=[
            OpenForm(request.form.title, request.closes_at, request.id)
            for request in forms
            if request.closes_at is None or request.closes_at > now
        ],
        enrolment_id=enrolment.id,
    )


def _cohort_overviews(session: Session) -> list[CohortOverview]:
    counts = {
        (cohort_id, status): int(count)
        for cohort_id, status, count in session.execute(
            select(Enrolment.cohort_id, Enrolment.status, func.count(Enrolment.id)).group_by(
                Enrolment.cohort_id, Enrolment.status
            )
        )
    }
    cohorts = session.execute(
        select(Cohort, Programme.name)
        .join(Programme, Cohort.programme_id == Programme.id)
        .order_by(Programme.name, Cohort.start_date, Cohort.name)
    ).all()
    return [
        CohortOverview(
            programme_name=programme_name,
            cohort_name=cohort.name,
            capacity=cohort.capacity,
            headcount=counts.get((cohort.id, EnrolmentStatus.ENROLLED), 0),
            waiting=counts.get((cohort.id, EnrolmentStatus.WAITING), 0),
        )
        for cohort, programme_name in cohorts
    ]


def _upcoming_sessions(session: Session, now: datetime) -> list[UpcomingSession]:
    rows = session.execute(
        select(ProgrammeSession, Cohort.name)
        .join(Cohort, ProgrammeSession.cohort_id == Cohort.id)
        .where(
            ProgrammeSession.starts_at >= now,
            ProgrammeSession.starts_at < now + COORDINATOR_HORIZON,
        )
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    ).all()
    return [
        UpcomingSession(
            cohort_name=cohort_name,
            title=item.title,
            starts_at=item.starts_at,
            cancelled=item.status == SessionStatus.CANCELLED,
            ends_at=item.ends_at,
            all_day=item.all_day,
            precision=item.date_precision.value,
        )
        for item, cohort_name in rows
    ]
