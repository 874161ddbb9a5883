"""Anonymous answers against a database reader: held back until 5 completions, then a shuffled batch.

The reader here reads every table directly, as someone with a copy of the database would, after
each completion: no answer may be linkable to fewer than 5 people.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.anonymity import MIN_GROUP
from bot.evaluations.answers import Sent, submit_page
from bot.evaluations.holding import HoldKey
from bot.evaluations.results import distribution
from db.base import Base
from db.engine import unit_of_work
from db.enums import QuestionType, SessionKind
from db.models import (
    Cohort,
    EvaluationAnswer,
    EvaluationForm,
    EvaluationHeldAnswer,
    EvaluationQuestion,
    EvaluationRequest,
    EvaluationResponse,
    Programme,
)
from tests.support.evaluations import Q, make_form
from tests.support.people import programme_with_session

KEY = HoldKey.derive("0123456789abcdef0123456789abcdef")
FIRST_DAY = datetime(2017, 2, 1, 9, 0, tzinfo=UTC)
QUESTIONS = [
    Q("overall", QuestionType.RATING5),
    Q("anything", QuestionType.FREE_TEXT, max_length=200),
]


def canary(person: int) -> str:
    """A free-text answer that says whose it is, so the test can trace it anywhere."""
    return f"canary answer of person {person}"


def group_of(
    db: sessionmaker[Session], size: int, *, form_key: str = "hold_test", cohort: str = "2017"
) -> list[tuple[str, int]]:
    """A workshop attended by `size` people, each asked to fill in an anonymous form."""
    people: dict[str, str | None] = {f"U{cohort}P{n:03}": None for n in range(1, size + 1)}
    with unit_of_work(db) as session:
        form = session.scalar(select(EvaluationForm).where(EvaluationForm.key == form_key))
        if form is None:
            form = make_form(session, key=form_key, questions=QUESTIONS, anonymous=True)
        for earlier in session.scalars(select(Programme)):
            # The helper names every programme alike; each group gets its own.
            earlier.name = f"Programme of {earlier.id}"
        session.flush()
        programme_session, invitations = programme_with_session(
            session,
            starts_at=FIRST_DAY - timedelta(days=1),
            people=people,
            kind=SessionKind.WORKSHOP,
        )
        programme_session.cohort.name = cohort
        requests = [
            EvaluationRequest(
                form=form,
                enrolment=invitation.enrolment,
                cohort=programme_session.cohort,
                session=programme_session,
                opened_at=FIRST_DAY - timedelta(days=1),
                closes_at=FIRST_DAY + timedelta(days=14),
            )
            for invitation in invitations
        ]
        session.add_all(requests)
        session.flush()
        return list(zip(people, [request.id for request in requests], strict=True))


def complete(
    db: sessionmaker[Session], slack_user_id: str, request_id: int, person: int, seed: int = 7
) -> None:
    """Person number `person` sends the form on day `person` (so days differ by completion)."""
    with unit_of_work(db) as session:
        sent = submit_page(
            session,
            request_id,
            page=1,
            raw={"overall": str(1 + person % 5), "anything": canary(person)},
            slack_user_id=slack_user_id,
            now=FIRST_DAY + timedelta(days=person - 1),
            hold_key=KEY,
            rng=random.Random(seed),
        )
    assert isinstance(sent, Sent)


def everything_a_reader_sees(session: Session) -> str:
    """Every value in every table, as text (bytes decoded leniently), for looking things up."""
    seen: list[str] = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)):
            for value in row:
                if isinstance(value, bytes):
                    seen.append(value.decode("latin-1"))
                else:
                    seen.append(str(value))
    return "\n".join(seen)


def in_physical_order(session: Session, stmt: sa.Select[Any], table: str) -> list[str]:
    """The values `stmt` selects in the order the rows lie in `table` (rowid, ctid)."""
    position = "ctid" if session.get_bind().dialect.name == "postgresql" else "rowid"
    column: sa.Label[Any] = sa.literal_column(f"{table}.{position}").label("position")
    subquery = stmt.add_columns(column).subquery()
    rows = session.execute(select(subquery.c[0]).order_by(subquery.c.position)).all()
    return [str(row[0]) for row in rows]


def released_texts(session: Session, cohort: str = "2017") -> list[str]:
    """The released free-text answers of one cohort's group, in the order they lie on disk."""
    stmt = (
        select(EvaluationAnswer.value_text)
        .join(EvaluationAnswer.response)
        .join(EvaluationAnswer.question)
        .join(Cohort, Cohort.id == EvaluationResponse.cohort_id)
        .where(EvaluationQuestion.key == "anything", Cohort.name == cohort)
    )
    return in_physical_order(session, stmt, "evaluation_answer")


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 6])
def test_no_answer_can_be_narrowed_to_fewer_than_5_people_after_any_number_of_completions(
    db: sessionmaker[Session], size: int
) -> None:
    people = group_of(db, size)
    held_ids: set[str] = set()
    for k, (slack_user_id, request_id) in enumerate(people, start=1):
        complete(db, slack_user_id, request_id, k)
        with unit_of_work(db) as session:
            seen = everything_a_reader_sees(session)
            responses = session.scalars(select(EvaluationResponse)).all()
            answer_rows = session.scalar(select(func.count()).select_from(EvaluationAnswer))
            held_ids |= set(session.scalars(select(EvaluationHeldAnswer.id)))
            released = 0 if k < MIN_GROUP else MIN_GROUP * (k // MIN_GROUP)
            # Nothing of what is held can be read anywhere in the database.
            for person in range(released + 1, k + 1):
                assert canary(person) not in seen
            if k < MIN_GROUP:
                assert responses == [] and answer_rows == 0
                continue
            assert len(responses) == released
            assert answer_rows == 2 * released
            # One date for the batch (the day of the fifth completion), no time, nobody.
            assert {r.submitted_on for r in responses} == {date(2017, 2, 5)}
            assert {(r.submitted_at, r.enrolment_id) for r in responses} == {(None, None)}
            # Fresh ids: nothing links a released row to the row it was held in.
            assert not {r.id for r in responses} & held_ids
            for person in range(1, released + 1):
                assert canary(person) in seen
            texts = released_texts(session)
            # The batch is laid down in shuffled order, not the order people completed.
            assert sorted(texts) == sorted(canary(person) for person in range(1, released + 1))
            assert texts != [canary(person) for person in range(1, released + 1)]


def test_the_release_order_depends_only_on_the_shuffle_not_on_who_completed_first(
    db: sessionmaker[Session],
) -> None:
    forward = group_of(db, 5, cohort="2017")
    backward = group_of(db, 5, cohort="2018")
    for k, (slack_user_id, request_id) in enumerate(forward, start=1):
        complete(db, slack_user_id, request_id, k, seed=11)
    # The same answers, sent by the same kind of people in the opposite order.
    for k, (slack_user_id, request_id) in reversed(list(enumerate(backward, start=1))):
        complete(db, slack_user_id, request_id, k, seed=11)

    with unit_of_work(db) as session:
        forward_texts = released_texts(session, "2017")
        backward_texts = released_texts(session, "2018")

    assert len(forward_texts) == 5
    assert forward_texts == backward_texts


def test_results_count_released_answers_once_the_group_closes(db: sessionmaker[Session]) -> None:
    people = group_of(db, 6)
    for k, (slack_user_id, request_id) in enumerate(people, start=1):
        complete(db, slack_user_id, request_id, k)
    with unit_of_work(db) as session:
        (overall,) = distribution(session, form_key="hold_test")
    # All six completed, so nobody can still answer: the released five count; the sixth is held.
    assert overall.counts is not None and sum(overall.counts) == 5
    with unit_of_work(db) as session:
        assert session.scalar(select(func.count()).select_from(EvaluationHeldAnswer)) == 1


def test_held_answers_cannot_be_opened_with_another_key(db: sessionmaker[Session]) -> None:
    (person,) = group_of(db, 1)
    complete(db, *person, 1)
    with unit_of_work(db) as session:
        held = session.scalars(select(EvaluationHeldAnswer)).one()
        request = session.scalars(select(EvaluationRequest)).one()
        tag = KEY.tag(request.form_id, request.cohort_id, request.session_id)
        other = HoldKey.derive("fedcba9876543210fedcba9876543210")
        assert held.group_tag == tag
        assert other.tag(request.form_id, request.cohort_id, request.session_id) != tag
        assert other.open(held.sealed, tag) is None
        opened = KEY.open(held.sealed, tag)
        assert opened is not None and canary(1) in [text for _, _, text, _ in opened]
        columns = {
            c["name"] for c in sa.inspect(session.connection()).get_columns(held.__tablename__)
        }
        foreign_keys = sa.inspect(session.connection()).get_foreign_keys(held.__tablename__)
    # Nothing to join on: no group, person, time or sequence column, and no foreign key.
    assert columns == {"id", "group_tag", "sealed"}
    assert foreign_keys == []
