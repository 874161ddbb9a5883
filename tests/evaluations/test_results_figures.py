"""Evaluation results: headline figures, distributions, suppression of small groups and response rates."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.evaluations.requests import close_requests
from bot.evaluations.results import (
    Headlines,
    Share,
    distribution,
    headline_figures,
    response_rates,
)
from db.engine import unit_of_work
from db.enums import (
    EvaluationRequestState,
    QuestionPurpose,
    QuestionType,
    SessionKind,
)
from tests.evaluations.results_data import (
    ANSWER,
    NOW,
    answer_workshop,
    ask,
    make_group,
    respond,
    workshop_form,
)
from tests.support.evaluations import Q, make_form

# Figures


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
