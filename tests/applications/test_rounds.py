"""Advertising rounds: coordinators add and list them; dates are checked; overlaps are warned about."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.audit import actor_of
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.models import AdvertisingRound, AuditEvent
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.support.applications import PROGRAMME, command, seed_programme


def rounds_in(db: sessionmaker[Session]) -> list[tuple[str, date, date]]:
    with unit_of_work(db) as session:
        return [
            (r.name, r.opens_on, r.closes_on)
            for r in session.scalars(select(AdvertisingRound).order_by(AdvertisingRound.id))
        ]


def test_coordinator_adds_a_round_with_typed_dates(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db, rounds=())

    reply = command(
        slack, standin, COORDINATOR, f'round add "{PROGRAMME}" "Round 2" 1/3/2017 "31 March 2017"'
    )

    assert "Added *Round 2*" in reply and "Wed 1 Mar 2017" in reply
    assert rounds_in(db) == [("Round 2", date(2017, 3, 1), date(2017, 3, 31))]
    with unit_of_work(db) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "round.create")).one()
        assert (
            actor_of(session, event) == COORDINATOR
            and event.after
            and event.after["name"] == "Round 2"
        )


def test_a_round_closing_before_it_opens_is_refused(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db, rounds=())

    reply = command(slack, standin, COORDINATOR, f'round add "{PROGRAMME}" R 2017-03-10 2017-03-01')

    assert "cannot close before it opens" in reply
    assert rounds_in(db) == []


def test_an_impossible_date_is_refused_naming_the_field(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db, rounds=())

    reply = command(
        slack, standin, COORDINATOR, f'round add "{PROGRAMME}" R "30 Feb 2017" 2017-03-01'
    )

    assert "opens: '30 Feb 2017' is not a real date." in reply
    assert rounds_in(db) == []


def test_an_overlapping_round_is_added_with_a_warning(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db)

    reply = command(
        slack, standin, COORDINATOR, f'round add "{PROGRAMME}" Late 2017-02-20 2017-03-20'
    )

    assert "overlaps *Round 1*" in reply
    assert len(rounds_in(db)) == 2


def test_participants_cannot_add_or_list_rounds(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(db, rounds=())

    add = command(slack, standin, PARTICIPANT, f'round add "{PROGRAMME}" R 2017-03-01 2017-03-10')
    listing = command(slack, standin, PARTICIPANT, f'rounds "{PROGRAMME}"')

    assert "only programme coordinators" in add and "only programme coordinators" in listing
    assert rounds_in(db) == []


def test_rounds_are_listed_earliest_first(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    seed_programme(
        db,
        rounds=(
            ("Autumn", date(2017, 9, 1), date(2017, 9, 30)),
            ("Spring", date(2017, 3, 1), date(2017, 3, 31)),
        ),
    )

    reply = command(slack, standin, COORDINATOR, f'rounds "{PROGRAMME}"')

    assert reply.index("Spring") < reply.index("Autumn")


def test_an_unknown_programme_is_named(
    slack: SlackSender, standin: SlackStandin, db: sessionmaker[Session]
) -> None:
    reply = command(slack, standin, COORDINATOR, 'rounds "Nope"')

    assert "There is no programme called 'Nope'." in reply
