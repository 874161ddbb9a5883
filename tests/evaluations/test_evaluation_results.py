"""Evaluation results on hand-made data whose figures are worked out by hand in each test."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.tables import to_csv
from bot.evaluations.export import response_table
from bot.evaluations.requests import close_requests
from bot.evaluations.results import (
    MIN_GROUP,
    STILL_OPEN,
    TOO_FEW,
    Headlines,
    Share,
    commitments_by_category,
    confidence_change,
    distribution,
    free_text_answers,
    headline_figures,
    response_rates,
)
from db.engine import unit_of_work
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


def test_headline_figures_count_excellent_or_good_and_objectives_met(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        group = make_group(session, size=8)
        form = workshop_form(session)
        # Overall: 3 Excellent, 3 Good, 1 Average, 1 Poor -> 6 of 8 = 75%.
        # Objectives: 2 Completely, 3 Largely, 2 Partly, 1 Not at all -> 5 of 8 = 62.5% -> 63%.
        ratings = [(1, 1), (1, 1), (1, 2), (2, 2), (2, 2), (2, 3), (3, 3), (4, 4)]
        answer_workshop(session, form, group, ratings)
        # An action learning set's overall rating is not the workshop's headline.
        als = make_form(
            session,
            key="als",
            attached_to=SessionKind.ACTION_LEARNING_SET.value,
            questions=[Q("overall", QuestionType.RATING5, purpose=QuestionPurpose.OVERALL)],
        )
        for enrolment in group.people:
            respond(session, als, enrolment, group.workshop, {"overall": 5})

        headlines = headline_figures(session)

    assert headlines == Headlines(8, Share(6, 8), Share(5, 8))
    assert (headlines.excellent_or_good.percent, headlines.objectives_met.percent) == (75, 63)  # type: ignore[union-attr]


def test_no_figure_for_four_responses_but_figures_for_five(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        group = make_group(session, size=5)
        form = workshop_form(session)
        answer_workshop(session, form, group, [(1, 1), (2, 2), (2, 3), (3, 3)])

        assert headline_figures(session) == Headlines(4, None, None)
        overall = distribution(session, form_key="workshop")[0]
        assert overall.suppressed and overall.counts is None and overall.answered == 4

        respond(session, form, group.people[4], group.workshop, {"overall": 5, "met": 4})

        # Overall 1, 2, 2, 3, 5: three Excellent or Good; objectives 1, 2, 3, 3, 4: two.
        assert headline_figures(session) == Headlines(5, Share(3, 5), Share(2, 5))
        overall = distribution(session, form_key="workshop")[0]
        assert overall.counts == (1, 2, 1, 0, 1)


def test_distribution_counts_each_label_in_label_order_for_every_kind_of_question(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        group = make_group(session, size=6)
        form = make_form(
            session,
            key="kinds",
            questions=[
                Q("rating", QuestionType.RATING5),
                Q("met", QuestionType.OBJECTIVES_MET),
                Q("agree", QuestionType.AGREEMENT5),
                Q("useful", QuestionType.YES_NO),
                Q("venue", QuestionType.SINGLE_CHOICE, options=("Leeds", "York")),
                Q("liked", QuestionType.MULTIPLE_CHOICE, options=("Talks", "Food", "Games")),
                Q("comment", QuestionType.FREE_TEXT, required=False),
            ],
        )
        answers: list[dict[str, ANSWER]] = [
            {"rating": 1, "met": 4, "agree": 5, "useful": 1, "venue": "York", "liked": ["Talks"]},
            {"rating": 2, "met": 4, "agree": 4, "useful": 1, "venue": "York", "liked": []},
            {"rating": 2, "met": 1, "agree": 5, "useful": 0, "venue": "Leeds", "liked": ["Food"]},
            {"rating": 5, "met": 2, "agree": 1, "useful": 1, "venue": "York", "liked": ["Talks"]},
            {"rating": 3, "met": 2, "agree": 3, "useful": 1, "venue": "York", "comment": "Good"},
            {
                "rating": 2,
                "met": 3,
                "agree": 5,
                "useful": 0,
                "venue": "Leeds",
                "liked": ["Talks", "Food"],
            },
        ]
        for enrolment, given in zip(group.people, answers, strict=True):
            respond(session, form, enrolment, group.workshop, given)

        results = {result.key: result for result in distribution(session, form_key="kinds")}

    assert "comment" not in results
    shown = {key: (r.labels, r.counts, r.answered) for key, r in results.items()}
    assert shown["rating"] == (
        ("Excellent", "Good", "Average", "Poor", "Very poor"),
        (1, 3, 1, 0, 1),
        6,
    )
    assert shown["met"] == (("Completely", "Largely", "Partly", "Not at all"), (1, 2, 1, 2), 6)
    assert shown["agree"][1:] == ((1, 0, 1, 1, 3), 6)
    assert shown["useful"] == (("Yes", "No"), (4, 2), 6)
    assert shown["venue"] == (("Leeds", "York"), (2, 4), 6)
    # Four of the six ticked something (one ticked nothing, one skipped the question).
    assert shown["liked"] == (("Talks", "Food", "Games"), None, 4)


def test_an_open_anonymous_form_shows_no_result_until_it_closes(
    db: sessionmaker[Session],
) -> None:
    """Otherwise a coordinator watching the counts change could read off each new response."""
    with unit_of_work(db) as session:
        group = make_group(session, size=7)
        form = make_form(
            session, key="als", anonymous=True, questions=[Q("overall", QuestionType.RATING5)]
        )
        for enrolment in group.people[:6]:
            respond(session, form, enrolment, group.workshop, {"overall": 1})
        ask(session, form, group.people[6], group.workshop)  # one still to answer
        ids = {"form_id": form.id, "cohort_id": group.cohort.id, "session_id": group.workshop.id}

    with unit_of_work(db) as session:
        (while_open,) = distribution(session, form_key="als")
        close_requests(session, **ids, now=NOW)
    with unit_of_work(db) as session:
        (once_closed,) = distribution(session, form_key="als")

    assert while_open.counts is None
    assert once_closed.counts == (6, 0, 0, 0, 0)


def test_filters_make_smaller_groups_that_are_suppressed_in_turn(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        big = make_group(session, size=5, name="2017")
        small = make_group(session, size=3, name="2018", first=10)
        form = workshop_form(session)
        answer_workshop(session, form, big, [(1, 1)] * 5)
        answer_workshop(session, form, small, [(4, 4)] * 3)

        both = distribution(session, form_key="workshop")[0]
        only_small = distribution(session, form_key="workshop", cohort_ids=[small.cohort.id])[0]
        only_session = distribution(session, form_key="workshop", session_id=big.workshop.id)[0]
        small_headlines = headline_figures(session, cohort_ids=[small.cohort.id])
        big_headlines = headline_figures(session, cohort_ids=[big.cohort.id])

    assert both.counts == (5, 0, 0, 3, 0)
    assert only_small.counts is None
    assert only_session.counts == (5, 0, 0, 0, 0)
    assert small_headlines == Headlines(3, None, None)
    assert big_headlines == Headlines(5, Share(5, 5), Share(5, 5))


def test_response_rates_are_live_and_always_shown(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        group = make_group(session, size=7)
        form = workshop_form(session)
        closes = NOW + timedelta(days=14)
        # Two completed, three still open, one cancelled (left the programme).
        for enrolment in group.people[:2]:
            respond(session, form, enrolment, group.workshop, {"overall": 1, "met": 1})
        for enrolment in group.people[2:5]:
            ask(session, form, enrolment, group.workshop, closes_at=closes)
        ask(
            session,
            form,
            group.people[5],
            group.workshop,
            state=EvaluationRequestState.CANCELLED,
        )
        baseline = make_form(
            session, key="baseline", title="Baseline", attached_to="enrolment", questions=[]
        )
        for enrolment in group.people:
            ask(session, baseline, enrolment, None, state=EvaluationRequestState.EXPIRED)

        rates = response_rates(session, cohort_ids=[group.cohort.id])
        after_closing = response_rates(session, form_key="workshop", now=closes)
        before_closing = response_rates(session, form_key="workshop", now=closes - timedelta(1))

    milestone, workshop = rates
    assert (milestone.form_key, milestone.session_id, milestone.session_title) == (
        "baseline",
        None,
        None,
    )
    assert (milestone.requested, milestone.completed, milestone.closed) == (7, 0, True)
    assert (workshop.form_title, workshop.session_title) == (
        "Workshop evaluation",
        "Launch workshop 2017",
    )
    assert (workshop.requested, workshop.completed, workshop.closed) == (5, 2, False)
    assert workshop.closes_at == closes
    assert workshop.rate == Share(2, 5) and workshop.rate.percent == 40
    assert [rate.closed for rate in after_closing] == [True]
    assert [rate.closed for rate in before_closing] == [False]


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


COMMENTS = ["Loved it", "More breaks please", "=cmd|' /C calc'!A0", "Great venue", "Too long"]


def test_free_text_waits_for_the_form_to_close_and_comes_shuffled(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        group = make_group(session, size=6)
        form = workshop_form(session)
        for enrolment, comment in zip(group.people, COMMENTS, strict=False):
            respond(session, form, enrolment, group.workshop, {"overall": 1, "comment": comment})
        straggler = ask(session, form, group.people[5], group.workshop, closes_at=NOW)

        def comments(now: datetime | None = None, seed: int = 7) -> Any:
            (found,) = free_text_answers(
                session, form_key="workshop", rng=random.Random(seed), now=now
            )
            return found

        still_open = comments()
        past_closing_time = comments(now=NOW)
        straggler.state = EvaluationRequestState.EXPIRED
        session.flush()
        closed = comments()
        closed_again = comments()

    assert (still_open.answers, still_open.withheld) == ((), STILL_OPEN)
    assert past_closing_time.withheld is None
    expected = sorted(COMMENTS)
    random.Random(7).shuffle(expected)
    assert closed.answers == tuple(expected) == closed_again.answers
    assert closed.text == "Anything else?" and closed.withheld is None


def test_free_text_from_four_responses_is_never_released(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        group = make_group(session, size=4)
        form = workshop_form(session)
        for enrolment, comment in zip(group.people, COMMENTS, strict=False):
            respond(session, form, enrolment, group.workshop, {"overall": 1, "comment": comment})

        (found,) = free_text_answers(session, form_key="workshop", rng=random.Random(1))

    assert (found.answers, found.withheld) == ((), TOO_FEW)
    assert f"fewer than {MIN_GROUP} responses" == TOO_FEW


def test_named_export_has_a_row_per_response_with_names_and_labels(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        group = make_group(session, size=3)
        form = make_form(
            session,
            key="als",
            title="Action learning set",
            questions=[
                Q("overall", QuestionType.RATING5, "Overall?"),
                Q("useful", QuestionType.YES_NO, "Useful?", section="Relevance"),
                Q("liked", QuestionType.MULTIPLE_CHOICE, "Liked?", options=("Talks", "Food")),
                Q("note", QuestionType.FREE_TEXT, "Note?", required=False),
            ],
        )
        given: list[dict[str, ANSWER]] = [
            {"overall": 2, "useful": 1, "liked": ["Talks", "Food"], "note": "=1+1"},
            {"overall": 5, "useful": 0, "liked": []},
            {"overall": 1, "useful": 1, "liked": ["Food"], "note": "Fine"},
        ]
        days = [date(2017, 1, 21), date(2017, 1, 20), date(2017, 1, 20)]
        for enrolment, answers, day in zip(group.people, given, days, strict=True):
            respond(session, form, enrolment, group.workshop, answers, on=day)

        table = response_table(session, form_key="als")
        everything = response_table(session, cohort_id=group.cohort.id)

    assert table.headers == (
        "Form",
        "Version",
        "Cohort",
        "Session",
        "Submitted on",
        "Participant",
        "Overall?",
        "Relevance: Useful?",
        "Liked?",
        "Note?",
    )
    fixed = ("Action learning set", 1, "Aspiring Directors 2017 / 2017", "Launch workshop 2017")
    assert table.rows == [
        (*fixed, date(2017, 1, 20), "Person 01", "Very poor", "No", None, None),
        (*fixed, date(2017, 1, 20), "Person 02", "Excellent", "Yes", "Food", "Fine"),
        (*fixed, date(2017, 1, 21), "Person 00", "Good", "Yes", "Talks; Food", "=1+1"),
    ]
    written = list(csv.reader(io.StringIO(to_csv(table))))
    assert written[3][-1] == "'=1+1" and written[3][4] == "2017-01-21"
    assert everything.rows == table.rows


def test_anonymous_export_identifies_nobody_and_is_ordered_by_the_random_id(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        group = make_group(session, size=6)
        form = workshop_form(session, anonymous=True)
        days = [date(2017, 1, 20 + index) for index in range(6)]
        comments = [f"Comment {index}" for index in range(6)]
        ids = [
            respond(
                session, form, enrolment, group.workshop, {"overall": 1, "comment": text}, on=day
            ).id
            for enrolment, day, text in zip(group.people, days, comments, strict=True)
        ]

        table = response_table(session, form_key="workshop")
        text = to_csv(table)

    assert "Participant" not in table.headers
    assert table.headers[:5] == ("Form", "Version", "Cohort", "Session", "Submitted on")
    assert len(table.rows) == 6
    by_id = dict(zip(ids, comments, strict=True))
    assert [row[-1] for row in table.rows] == [by_id[i] for i in sorted(ids)]
    # Not even the day: someone asked on their own (after their last coaching session, say)
    # would be named by the date their answers came in.
    assert {row[4] for row in table.rows} == {None}
    assert "2017-01-2" not in text
    for enrolment in group.people:
        assert enrolment.person.name not in text
        assert str(enrolment.person.slack_user_id) not in text
    assert "09:00" not in text


def test_anonymous_export_leaves_out_groups_of_four_and_groups_still_open(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        groups = [
            make_group(session, size=size, name=name, first=first)
            for size, name, first in ((5, "2017", 0), (4, "2018", 10), (6, "2019", 20))
        ]
        form = workshop_form(session, anonymous=True)
        for group in groups:
            for enrolment in group.people[:5]:
                respond(session, form, enrolment, group.workshop, {"overall": 2})
        late = groups[2]
        straggler = ask(session, form, late.people[5], late.workshop, closes_at=NOW)

        def cohorts(now: datetime | None = None) -> list[str]:
            rows = response_table(session, form_key="workshop", now=now).rows
            return sorted(str(row[2]) for row in rows)

        while_open = cohorts()
        past_closing_time = cohorts(now=NOW)
        straggler.state = EvaluationRequestState.EXPIRED
        session.flush()
        closed = cohorts()

    first, last = "Aspiring Directors 2017 / 2017", "Aspiring Directors 2019 / 2019"
    assert while_open == [first] * 5
    assert past_closing_time == closed == [first] * 5 + [last] * 5
