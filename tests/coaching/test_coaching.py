"""The coaching allowance rules: logging, status, the at-risk rule, nudges and cohort totals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching import allowance as coaching
from bot.coaching import log as coaching_log
from bot.coaching import nudges as coaching_nudges
from bot.coaching.allowance import risks
from bot.coaching.log import CoachRef
from bot.core.errors import InvalidInput, NotFound, PermissionDenied
from bot.slack.ids.coaching import ActionId, BlockId
from db.engine import unit_of_work
from db.enums import EnrolmentStatus, OutboundState, Role, SessionKind
from db.models import (
    AuditEvent,
    CoachingSession,
    Cohort,
    Enrolment,
    LeavePeriod,
    OutboundMessage,
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


# The at-risk rule


def test_nobody_is_at_risk_early_on_with_plenty_of_time() -> None:
    assert (
        risks(
            used=0,
            allowance=4,
            deadline=DEADLINE,
            today=date(2017, 2, 1),
            started_by=date(2017, 2, 21),
        )
        == ()
    )


def test_not_started_six_weeks_after_the_workshop_is_at_risk() -> None:
    assert risks(
        used=0,
        allowance=4,
        deadline=DEADLINE,
        today=date(2017, 2, 21),
        started_by=date(2017, 2, 21),
    ) == ("not started 6 weeks after the workshop",)


def test_more_sessions_left_than_one_per_two_months_is_at_risk() -> None:
    # 7 full months left allow 3.5 sessions comfortably: 4 are too many, 3 are fine.
    today = date(2017, 6, 1)
    assert risks(used=0, allowance=4, deadline=DEADLINE, today=today, started_by=None) == (
        "4 left with 7 full month(s) to go",
    )
    assert risks(used=1, allowance=4, deadline=DEADLINE, today=today, started_by=None) == ()


def test_a_passed_deadline_with_sessions_left_is_at_risk_and_all_used_never_is() -> None:
    late = date(2018, 1, 6)
    assert risks(used=3, allowance=4, deadline=DEADLINE, today=late, started_by=None) == (
        "deadline passed with 1 unused",
    )
    assert risks(used=4, allowance=4, deadline=DEADLINE, today=late, started_by=None) == ()


def test_full_months_between_counts_whole_calendar_months() -> None:
    assert coaching.full_months_between(date(2017, 1, 31), date(2017, 2, 28)) == 1
    assert coaching.full_months_between(date(2017, 6, 1), DEADLINE) == 7
    assert coaching.full_months_between(date(2017, 12, 10), DEADLINE) == 0


# Status


def test_status_shows_used_remaining_deadline_and_days_left(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        enrolment = enrolment_of(session, PARTICIPANT)
        status = coaching.coaching_status(session, enrolment, date(2017, 2, 1))
        assert (status.used, status.allowance, status.remaining) == (0, 4, 4)
        assert (status.deadline, status.days_left, status.at_risk) == (DEADLINE, 338, False)
        enrolment.coaching_allowance = 6
        log(session)
        status = coaching.coaching_status(session, enrolment, date(2017, 2, 1))
        assert (status.used, status.allowance, status.remaining) == (1, 6, 5)


def test_a_missing_deadline_falls_back_to_enrolment_plus_programme_length(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        enrolment = enrolment_of(session, PARTICIPANT)
        enrolment.coaching_deadline = None
        assert coaching.deadline_of(enrolment) == date(2018, 1, 5)


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


# Nudges


def nudges(session: Session) -> list[tuple[str, str]]:
    rows = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.kind == coaching.NUDGE_KIND)
        .order_by(OutboundMessage.id)
    )
    return [(row.recipient, row.idempotency_key) for row in rows]


def test_not_started_six_weeks_after_the_workshop_is_nudged_once(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        log(session, whose=OTHER, actor=OTHER)  # started: not nudged
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 2, 20))) == 0
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 2, 21))) == 1
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 2, 21), 11)) == 0
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 3, 1))) == 0
        assert nudges(session) == [(PARTICIPANT, "coaching:not_started:1")]
        row = session.scalars(select(OutboundMessage)).one()
        text = str(row.payload["text"])
        assert "six weeks since your programme's workshop" in text
        assert "0 of 4 sessions used, 4 left to use by *Fri 5 Jan 2018*" in text
        buttons = [
            element
            for block in row.payload["blocks"]
            if block["type"] == "actions"
            for element in block["elements"]
        ]
        assert [(b["action_id"], b["value"]) for b in buttons] == [(ActionId.LOG, "1")]


def test_nudges_wait_for_working_hours_in_the_persons_time_zone(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        saturday = at(date(2017, 2, 25))
        assert coaching_nudges.owe_coaching_nudges(session, saturday) == 0
        early = at(date(2017, 2, 27), 8)
        assert coaching_nudges.owe_coaching_nudges(session, early) == 0
        enrolment_of(session, PARTICIPANT).person.slack_tz = "Asia/Kolkata"
        # 08:00 in London is 13:30 in Kolkata: inside working hours there.
        assert coaching_nudges.owe_coaching_nudges(session, early) == 1
        assert nudges(session) == [(PARTICIPANT, "coaching:not_started:1")]


def test_nobody_is_nudged_while_away_or_on_leave(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        moment = at(date(2017, 2, 21))
        enrolment_of(session, PARTICIPANT).away_until = date(2017, 2, 24)
        session.add(
            LeavePeriod(
                enrolment=enrolment_of(session, OTHER),
                starts_on=date(2017, 2, 1),
                ends_on=None,
                recorded_by="UCOORD01",
            )
        )
        session.flush()
        assert coaching_nudges.owe_coaching_nudges(session, moment) == 0
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 2, 27))) == 1
        assert nudges(session) == [(PARTICIPANT, "coaching:not_started:1")]


def test_then_monthly_while_behind_and_a_final_warning_two_months_before(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        enrolment_of(session, OTHER).status = EnrolmentStatus.WITHDRAWN
        session.flush()
        mondays = [date(2017, 2, 20) + timedelta(weeks=n) for n in range(50)]
        for monday in mondays:
            coaching_nudges.owe_coaching_nudges(session, at(monday))
        keys = [key for _, key in nudges(session)]
        # 4 sessions need 8 months: behind from early May (7 full months left), every 4 weeks.
        assert keys == [
            "coaching:not_started:1",
            "coaching:behind:1:2017-05",
            "coaching:behind:1:2017-06",
            "coaching:behind:1:2017-07",
            "coaching:behind:1:2017-08",
            "coaching:behind:1:2017-09",
            "coaching:behind:1:2017-10",
            "coaching:final:1:2018-01-05",
        ]
        final = session.scalars(
            select(OutboundMessage).where(OutboundMessage.idempotency_key.like("%final%"))
        ).one()
        assert "*Final reminder:* 4 coaching sessions still to use by *Fri 5 Jan 2018*" in str(
            final.payload["text"]
        )


def test_a_session_logged_stops_the_not_started_nudge_and_cancels_a_pending_one(
    cohort_db: sessionmaker[Session],
) -> None:
    with unit_of_work(cohort_db) as session:
        moment = at(date(2017, 2, 21))
        assert coaching_nudges.owe_coaching_nudges(session, moment) == 2
        log(session, now=moment)
        states = {
            recipient: state
            for recipient, state in session.execute(
                select(OutboundMessage.recipient, OutboundMessage.state)
            )
        }
        assert states == {PARTICIPANT: OutboundState.CANCELLED, OTHER: OutboundState.PENDING}


def test_nobody_with_every_session_used_is_nudged(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        for enrolment in session.scalars(select(Enrolment)):
            enrolment.coaching_allowance = 0
        assert coaching_nudges.owe_coaching_nudges(session, at(date(2017, 11, 6))) == 0


# Coordinators


def test_cohort_totals_and_at_risk_list(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        log(session, whose=OTHER, actor=OTHER)
        cohort = session.scalars(select(Cohort)).one()
        report = coaching.cohort_coaching(session, cohort, at(date(2017, 3, 1)))
        assert (report.label, report.enrolled, report.commenced) == (
            "Aspiring Directors / 2017",
            2,
            1,
        )
        assert (report.used, report.allowance) == (1, 8)
        assert [(s.slack_user_id, s.risks) for s in report.at_risk] == [
            (PARTICIPANT, ("not started 6 weeks after the workshop",))
        ]


def test_a_coordinator_may_log_for_a_participant(cohort_db: sessionmaker[Session]) -> None:
    with unit_of_work(cohort_db) as session:
        status = log(session, actor="UCOORD01", roles=frozenset({Role.COORDINATOR}))
        assert status.used == 1
        assert session.scalars(select(CoachingSession)).one().logged_by == "UCOORD01"
