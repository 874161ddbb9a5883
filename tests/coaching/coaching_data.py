"""What the coaching tests share."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching import allowance as coaching
from bot.coaching import log as coaching_log
from bot.coaching.log import CoachRef
from db.engine import unit_of_work
from db.enums import EnrolmentStatus, Role, SessionKind
from db.models import (
    Cohort,
    Enrolment,
    Person,
    Programme,
    ProgrammeSession,
)

LONDON = ZoneInfo("Europe/London")
PARTICIPANT = "UPART001"
OTHER = "UPART002"
COACH = "UCOACH01"
ENROLLED_AT = datetime(2017, 1, 5, 12, 0, tzinfo=UTC)
DEADLINE = date(2018, 1, 5)
WORKSHOP = datetime(2017, 1, 10, 10, 0, tzinfo=LONDON)
NOW = datetime(2017, 2, 1, 9, 0, tzinfo=UTC)
ALEX = CoachRef(name="Alex Coach")


def at(day: date, hour: int = 10) -> datetime:
    """`hour` o'clock London time on `day`."""
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def make_cohort(session: Session) -> Cohort:
    programme = Programme(name="Aspiring Directors")
    cohort = Cohort(programme=programme, name="2017", capacity=15, start_date=date(2017, 1, 9))
    workshop = ProgrammeSession(
        cohort=cohort,
        kind=SessionKind.WORKSHOP,
        title="Launch workshop",
        starts_at=WORKSHOP,
        ends_at=WORKSHOP + timedelta(days=1, hours=7),
        compulsory=True,
    )
    session.add_all([programme, cohort, workshop])
    for index, slack_user_id in enumerate((PARTICIPANT, OTHER)):
        person = Person(slack_user_id=slack_user_id, name=f"Person {index}")
        session.add(
            Enrolment(
                person=person,
                cohort=cohort,
                status=EnrolmentStatus.ENROLLED,
                enrolled_at=ENROLLED_AT,
                coaching_deadline=DEADLINE,
            )
        )
    session.flush()
    return cohort


@pytest.fixture
def cohort_db(db: sessionmaker[Session]) -> sessionmaker[Session]:
    """The database with a cohort, its workshop and two enrolled participants."""
    with unit_of_work(db) as session:
        make_cohort(session)
    return db


def enrolment_of(session: Session, slack_user_id: str) -> Enrolment:
    return coaching.current_enrolment(session, slack_user_id, yourself=True)


def log(
    session: Session,
    *,
    held_on: date | None = date(2017, 1, 20),
    coach: CoachRef = ALEX,
    actor: str = PARTICIPANT,
    roles: frozenset[Role] = frozenset(),
    note: str | None = None,
    now: datetime = NOW,
    whose: str = PARTICIPANT,
) -> coaching.CoachingStatus:
    return coaching_log.log_coaching_session(
        session,
        enrolment_id=enrolment_of(session, whose).id,
        actor=actor,
        roles=set(roles),
        held_on=held_on,
        coach=coach,
        note=note,
        now=now,
    )
