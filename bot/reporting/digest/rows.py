"""The rows the digest's figures are computed from, each kind loaded with one statement.

Every loader takes the programme and the cohorts in scope and returns everything at once, so the
number of statements behind a digest stays the same however many participants or cohorts there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from bot.core.errors import InvalidInput, NotFound
from db.enums import (
    AttendanceStatus,
    EnrolmentStatus,
    Level,
    OrganisationType,
    OutcomeKind,
    Readiness,
    RsvpStatus,
    SessionKind,
    SessionStatus,
)
from db.models import (
    Application,
    AssessmentResult,
    CoachingSession,
    Cohort,
    Enrolment,
    ErasedDiversityProfile,
    Invitation,
    Outcome,
    Person,
    Programme,
    ProgrammeSession,
)

PARTICIPANT_STATUSES = frozenset({EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED})


@dataclass(frozen=True)
class Scope:
    """The programme and the cohorts a digest covers (all of the programme's when not restricted)."""

    programme: Programme
    cohorts: tuple[Cohort, ...]
    restricted: bool

    @property
    def cohort_ids(self) -> tuple[int, ...]:
        """Ids of the cohorts in scope."""
        return tuple(cohort.id for cohort in self.cohorts)


@dataclass(frozen=True)
class SessionRow:
    """A scheduled session with its invitation counts."""

    id: int
    cohort_id: int
    title: str
    kind: SessionKind
    starts_at: datetime
    ends_at: datetime
    compulsory: bool
    invited: int
    replied: int
    replied_yes: int
    present: int
    excused: int
    absent: int
    all_day: bool


@dataclass(frozen=True)
class EnrolmentRow:
    """An enrolment (loaded as the ORM object, with its person) and its coaching sessions used."""

    enrolment: Enrolment
    coaching_used: int

    @property
    def participant(self) -> bool:
        """Whether they took up their place (enrolled or completed)."""
        return self.enrolment.status in PARTICIPANT_STATUSES


@dataclass(frozen=True)
class AssessmentRow:
    """One assessment result."""

    id: int
    enrolment_id: int
    assessed_on: date | None
    readiness: Readiness | None
    performance: Level | None
    potential: Level | None
    did_not_attend: bool


@dataclass(frozen=True)
class OutcomeRow:
    """One reported outcome."""

    person_id: int
    enrolment_id: int | None
    kind: OutcomeKind
    confirmed: bool


@dataclass(frozen=True)
class ApplicationRow:
    """One application to the programme, with the diversity answers only where consent was given."""

    id: int
    person_id: int
    submitted_at: datetime
    gender: str | None
    ethnicity: str | None
    region: str | None
    organisation_type: OrganisationType | None
    # The applicant was erased: they count in the diversity tables by their unlinked profile.
    erased: bool = False


def load_scope(session: Session, programme_id: int, cohort_ids: Sequence[int] | None) -> Scope:
    """The programme and its cohorts (by start date, then name); refuses cohorts of other programmes."""
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFound("I can't find that programme any more.")
    cohorts = session.scalars(
        select(Cohort)
        .where(Cohort.programme_id == programme_id)
        .order_by(Cohort.start_date, Cohort.name, Cohort.id)
    ).all()
    if cohort_ids is None:
        return Scope(programme, tuple(cohorts), restricted=False)
    wanted = set(cohort_ids)
    unknown = wanted - {cohort.id for cohort in cohorts}
    if unknown:
        raise InvalidInput(f"Those cohorts are not all part of {programme.name}.")
    return Scope(programme, tuple(c for c in cohorts if c.id in wanted), restricted=True)


def _in_scope(scope: Scope, cohort_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    if scope.restricted:
        return cohort_id.in_(scope.cohort_ids)
    return cohort_id.in_(select(Cohort.id).where(Cohort.programme_id == scope.programme.id))


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def load_sessions(session: Session, scope: Scope) -> list[SessionRow]:
    """Every scheduled session in scope with its invitation counts, oldest first."""
    statement = (
        select(
            ProgrammeSession.id,
            ProgrammeSession.cohort_id,
            ProgrammeSession.title,
            ProgrammeSession.kind,
            ProgrammeSession.starts_at,
            ProgrammeSession.ends_at,
            ProgrammeSession.compulsory,
            func.count(Invitation.id),
            _count_where(Invitation.rsvp != RsvpStatus.NONE),
            _count_where(Invitation.rsvp == RsvpStatus.ATTENDING),
            _count_where(Invitation.attendance == AttendanceStatus.PRESENT),
            _count_where(Invitation.attendance == AttendanceStatus.EXCUSED),
            _count_where(Invitation.attendance == AttendanceStatus.ABSENT),
            ProgrammeSession.all_day,
        )
        .outerjoin(Invitation, Invitation.session_id == ProgrammeSession.id)
        .where(
            _in_scope(scope, ProgrammeSession.cohort_id),
            ProgrammeSession.status == SessionStatus.SCHEDULED,
        )
        .group_by(ProgrammeSession.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    )
    return [SessionRow(*tuple(row)) for row in session.execute(statement)]


def load_enrolments(session: Session, scope: Scope) -> list[EnrolmentRow]:
    """Every enrolment in scope, whatever its status, with its person and coaching sessions used."""
    used = (
        select(func.count(CoachingSession.id))
        .where(CoachingSession.enrolment_id == Enrolment.id)
        .correlate(Enrolment)
        .scalar_subquery()
    )
    statement = (
        select(Enrolment, used)
        .options(joinedload(Enrolment.person))
        .where(_in_scope(scope, Enrolment.cohort_id))
        .order_by(Enrolment.id)
    )
    return [EnrolmentRow(enrolment, int(count)) for enrolment, count in session.execute(statement)]


def load_assessments(session: Session, scope: Scope) -> list[AssessmentRow]:
    """Every assessment result of an enrolment in scope."""
    statement = (
        select(
            AssessmentResult.id,
            AssessmentResult.enrolment_id,
            AssessmentResult.assessed_on,
            AssessmentResult.readiness,
            AssessmentResult.performance,
            AssessmentResult.potential,
            AssessmentResult.did_not_attend_reason.is_not(None),
        )
        .join(Enrolment, Enrolment.id == AssessmentResult.enrolment_id)
        .where(_in_scope(scope, Enrolment.cohort_id))
        .order_by(AssessmentResult.id)
    )
    return [AssessmentRow(*row) for row in session.execute(statement)]


def load_outcomes(session: Session, scope: Scope) -> list[OutcomeRow]:
    """Every outcome reported for a person enrolled in scope (credited to any enrolment or none)."""
    people = select(Enrolment.person_id).where(_in_scope(scope, Enrolment.cohort_id))
    statement = (
        select(
            Outcome.person_id,
            Outcome.enrolment_id,
            Outcome.kind,
            Outcome.confirmed_at.is_not(None),
        )
        .where(Outcome.person_id.in_(people))
        .order_by(Outcome.id)
    )
    return [OutcomeRow(*row) for row in session.execute(statement)]


def load_applications(session: Session, programme_id: int) -> list[ApplicationRow]:
    """Every application to the programme; region and organisation type fall back to the person's."""
    consented = Application.diversity_consent.is_(True)
    statement = (
        select(
            Application.id,
            Application.person_id,
            Application.submitted_at,
            case((consented, Application.gender), else_=None),
            case((consented, Application.ethnicity), else_=None),
            func.coalesce(Application.region, Person.region),
            Application.organisation_type,
            Person.erased_at.is_not(None),
        )
        .join(Person, Person.id == Application.person_id)
        .where(Application.programme_id == programme_id)
        .order_by(Application.submitted_at, Application.id)
    )
    return [ApplicationRow(*row) for row in session.execute(statement)]


def load_erased_profiles(session: Session, programme_id: int) -> list[ErasedDiversityProfile]:
    """How the programme's erased people count in its diversity tables."""
    return list(
        session.scalars(
            select(ErasedDiversityProfile)
            .where(ErasedDiversityProfile.programme_id == programme_id)
            .order_by(ErasedDiversityProfile.id)
        )
    )
