"""Default timestamps come from the injected clock, so `--now` runs write the time they were given."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core import outbox
from bot.core.notice import Notice
from db.engine import make_session_factory, unit_of_work
from db.models import OutboundMessage, Person

CLOCK_TIME = datetime(2019, 3, 4, 9, 30, tzinfo=UTC)


def test_rows_a_clocked_session_writes_carry_the_clocks_time(
    db: sessionmaker[Session], engine: Engine
) -> None:
    clocked = make_session_factory(engine, lambda: CLOCK_TIME)
    with unit_of_work(clocked) as session:
        session.add(Person(name="Ada"))
        # A Core bulk insert (as the outbox uses) takes its defaults from the clock too.
        outbox.enqueue_new(
            session,
            [
                outbox.Owed(
                    recipient="U1",
                    kind="notice",
                    message=Notice.plain("hello"),
                    due_at=CLOCK_TIME,
                    idempotency_key="clock-test",
                )
            ],
        )
    with unit_of_work(db) as session:
        person = session.scalars(select(Person)).one()
        row = session.scalars(select(OutboundMessage)).one()
        assert person.created_at == CLOCK_TIME
        assert row.created_at == CLOCK_TIME


def test_a_session_without_a_clock_does_not_inherit_one_from_a_pooled_connection(
    db: sessionmaker[Session], engine: Engine
) -> None:
    with unit_of_work(make_session_factory(engine, lambda: CLOCK_TIME)) as session:
        session.add(Person(name="Ada"))
    with unit_of_work(db) as session:
        session.add(Person(name="Grace"))
    with unit_of_work(db) as session:
        grace = session.scalars(select(Person).where(Person.name == "Grace")).one()
        assert grace.created_at.year >= 2026
