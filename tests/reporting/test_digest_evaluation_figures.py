"""The digest's evaluation figures: response rates and shares, of the programme's cohorts only."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.ratio import Ratio
from bot.reporting.digest.actions import ActionKind
from db.engine import unit_of_work
from db.enums import EvaluationRequestState, QuestionPurpose, QuestionType, SessionKind
from db.models import (
    Enrolment,
    EvaluationAnswer,
    EvaluationRequest,
    EvaluationResponse,
    Person,
    ProgrammeSession,
)
from tests.reporting.digest_dataset import NORTH, NOW, A, B, figures_for
from tests.support.evaluations import OBJECTIVES_MET, RATING5, Q, make_form


def add_evaluations(session: Session) -> None:
    """Workshop evaluations: North's 2 of 5 answered (closed), South's 3 of 3, Zed's elsewhere."""
    form = make_form(
        session,
        key="workshop",
        title="Workshop evaluation",
        questions=[
            Q("overall", QuestionType.RATING5, options=RATING5, purpose=QuestionPurpose.OVERALL),
            Q(
                "objectives",
                QuestionType.OBJECTIVES_MET,
                options=OBJECTIVES_MET,
                purpose=QuestionPurpose.OBJECTIVES,
            ),
        ],
    )
    overall, objectives = form.questions
    workshops = {
        row.cohort_id: row
        for row in session.scalars(
            select(ProgrammeSession).where(ProgrammeSession.kind == SessionKind.WORKSHOP)
        )
    }
    # (cohort, person, completed, overall rating, objectives met): 1 is Excellent / Completely.
    answers = [
        (A, "Ann", True, 1, 1),
        (A, "Bob", True, 2, 2),
        (A, "Cat", False, 0, 0),
        (A, "Dan", False, 0, 0),
        (A, "Eve", False, 0, 0),
        (B, "Gus", True, 3, 2),
        (B, "Hal", True, 1, 3),
        (B, "Ivy", True, 4, 4),
        (3, "Zed", True, 5, 4),
    ]
    for cohort_id, name, completed, rating, met in answers:
        enrolment = session.scalars(
            select(Enrolment).join(Enrolment.person).where(Person.name == name)
        ).one()
        workshop = workshops[cohort_id]
        state = EvaluationRequestState.COMPLETED if completed else EvaluationRequestState.EXPIRED
        session.add(
            EvaluationRequest(
                form=form, enrolment=enrolment, session=workshop, cohort_id=cohort_id,
                opened_at=NOW - timedelta(days=30), closes_at=NOW - timedelta(days=16),
                state=state,
            )
        )  # fmt: skip
        if completed:
            session.add(
                EvaluationResponse(
                    form=form, session=workshop, cohort_id=cohort_id, enrolment=enrolment,
                    submitted_on=date(2017, 5, 10), submitted_at=NOW - timedelta(days=26),
                    answers=[
                        EvaluationAnswer(question=overall, value_number=rating),
                        EvaluationAnswer(question=objectives, value_number=met),
                    ],
                )
            )  # fmt: skip
    session.flush()


def test_evaluations_of_the_programmes_cohorts_only(
    db: sessionmaker[Session], programme_id: int
) -> None:
    with unit_of_work(db) as session:
        add_evaluations(session)

    figures = figures_for(db, programme_id)

    evaluations = figures.evaluations
    assert evaluations is not None
    assert [
        (r.cohort_id, r.form_key, r.session_title, r.requested, r.completed, r.closed)
        for r in evaluations.response_rates
    ] == [
        (A, "workshop", "Launch workshop", 5, 2, True),
        (B, "workshop", "Launch workshop", 3, 3, True),
    ]
    assert evaluations.response_rates[0].rate == Ratio(2, 5)
    # Ann, Bob, Gus, Hal and Ivy answered; Zed's answers are another programme's.
    assert evaluations.responses == 5
    assert evaluations.excellent_or_good == Ratio(3, 5)  # 1, 2, 3, 1, 4
    assert evaluations.objectives_met == Ratio(3, 5)  # 1, 2, 2, 3, 4
    assert evaluations.commitments_by_category is None  # nobody was asked
    low = [a for a in figures.actions if a.kind == ActionKind.LOW_RESPONSE_RATE]
    assert [a.text for a in low] == [
        f"{NORTH}: only 40% (2 of 5) answered the evaluation of Launch workshop."
    ]

    south = figures_for(db, programme_id, cohort_ids=[B]).evaluations
    assert south is not None
    # Fewer than 5 responses in South alone: the shares are withheld.
    assert (south.responses, south.excellent_or_good, south.objectives_met) == (3, None, None)
