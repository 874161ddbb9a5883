"""The enrolment rules as plain functions: waiting-list order, offers, and lapsed offers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.errors import InvalidInput, PermissionDenied
from bot.enrolment import enrolment, offers
from bot.enrolment.messages import WelcomeFacts, WelcomeSession
from bot.slack.blocks.enrolment import welcome_message
from db.engine import unit_of_work
from db.enums import EnrolmentStatus
from db.models import AuditEvent, Cohort, Enrolment, OutboundMessage, Person, Programme
from tests.fixtures.bot import COORDINATOR, NOW


def setup(db: sessionmaker[Session], *, capacity: int, people: int) -> tuple[int, list[int]]:
    with unit_of_work(db) as session:
        cohort = Cohort(programme=Programme(name="P"), name="C", capacity=capacity)
        everyone = [Person(name=f"P{n}", slack_user_id=f"USVC{n:04}") for n in range(people)]
        session.add_all([cohort, *everyone])
        session.flush()
        return cohort.id, [person.id for person in everyone]


def enrol_all(db: sessionmaker[Session], cohort_id: int, person_ids: list[int]) -> list[int]:
    with unit_of_work(db) as session:
        return [
            enrolment.enrol(
                session, person_id=person_id, cohort_id=cohort_id, actor=COORDINATOR, now=NOW
            ).id
            for person_id in person_ids
        ]


def state(db: sessionmaker[Session]) -> list[tuple[str, EnrolmentStatus, int | None, bool]]:
    with unit_of_work(db) as session:
        rows = session.scalars(select(Enrolment).order_by(Enrolment.id)).all()
        return [
            (row.person.name, row.status, row.waiting_position, row.place_offered_at is not None)
            for row in rows
        ]


W, E, X = EnrolmentStatus.WAITING, EnrolmentStatus.ENROLLED, EnrolmentStatus.WITHDRAWN


def test_leaving_the_middle_of_the_waiting_list_closes_the_gap(db: sessionmaker[Session]) -> None:
    cohort_id, people = setup(db, capacity=1, people=4)
    ids = enrol_all(db, cohort_id, people)

    with unit_of_work(db) as session:
        enrolment.withdraw(session, enrolment_id=ids[2], reason="ill", actor=COORDINATOR, now=NOW)

    assert state(db) == [
        ("P0", E, None, False),
        ("P1", W, 1, False),
        ("P2", X, None, False),
        ("P3", W, 2, False),
    ]


def test_every_freed_place_is_offered_and_an_offer_lapses_if_the_place_goes(
    db: sessionmaker[Session],
) -> None:
    cohort_id, people = setup(db, capacity=2, people=5)
    ids = enrol_all(db, cohort_id, people)
    with unit_of_work(db) as session:
        for enrolment_id in ids[:2]:
            enrolment.defer(
                session, enrolment_id=enrolment_id, reason="later", actor=COORDINATOR, now=NOW
            )
    assert [row[2:] for row in state(db)[2:]] == [(1, True), (2, True), (3, False)]
    with unit_of_work(db) as session:
        session.get_one(Cohort, cohort_id).capacity = 1
        kinds = list(session.scalars(select(OutboundMessage.kind).order_by(OutboundMessage.id)))
    assert kinds.count("place_offer") == 2

    with unit_of_work(db) as session:
        first = offers.accept_place(session, enrolment_id=ids[2], slack_user_id="USVC0002", now=NOW)
        second = offers.accept_place(
            session, enrolment_id=ids[3], slack_user_id="USVC0003", now=NOW
        )
        assert (first.status, second.status) == (E, W)

    assert [row[1:] for row in state(db)[2:]] == [(E, None, False), (W, 1, False), (W, 2, False)]
    with unit_of_work(db) as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert actions.count("enrolment.offer_lapsed") == 1


def test_only_the_person_offered_may_answer_and_reasons_are_required(
    db: sessionmaker[Session],
) -> None:
    cohort_id, people = setup(db, capacity=1, people=2)
    ids = enrol_all(db, cohort_id, people)
    with unit_of_work(db) as session:
        enrolment.withdraw(session, enrolment_id=ids[0], reason="x", actor=COORDINATOR, now=NOW)

    with unit_of_work(db) as session, pytest.raises(PermissionDenied):
        offers.accept_place(session, enrolment_id=ids[1], slack_user_id="USVC0000", now=NOW)
    with unit_of_work(db) as session, pytest.raises(InvalidInput, match="reason"):
        enrolment.withdraw(session, enrolment_id=ids[1], reason="  ", actor=COORDINATOR, now=NOW)

    assert state(db)[1] == ("P1", W, 1, True)


def test_a_very_long_timetable_still_fits_one_welcome_message() -> None:
    start = datetime(2017, 3, 6, 10, 0, tzinfo=UTC)
    sessions = [
        WelcomeSession(
            title=f"Session {n} " + "x" * 150,
            kind="workshop",
            starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=2),
            where="Room <1> & 2",
            compulsory=n % 2 == 0,
        )
        for n in range(800)
    ]
    facts = WelcomeFacts(
        person_name="Pat",
        programme_name="P",
        cohort_name="C",
        tz=ZoneInfo("Europe/London"),
        sessions=sessions,
        coaching_allowance=4,
        coaching_deadline=date(2018, 2, 1),
    )

    message = welcome_message(facts)

    blocks = [block.to_dict() for block in message.blocks]
    assert len(blocks) <= 50
    texts = [block["text"]["text"] for block in blocks if block["type"] == "section"]
    assert all(len(text) <= 3000 for text in texts)
    assert "Room &lt;1&gt; &amp; 2" in texts[2]
    assert any("more." in text for text in texts)
    assert "800 sessions, 400 of them compulsory" in message.text


def test_a_place_added_by_raising_capacity_goes_to_the_queue_not_a_newcomer(
    db: sessionmaker[Session],
) -> None:
    cohort_id, people = setup(db, capacity=1, people=3)
    enrol_all(db, cohort_id, people[:2])
    with unit_of_work(db) as session:
        session.get_one(Cohort, cohort_id).capacity = 2

    enrol_all(db, cohort_id, people[2:])

    assert state(db) == [("P0", E, None, False), ("P1", W, 1, True), ("P2", W, 2, False)]
