"""Invitations: every enrolled person is invited to each session that applies to them, once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.programmes.invitations import ensure_invitations
from bot.programmes.timetable import SessionDetails, save_session
from db.engine import unit_of_work
from db.enums import EnrolmentStatus, SessionStatus
from db.models import Invitation
from tests.fixtures.bot import NOW
from tests.support.programmes import make_cohort, make_group, make_person, make_session


def invited(session: Session) -> set[tuple[str, str]]:
    rows = session.scalars(select(Invitation)).all()
    return {(row.session.title, row.enrolment.person.name) for row in rows}


def test_whole_cohort_and_group_sessions_invite_the_right_people(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        cohort = make_cohort(session)
        red = make_group(session, cohort, "Red")
        blue = make_group(session, cohort, "Blue")
        make_person(session, cohort, "Ann", group=red)
        make_person(session, cohort, "Bob", group=blue)
        make_person(session, cohort, "Cat", status=EnrolmentStatus.WITHDRAWN, group=red)
        make_session(session, cohort, "Workshop")
        make_session(session, cohort, "Red set", group=red)
        cancelled = make_session(session, cohort, "Cancelled")
        cancelled.status = SessionStatus.CANCELLED
        other = make_cohort(session, programme="Other")
        make_session(session, other, "Elsewhere")

        assert ensure_invitations(session, cohort_id=cohort.id) == 3
        assert invited(session) == {("Workshop", "Ann"), ("Workshop", "Bob"), ("Red set", "Ann")}


def test_running_it_again_creates_nothing(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        cohort = make_cohort(session)
        make_person(session, cohort, "Ann")
        make_session(session, cohort, "Workshop")
        assert ensure_invitations(session, cohort_id=cohort.id) == 1
    with unit_of_work(db) as session:
        assert ensure_invitations(session, cohort_id=cohort.id) == 0
        make_person(session, cohort, "Bob")
        assert ensure_invitations(session, cohort_id=cohort.id) == 1
        assert len(invited(session)) == 2


def test_turning_a_session_into_a_group_session_withdraws_other_invitations(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        cohort = make_cohort(session)
        red = make_group(session, cohort, "Red")
        make_person(session, cohort, "Ann", group=red)
        make_person(session, cohort, "Bob")
        row = make_session(session, cohort, "Set")
        ensure_invitations(session, cohort_id=cohort.id)
        details = SessionDetails(
            kind=row.kind,
            title=row.title,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            group_id=red.id,
        )

        save_session(
            session,
            details,
            cohort_id=cohort.id,
            session_id=row.id,
            accepted=("any",),
            actor="U1",
            now=NOW,
        )

        assert invited(session) == {("Set", "Ann")}
