"""Coach assignment: who may be assigned, to which place, the audit trail and the DMs owed."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching import allowance as coaching
from bot.coaching import assignment as coach_assignment
from bot.coaching import log as coaching_log
from bot.core.audit import actor_of, values_of
from bot.core.errors import InvalidInput, NotFound
from bot.core.people import SlackProfile
from bot.core.roles import grant_role
from db.engine import unit_of_work
from db.enums import EnrolmentStatus, Role
from db.models import AuditEvent, Cohort, Enrolment, OutboundMessage, Person
from tests.coaching.coaching_data import COACH, ENROLLED_AT, NOW, OTHER, PARTICIPANT, make_cohort

COORDINATOR = "UCOORD01"
OTHER_COACH = "UCOACH02"
CASEY = SlackProfile(COACH, "Casey Coach", "casey@example.nhs.uk", "Europe/London")
CHRIS = SlackProfile(OTHER_COACH, "Chris Coach", None, None)


@pytest.fixture
def coach_db(db: sessionmaker[Session]) -> sessionmaker[Session]:
    """A cohort with two participants, and two people holding the coach role."""
    with unit_of_work(db) as session:
        make_cohort(session)
        for coach in (COACH, OTHER_COACH):
            grant_role(session, slack_user_id=coach, role=Role.COACH, actor=COORDINATOR, now=NOW)
    return db


def assign(
    session: Session,
    coach: SlackProfile = CASEY,
    participant: str = PARTICIPANT,
    cohort: Cohort | None = None,
) -> coach_assignment.CoachChange:
    return coach_assignment.assign_coach(
        session, coach=coach, participant=participant, cohort=cohort, actor=COORDINATOR, now=NOW
    )


def owed(session: Session) -> list[tuple[str, str]]:
    rows = session.scalars(select(OutboundMessage).order_by(OutboundMessage.id))
    return [(row.recipient, str(row.payload["text"])) for row in rows]


def enrolment_of(session: Session, slack_user_id: str) -> Enrolment:
    return coaching.current_enrolment(session, slack_user_id, yourself=True)


def test_assigning_records_the_coach_audits_it_and_owes_both_a_dm(
    coach_db: sessionmaker[Session],
) -> None:
    with unit_of_work(coach_db) as session:
        change = assign(session)
        assert change == coach_assignment.CoachChange(
            participant_slack_user_id=PARTICIPANT,
            participant_name="Person 0",
            cohort="Aspiring Directors / 2017",
            coach_slack_user_id=COACH,
            coach_name="Casey Coach",
            previous_coach_name=None,
        )
        enrolment = enrolment_of(session, PARTICIPANT)
        assert enrolment.coach is not None
        assert (enrolment.coach.slack_user_id, enrolment.coach.email) == (
            COACH,
            "casey@example.nhs.uk",
        )
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "coaching.assign_coach")
        ).one()
        assert (actor_of(session, event), event.entity_type, event.entity_id) == (
            COORDINATOR,
            "Enrolment",
            str(enrolment.id),
        )
        assert values_of(session, event) == (
            {"coach_person_id": None},
            {"coach_person_id": enrolment.coach.id},
        )
        (to_coach, to_participant) = owed(session)
        assert to_coach[0] == COACH
        assert (
            f"You are now the coach of <@{PARTICIPANT}> on Aspiring Directors / 2017"
            in (to_coach[1])
        )
        assert to_participant == (
            PARTICIPANT,
            f"<@{COACH}> is now your coach on Aspiring Directors / 2017. Your coaching sessions "
            "together count towards your allowance; either of you can log them.",
        )


def test_reassigning_replaces_the_coach_and_tells_the_old_one(
    coach_db: sessionmaker[Session],
) -> None:
    with unit_of_work(coach_db) as session:
        assign(session)
        change = assign(session, coach=CHRIS)
        assert (change.coach_name, change.previous_coach_name) == ("Chris Coach", "Casey Coach")
        coach = enrolment_of(session, PARTICIPANT).coach
        assert coach is not None and coach.slack_user_id == OTHER_COACH
        recipients = [recipient for recipient, _ in owed(session)]
        assert recipients == [COACH, PARTICIPANT, COACH, OTHER_COACH, PARTICIPANT]
        assert "You are no longer the coach of" in owed(session)[2][1]
        with pytest.raises(InvalidInput, match="Chris Coach is already Person 0's coach"):
            assign(session, coach=CHRIS)


@pytest.mark.parametrize(
    ("coach", "participant", "message"),
    [
        (SlackProfile(OTHER, "Olly Other", None, None), PARTICIPANT, "does not hold the coach"),
        (CASEY, "UNOBODY1", "no live place on a programme"),
        (SlackProfile(PARTICIPANT, "Person 0", None, None), PARTICIPANT, "their own coach"),
    ],
)
def test_only_a_coach_for_someone_with_a_live_place_and_nothing_is_written(
    coach_db: sessionmaker[Session], coach: SlackProfile, participant: str, message: str
) -> None:
    with unit_of_work(coach_db) as session:
        with pytest.raises((InvalidInput, NotFound), match=message):
            assign(session, coach=coach, participant=participant)
        assert enrolment_of(session, PARTICIPANT).coach is None
        assert owed(session) == []


def test_a_withdrawn_participant_cannot_be_given_a_coach(coach_db: sessionmaker[Session]) -> None:
    with unit_of_work(coach_db) as session:
        enrolment_of(session, PARTICIPANT).status = EnrolmentStatus.WITHDRAWN
        session.flush()
        with pytest.raises(NotFound, match="no live place"):
            assign(session)


def test_with_several_live_places_the_cohort_picks_one(coach_db: sessionmaker[Session]) -> None:
    with unit_of_work(coach_db) as session:
        first = enrolment_of(session, PARTICIPANT).cohort
        second = Cohort(programme=first.programme, name="2018", capacity=15)
        session.add(second)
        person = session.scalars(select(Person).where(Person.slack_user_id == PARTICIPANT)).one()
        session.add(
            Enrolment(
                person=person,
                cohort=second,
                status=EnrolmentStatus.ENROLLED,
                enrolled_at=ENROLLED_AT,
            )
        )
        session.flush()
        with pytest.raises(InvalidInput, match=r"more than one cohort \(Aspiring Directors / 2017"):
            assign(session)
        change = assign(session, cohort=second)
        assert change.cohort == "Aspiring Directors / 2018"
        places = session.scalars(
            select(Enrolment).where(Enrolment.person_id == person.id).order_by(Enrolment.id)
        ).all()
        assert [place.coach_person_id is not None for place in places] == [False, True]
        with pytest.raises(NotFound, match="no live place on a programme in Aspiring"):
            coach_assignment.remove_coach(
                session,
                participant=OTHER,
                cohort=second,
                actor=COORDINATOR,
                now=NOW,
            )


def test_removing_clears_the_coach_audits_it_and_tells_the_coach_and_the_participant(
    coach_db: sessionmaker[Session],
) -> None:
    with unit_of_work(coach_db) as session:
        assign(session)
        change = coach_assignment.remove_coach(
            session, participant=PARTICIPANT, cohort=None, actor=COORDINATOR, now=NOW
        )
        assert (change.coach_slack_user_id, change.previous_coach_name) == (None, "Casey Coach")
        assert enrolment_of(session, PARTICIPANT).coach is None
        (to_coach, to_participant) = owed(session)[-2:]
        assert to_coach[0] == COACH and "You are no longer the coach of" in to_coach[1]
        assert to_participant[0] == PARTICIPANT
        assert f"<@{COACH}> is no longer your coach" in to_participant[1]
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-2:] == ["coaching.assign_coach", "coaching.remove_coach"]
        with pytest.raises(InvalidInput, match="has no coach assigned"):
            coach_assignment.remove_coach(
                session, participant=PARTICIPANT, cohort=None, actor=COORDINATOR, now=NOW
            )


def test_coachees_lists_live_places_by_name_with_their_coaching(
    coach_db: sessionmaker[Session],
) -> None:
    with unit_of_work(coach_db) as session:
        assert coach_assignment.coachees(session, COACH, NOW) == []
        assign(session, participant=OTHER)
        assign(session)
        coaching_log.log_coaching_session(
            session,
            enrolment_id=enrolment_of(session, OTHER).id,
            actor=COACH,
            roles={Role.COACH},
            held_on=date(2017, 1, 20),
            coach=coaching_log.CoachRef(),
            note=None,
            now=NOW,
        )
        listed = coach_assignment.coachees(session, COACH, NOW)
        assert [(s.name, s.used) for s in listed] == [("Person 0", 0), ("Person 1", 1)]
        enrolment_of(session, OTHER).status = EnrolmentStatus.WITHDRAWN
        session.flush()
        assert [s.name for s in coach_assignment.coachees(session, COACH, NOW)] == ["Person 0"]
        assert coach_assignment.coachees(session, OTHER_COACH, NOW) == []


def test_deleting_the_coach_s_person_row_leaves_the_place_without_a_coach(
    coach_db: sessionmaker[Session],
) -> None:
    with unit_of_work(coach_db) as session:
        assign(session)
    with unit_of_work(coach_db) as session:
        session.execute(sa.delete(Person).where(Person.slack_user_id == COACH))
    with unit_of_work(coach_db) as session:
        assert enrolment_of(session, PARTICIPANT).coach_person_id is None
