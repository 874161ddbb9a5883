"""The digest is one set of queries: their number does not grow with participants or cohorts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.reporting.digest.gather import digest_figures
from db.engine import unit_of_work
from db.enums import (
    AttendanceStatus,
    EnrolmentStatus,
    EvaluationRequestState,
    Level,
    OrganisationType,
    OutcomeKind,
    QuestionPurpose,
    QuestionType,
    Readiness,
    RsvpStatus,
    SessionKind,
)
from db.models import (
    Application,
    AssessmentResult,
    CoachingSession,
    Cohort,
    CommitmentFollowUp,
    DigestSnapshot,
    Enrolment,
    EvaluationAnswer,
    EvaluationRequest,
    EvaluationResponse,
    Invitation,
    Outcome,
    Person,
    Programme,
    ProgrammeSession,
)
from tests.support.evaluations import RATING5, Q, make_form
from tests.support.statements import statements

NOW = datetime(2017, 6, 5, 9, 0, tzinfo=UTC)
COORDINATOR = "UCOORD01"


def build(session: Session, *, cohorts: int, participants: int) -> int:
    """A programme with every kind of row the digest reads, for each participant; returns its id."""
    programme = Programme(name=f"Programme of {participants}")
    session.add(programme)
    form = make_form(
        session,
        key=f"workshop_{participants}",
        questions=[
            Q("overall", QuestionType.RATING5, options=RATING5, purpose=QuestionPurpose.OVERALL),
            Q("category", QuestionType.SINGLE_CHOICE, options=("Team", "Self"),
              purpose=QuestionPurpose.COMMITMENT_CATEGORY),
        ],
    )  # fmt: skip
    overall, category = form.questions
    session.add(DigestSnapshot(programme=programme, week_of=date(2017, 5, 29), figures={}))
    for c in range(cohorts):
        cohort = Cohort(programme=programme, name=f"Cohort {c}", start_date=date(2017, 1, 9))
        sessions = [
            ProgrammeSession(
                cohort=cohort,
                kind=kind,
                title=kind.value,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
            )
            for kind, starts_at in (
                (SessionKind.WORKSHOP, datetime(2017, 1, 10, 9, tzinfo=UTC)),
                (SessionKind.ASSESSMENT, datetime(2017, 5, 20, 9, tzinfo=UTC)),
                (SessionKind.ACTION_LEARNING_SET, datetime(2017, 6, 1, 10, tzinfo=UTC)),
                (SessionKind.ACTION_LEARNING_SET, datetime(2017, 6, 12, 10, tzinfo=UTC)),
            )
        ]
        session.add_all([cohort, *sessions])
        for p in range(participants // cohorts):
            number = c * 1000 + p
            person = Person(name=f"Person {number}", region=f"Region {p % 3}")
            application = Application(
                programme=programme,
                person=person,
                job_title="Deputy director",
                organisation="A trust",
                organisation_type=OrganisationType.ACUTE,
                diversity_consent=p % 2 == 0,
                gender="Woman" if p % 2 == 0 else None,
                submitted_at=NOW - timedelta(days=200),
            )
            enrolment = Enrolment(
                person=person,
                cohort=cohort,
                status=EnrolmentStatus.ENROLLED,
                enrolled_at=NOW - timedelta(days=150),
                application=application,
            )
            rows: list[Any] = [application, enrolment]
            rows += [
                Invitation(
                    session=row,
                    enrolment=enrolment,
                    rsvp=RsvpStatus.ATTENDING,
                    attendance=AttendanceStatus.PRESENT,
                )
                for row in sessions
            ]
            if p % 2:
                rows.append(
                    CoachingSession(
                        enrolment=enrolment,
                        held_on=date(2017, 2, 1),
                        coach_name="Alex Coach",
                        logged_by=COORDINATOR,
                    )
                )
            workshop = sessions[0]
            rows += [
                EvaluationRequest(
                    form=form, enrolment=enrolment, session=workshop, cohort=cohort,
                    state=EvaluationRequestState.COMPLETED, opened_at=NOW - timedelta(days=140),
                ),
                EvaluationResponse(
                    form=form, session=workshop, cohort=cohort, enrolment=enrolment,
                    submitted_on=date(2017, 1, 20), submitted_at=NOW - timedelta(days=130),
                    answers=[
                        EvaluationAnswer(question=overall, value_number=1 + p % 5),
                        EvaluationAnswer(question=category, value_text="Team"),
                    ],
                ),
                CommitmentFollowUp(
                    enrolment=enrolment, session=workshop, due_on=date(2017, 2, 10),
                    asked_at=NOW - timedelta(days=115),
                ),
            ]  # fmt: skip
            if p % 3 == 0:
                rows.append(
                    AssessmentResult(enrolment=enrolment, did_not_attend_reason="Leave",
                                     recorded_by=COORDINATOR)
                )  # fmt: skip
            rows.append(
                AssessmentResult(
                    enrolment=enrolment,
                    assessed_on=date(2017, 5, 20),
                    readiness=Readiness.READY_NOW,
                    performance=Level.HIGH,
                    potential=Level.MEDIUM,
                    recorded_by=COORDINATOR,
                )
            )
            rows.append(
                Outcome(
                    person=person,
                    enrolment=enrolment,
                    kind=OutcomeKind.SECONDMENT,
                    reported_by=COORDINATOR,
                    confirmed_by=COORDINATOR,
                    confirmed_at=NOW,
                )
            )
            session.add_all(rows)
    session.flush()
    return programme.id


def statements_for(db: sessionmaker[Session], engine: Engine, programme_id: int) -> list[str]:
    with unit_of_work(db) as session, statements(engine) as seen:
        figures = digest_figures(session, programme_id=programme_id, now=NOW)
    # The figures were really computed from the rows, not from an empty programme.
    assert figures.headline.participants > 0
    assert figures.headline.sessions_held == 3 * len(figures.cohorts)
    assert figures.outcomes.with_new_role == figures.headline.participants
    assert figures.evaluations is not None
    answered = sum(rate.completed for rate in figures.evaluations.response_rates)
    assert answered == figures.headline.participants
    return seen


def test_the_number_of_statements_does_not_grow_with_participants_or_cohorts(
    db: sessionmaker[Session], engine: Engine
) -> None:
    with unit_of_work(db) as session:
        small = build(session, cohorts=1, participants=3)
        large = build(session, cohorts=4, participants=40)

    few = statements_for(db, engine, small)
    many = statements_for(db, engine, large)

    assert len(few) == len(many), "\n\n".join(many)
    # A handful per kind of row: the digest's own (8) and the evaluation results' (about 10).
    assert len(few) <= 20, "\n\n".join(few)


def test_restricting_to_cohorts_costs_no_more_statements(
    db: sessionmaker[Session], engine: Engine
) -> None:
    with unit_of_work(db) as session:
        programme_id = build(session, cohorts=4, participants=40)
        cohort_ids = [cohort.id for cohort in session.get_one(Programme, programme_id).cohorts]

    with unit_of_work(db) as session, statements(engine) as one:
        digest_figures(session, programme_id=programme_id, now=NOW, cohort_ids=cohort_ids[:1])
    with unit_of_work(db) as session, statements(engine) as three:
        digest_figures(session, programme_id=programme_id, now=NOW, cohort_ids=cohort_ids[1:])

    assert len(one) == len(three)
