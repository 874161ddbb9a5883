"""What the evaluation results tests share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from db.enums import (
    EnrolmentStatus,
    EvaluationRequestState,
    QuestionPurpose,
    QuestionType,
    SessionKind,
)
from db.models import (
    Cohort,
    Enrolment,
    EvaluationAnswer,
    EvaluationForm,
    EvaluationRequest,
    EvaluationResponse,
    Invitation,
    Person,
    Programme,
    ProgrammeSession,
)
from tests.support.evaluations import Q, make_form

NOW = datetime(2017, 2, 1, 9, 0, tzinfo=UTC)
WORKSHOP_AT = datetime(2017, 1, 10, 9, 0, tzinfo=UTC)
CATEGORIES = ("Leading people", "Managing change", "Working with others")
ANSWER = str | int | list[str]


@dataclass
class Group:
    """A cohort with one workshop session and its enrolled participants."""

    cohort: Cohort
    workshop: ProgrammeSession
    people: list[Enrolment]


def make_group(session: Session, *, size: int, name: str = "2017", first: int = 0) -> Group:
    """A cohort called `name` of `size` participants named Person <first>…, invited to a workshop."""
    programme = Programme(name=f"Aspiring Directors {name}")
    cohort = Cohort(programme=programme, name=name, capacity=20)
    workshop = ProgrammeSession(
        cohort=cohort,
        kind=SessionKind.WORKSHOP,
        title=f"Launch workshop {name}",
        starts_at=WORKSHOP_AT,
        ends_at=WORKSHOP_AT + timedelta(hours=7),
    )
    people = []
    for index in range(first, first + size):
        person = Person(slack_user_id=f"UP{index:06d}", name=f"Person {index:02d}")
        people.append(Enrolment(person=person, cohort=cohort, status=EnrolmentStatus.ENROLLED))
    invitations = [Invitation(session=workshop, enrolment=enrolment) for enrolment in people]
    session.add_all([programme, cohort, workshop, *people, *invitations])
    session.flush()
    return Group(cohort, workshop, people)


def ask(
    session: Session,
    form: EvaluationForm,
    enrolment: Enrolment,
    programme_session: ProgrammeSession | None,
    *,
    state: EvaluationRequestState = EvaluationRequestState.OPEN,
    closes_at: datetime | None = NOW + timedelta(days=14),
) -> EvaluationRequest:
    """A request to `enrolment` to complete `form` (for a session, or a milestone if None)."""
    request = EvaluationRequest(
        form=form,
        enrolment=enrolment,
        session=programme_session,
        cohort_id=enrolment.cohort_id,
        opened_at=NOW,
        closes_at=closes_at,
        state=state,
    )
    session.add(request)
    session.flush()
    return request


def respond(
    session: Session,
    form: EvaluationForm,
    enrolment: Enrolment,
    programme_session: ProgrammeSession | None,
    answers: dict[str, ANSWER],
    *,
    on: date = date(2017, 1, 20),
    asked: bool = True,
) -> EvaluationResponse:
    """A completed request (unless `asked` is False) and its response with `answers` by key."""
    if asked:
        ask(session, form, enrolment, programme_session, state=EvaluationRequestState.COMPLETED)
    questions = {question.key: question for question in form.questions}
    response = EvaluationResponse(
        form=form,
        session=programme_session,
        cohort_id=enrolment.cohort_id,
        enrolment_id=None if form.anonymous else enrolment.id,
        submitted_on=on,
        submitted_at=None if form.anonymous else datetime.combine(on, NOW.timetz()),
        answers=[_answer(questions[key].id, value) for key, value in answers.items()],
    )
    session.add(response)
    session.flush()
    return response


def _answer(question_id: int, value: ANSWER) -> EvaluationAnswer:
    if isinstance(value, list):
        return EvaluationAnswer(question_id=question_id, value_choices=value)
    if isinstance(value, int):
        return EvaluationAnswer(question_id=question_id, value_number=value)
    return EvaluationAnswer(question_id=question_id, value_text=value)


def workshop_form(session: Session, *, key: str = "workshop", **kwargs: Any) -> EvaluationForm:
    """A workshop evaluation with the headline questions, a commitment and a free-text comment."""
    return make_form(
        session,
        key=key,
        title="Workshop evaluation",
        questions=[
            Q("overall", QuestionType.RATING5, "Overall?", purpose=QuestionPurpose.OVERALL),
            Q("met", QuestionType.OBJECTIVES_MET, "Met?", purpose=QuestionPurpose.OBJECTIVES),
            Q(
                "category",
                QuestionType.SINGLE_CHOICE,
                "Commitment category?",
                options=CATEGORIES,
                purpose=QuestionPurpose.COMMITMENT_CATEGORY,
                required=False,
            ),
            Q("comment", QuestionType.FREE_TEXT, "Anything else?", required=False),
        ],
        **kwargs,
    )


def answer_workshop(
    session: Session, form: EvaluationForm, group: Group, ratings: Sequence[tuple[int, int]]
) -> None:
    """One response per (overall, met) pair, from the group's people in turn."""
    for enrolment, (overall, met) in zip(group.people, ratings, strict=False):
        respond(session, form, enrolment, group.workshop, {"overall": overall, "met": met})
