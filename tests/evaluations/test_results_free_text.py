"""Evaluation results: free text released only when safe, and the CSV exports."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.core.tables import to_csv
from bot.evaluations.export import response_table
from bot.evaluations.results import (
    MIN_GROUP,
    STILL_OPEN,
    TOO_FEW,
    free_text_answers,
)
from db.engine import unit_of_work
from db.enums import (
    EvaluationRequestState,
    QuestionType,
)
from tests.evaluations.results_data import (
    ANSWER,
    NOW,
    ask,
    make_group,
    respond,
    workshop_form,
)
from tests.support.evaluations import Q, make_form

# Free text and export


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
