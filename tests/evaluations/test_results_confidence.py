"""Evaluation results: commitments by category and the baseline-to-end confidence change."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.evaluations.results import (
    commitments_by_category,
    confidence_change,
)
from db.engine import unit_of_work
from db.enums import (
    QuestionPurpose,
    QuestionType,
)
from db.models import (
    EvaluationForm,
    EvaluationResponse,
)
from tests.evaluations.results_data import (
    make_group,
    respond,
    workshop_form,
)
from tests.support.evaluations import Q, make_form

# Commitments and confidence


def test_commitments_are_counted_per_category_once_five_chose_one(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        group = make_group(session, size=6)
        form = workshop_form(session)
        chosen = ["Managing change", "Leading people", "Managing change", "Managing change"]
        for enrolment, category in zip(group.people, chosen, strict=False):
            respond(session, form, enrolment, group.workshop, {"overall": 1, "category": category})
        # Five responses, but only four chose a category.
        respond(session, form, group.people[4], group.workshop, {"overall": 1})
        assert commitments_by_category(session) is None

        respond(session, form, group.people[5], group.workshop, {"category": "Leading people"})

        assert commitments_by_category(session) == {
            "Leading people": 2,
            "Managing change": 3,
            "Working with others": 0,
        }


def confidence_forms(session: Session, *, anonymous: bool) -> tuple[EvaluationForm, ...]:
    """Baseline and end-of-programme surveys with the same two confidence questions."""
    questions = [
        Q(
            "lead",
            QuestionType.AGREEMENT5,
            "I am confident leading",
            purpose=QuestionPurpose.CONFIDENCE,
        ),
        Q("change", QuestionType.AGREEMENT5, "I lead change", purpose=QuestionPurpose.CONFIDENCE),
        Q("other", QuestionType.AGREEMENT5, "Not a confidence question"),
    ]
    return tuple(
        make_form(session, key=key, attached_to=key, anonymous=anonymous, questions=questions)
        for key in ("enrolment", "programme_end")
    )


def test_confidence_change_pairs_the_same_people_and_leaves_out_the_unmatched(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        group = make_group(session, size=7)
        baseline, end = confidence_forms(session, anonymous=False)
        # People 0-4 answered both; person 5 only the baseline, person 6 only the end.
        before = [2, 3, 1, 2, 4, 1]
        after = [4, 3, 3, 4, 5, None, 5]
        for enrolment, value in zip(group.people, before, strict=False):
            respond(session, baseline, enrolment, None, {"lead": value, "change": value})
        for enrolment, later in zip(group.people, after, strict=True):
            if later is not None:
                respond(session, end, enrolment, None, {"lead": later})

        changes = confidence_change(session)

    # "change" was only answered at baseline, so there is nothing to compare it with.
    (lead,) = changes
    # Pairs: (2,4) (3,3) (1,3) (2,4) (4,5): baseline mean 12/5, end mean 19/5, change 7/5.
    assert (lead.question_key, lead.paired, lead.pairs) == ("lead", True, 5)
    assert (lead.baseline_responses, lead.end_responses) == (6, 6)
    assert lead.baseline_mean == pytest.approx(2.4)
    assert lead.end_mean == pytest.approx(3.8)
    assert lead.mean_change == pytest.approx(1.4)


def test_four_pairs_are_too_few_to_show_a_change(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        group = make_group(session, size=5)
        baseline, end = confidence_forms(session, anonymous=False)
        for enrolment in group.people:
            respond(session, baseline, enrolment, None, {"lead": 2})
        for enrolment in group.people[:4]:
            respond(session, end, enrolment, None, {"lead": 4})

        (lead,) = confidence_change(session)

    assert (lead.pairs, lead.baseline_mean, lead.end_mean, lead.mean_change) == (
        4,
        None,
        None,
        None,
    )


def test_anonymous_surveys_are_compared_as_cohort_means_not_pairs(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        group = make_group(session, size=6)
        baseline, end = confidence_forms(session, anonymous=True)
        for enrolment, value in zip(group.people, [1, 2, 2, 3, 2], strict=False):
            respond(session, baseline, enrolment, None, {"lead": value})
        for enrolment, value in zip(group.people, [4, 4, 3, 5, 4, 4], strict=True):
            respond(session, end, enrolment, None, {"lead": value})

        (lead,) = confidence_change(session)
        # One fewer at the end: each mean needs five responses of its own.
        session.delete(session.get_one(EvaluationResponse, _any_end_response(session, end)))
        session.flush()
        assert confidence_change(session)[0].mean_change is not None
        session.delete(session.get_one(EvaluationResponse, _any_end_response(session, end)))
        session.flush()
        (too_few,) = confidence_change(session)

    # Baseline 10/5 = 2.0; end 24/6 = 4.0; change 2.0, unpaired.
    assert (lead.paired, lead.pairs, lead.baseline_responses, lead.end_responses) == (
        False,
        0,
        5,
        6,
    )
    assert (lead.baseline_mean, lead.end_mean, lead.mean_change) == (2.0, 4.0, 2.0)
    assert too_few.end_responses == 4 and too_few.suppressed


def _any_end_response(session: Session, form: EvaluationForm) -> str:
    return (
        session.scalars(
            select(EvaluationResponse.id)
            .where(EvaluationResponse.form_id == form.id)
            .order_by(EvaluationResponse.id)
        ).first()
        or ""
    )
