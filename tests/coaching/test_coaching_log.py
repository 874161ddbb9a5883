"""Logging coaching sessions: who may log for whom, and what is refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching import allowance as coaching
from bot.coaching import log as coaching_log
from bot.coaching.log import CoachRef
from bot.core.errors import InvalidInput, NotFound, PermissionDenied
from bot.slack.ids.coaching import BlockId
from db.engine import unit_of_work
from db.enums import EnrolmentStatus, Role
from db.models import (
    AuditEvent,
    CoachingSession,
    OutboundMessage,
    Person,
)
from tests.coaching.coaching_data import (
    ALEX,
    COACH,
    NOW,
    OTHER,
    PARTICIPANT,
    enrolment_of,
    log,
)

# Logging


def test_logging_a_session_records_it_with_an_audit_event(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        status = log(session, note="Rescheduled from last week")
        assert (status.used, status.remaining) == (1, 3)
        row = session.scalars(select(CoachingSession)).one()
        assert (row.held_on, row.coach_name, row.coach_id, row.logged_by) == (
            date(2017, 1, 20),
            "Alex Coach",
            None,
            PARTICIPANT,
        )
        assert row.note == "Rescheduled from last week"
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "coaching.log"))
        assert len(audit.all()) == 1
        # Logging for yourself sends you nothing: the modal already shows the new count.
        assert session.scalars(select(OutboundMessage)).all() == []


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"held_on": None}, BlockId.DATE, "Pick the date"),
        ({"held_on": date(2017, 2, 2)}, BlockId.DATE, "That date is in the future"),
        ({"held_on": date(2017, 1, 4)}, BlockId.DATE, "before the enrolment on Thu 5 Jan 2017"),
        ({"coach": CoachRef()}, BlockId.COACH_NAME, "Say who the coach was"),
        ({"coach": CoachRef(name="   ")}, BlockId.COACH_NAME, "Say who the coach was"),
        ({"coach": CoachRef(name="x" * 201)}, BlockId.COACH_NAME, "200 characters"),
        ({"coach": CoachRef(slack_user_id=PARTICIPANT)}, BlockId.COACH_USER, "can't be the"),
        ({"note": "x" * 501}, BlockId.NOTE, "500 characters"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(
    cohort_db: sessionmaker[Session], kwargs: dict[str, object], field: str, message: str
) -> None:
    with unit_of_work(cohort_db) as session:
        with pytest.raises(InvalidInput) as refused:
            log(session, **kwargs)  # type: ignore[arg-type]
        assert refused.value.field == field
        assert message in str(refused.value)
        assert session.scalars(select(CoachingSession)).all() == []


def test_a_session_after_the_deadline_is_refused_clearly(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        enrolment_of(session, PARTICIPANT).coaching_deadline = date(2017, 1, 31)
        with pytest.raises(InvalidInput) as refused:
            log(session, held_on=date(2017, 2, 1))
        assert "Coaching had to be used by Tue 31 Jan 2017" in str(refused.value)
        assert "ask a coordinator" in str(refused.value)
        assert refused.value.field == BlockId.DATE


def test_the_same_session_twice_and_more_than_the_allowance_are_refused(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        log(session)
        with pytest.raises(InvalidInput, match="already logged"):
            log(session)
        enrolment_of(session, PARTICIPANT).coaching_allowance = 2
        log(session, held_on=date(2017, 1, 27))
        with pytest.raises(InvalidInput, match="All 2 coaching sessions are already logged"):
            log(session, held_on=date(2017, 1, 30))


def test_another_participant_may_not_log_for_someone(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        with pytest.raises(PermissionDenied):
            log(session, actor=OTHER)
        assert session.scalars(select(CoachingSession)).all() == []


def assign(session: Session, coach_slack_user_id: str = COACH, whose: str = PARTICIPANT) -> Person:
    """Make a coach (created here) the assigned coach of `whose`."""
    coach = session.scalar(select(Person).where(Person.slack_user_id == coach_slack_user_id))
    if coach is None:
        coach = Person(slack_user_id=coach_slack_user_id, name="Casey Coach")
    enrolment_of(session, whose).coach = coach
    session.flush()
    return coach


def test_a_coach_logs_for_a_coachee_who_is_told(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        coach = assign(session)
        status = log(
            session, actor=COACH, roles=frozenset({Role.COACH}), coach=CoachRef(COACH, "Casey")
        )
        row = session.scalars(select(CoachingSession)).one()
        assert (row.coach_id, row.coach_name, row.logged_by) == (coach.id, None, COACH)
        assert status.used == 1
        (told,) = session.scalars(select(OutboundMessage)).all()
        assert told.recipient == PARTICIPANT
        assert "<@UCOACH01> logged a coaching session for you on Fri 20 Jan 2017" in str(
            told.payload["text"]
        )
        assert "1 of 4 sessions used, 3 left to use by *Fri 5 Jan 2018*" in str(
            told.payload["text"]
        )


def test_a_coach_may_not_log_for_someone_else_s_coachee(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        assign(session, whose=OTHER)
        with pytest.raises(PermissionDenied) as refused:
            log(session, actor=COACH, roles=frozenset({Role.COACH}), coach=CoachRef(COACH))
        assert str(refused.value) == (
            "Only Person 0's own coach can log sessions for them; a coordinator can make you "
            "their coach with `/cohort coach …`."
        )
        assert session.scalars(select(CoachingSession)).all() == []


def test_an_unassigned_coach_is_refused_and_a_revoked_coach_too(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        with pytest.raises(PermissionDenied, match="Only Person 0's own coach"):
            log(session, actor=COACH, roles=frozenset({Role.COACH}))
        assign(session)
        # Assigned, but no longer holding the coach role.
        with pytest.raises(PermissionDenied, match="only the participant, their coach or a coord"):
            log(session, actor=COACH, roles=frozenset())
        assert session.scalars(select(CoachingSession)).all() == []


def test_a_coordinator_logs_for_anyone_and_the_assigned_coach_is_the_default(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        coach = assign(session)
        log(session, actor="UCOORD01", roles=frozenset({Role.COORDINATOR}), coach=CoachRef())
        log(
            session,
            held_on=date(2017, 1, 21),
            actor=COACH,
            roles=frozenset({Role.COACH}),
            coach=CoachRef(name="  "),
        )
        log(session, held_on=date(2017, 1, 22), actor=PARTICIPANT, coach=ALEX)
        rows = session.scalars(select(CoachingSession).order_by(CoachingSession.held_on))
        assert [(r.coach_id, r.coach_name, r.logged_by) for r in rows] == [
            (coach.id, None, "UCOORD01"),
            (coach.id, None, COACH),
            (None, "Alex Coach", PARTICIPANT),
        ]


def test_the_logging_form_suggests_the_assigned_coach(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        enrolment = enrolment_of(session, PARTICIPANT)
        form = coaching_log.log_form(session, enrolment, actor=PARTICIPANT, roles=set(), now=NOW)
        assert form.coach_user_id is None
        assign(session)
        form = coaching_log.log_form(session, enrolment, actor=COACH, roles={Role.COACH}, now=NOW)
        assert (form.coach_user_id, form.for_someone_else) == (COACH, True)


def test_a_coach_new_to_the_bot_is_added_as_a_person(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        log(session, coach=CoachRef(COACH, "Casey Coach"))
        coach = session.scalars(select(Person).where(Person.slack_user_id == COACH)).one()
        assert coach.name == "Casey Coach"
        assert session.scalars(select(CoachingSession)).one().coach_id == coach.id


def test_no_logging_on_a_place_that_is_no_longer_active(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        enrolment = enrolment_of(session, PARTICIPANT)
        enrolment.status = EnrolmentStatus.WITHDRAWN
        session.flush()
        with pytest.raises(InvalidInput, match="no longer active"):
            coaching_log.log_coaching_session(
                session,
                enrolment_id=enrolment.id,
                actor=PARTICIPANT,
                roles=set(),
                held_on=date(2017, 1, 20),
                coach=CoachRef(name="Alex"),
                note=None,
                now=NOW,
            )
        with pytest.raises(NotFound):
            coaching.current_enrolment(session, PARTICIPANT, yourself=True)
