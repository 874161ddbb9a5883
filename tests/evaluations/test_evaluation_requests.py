"""Asking for evaluations: who attended, requests opened once, one reminder, expiry and closing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.evaluations.requests import (
    REMINDER_KIND,
    REQUEST_KIND,
    attendees,
    cancel_for_leavers,
    close_requests,
    expire_requests,
    remind_open_requests,
    reminder_key,
    request_key,
)
from bot.evaluations.results import response_rates
from bot.evaluations.schedule import open_session_evaluations
from bot.reminders.leave import back_on
from bot.runtime import Runtime
from bot.slack.ids.evaluations import ActionId
from bot.standin import SlackStandin
from db.engine import unit_of_work
from db.enums import (
    AttendanceStatus,
    EnrolmentStatus,
    EvaluationRequestState,
    OutboundState,
    QuestionPurpose,
    QuestionType,
    RsvpStatus,
    SessionKind,
)
from db.models import (
    EvaluationForm,
    EvaluationRequest,
    Invitation,
    LeavePeriod,
    OutboundMessage,
    ProgrammeSession,
)
from scheduling.delivery import deliver_due
from scheduling.evaluations import open_after_sessions
from tests.fixtures.bot import NOW, PARTICIPANT
from tests.support.evaluations import Q, make_form
from tests.support.people import programme_with_session

# A Monday: the session ends at 13:00 and the tick opens the forms an hour later.
ENDED = datetime(2017, 1, 30, 13, 0, tzinfo=UTC)
OPENED = datetime(2017, 1, 30, 14, 0, tzinfo=UTC)
A, B, C, D = "UPARTA01", "UPARTB01", "UPARTC01", "UPARTD01"


def workshop(
    session: Session, people: tuple[str, ...] = (A, B, C), *, ended: datetime = ENDED
) -> tuple[ProgrammeSession, list[Invitation]]:
    """A workshop that ended at `ended`, with an invitation for each of `people`."""
    programme_session, invitations = programme_with_session(
        session,
        starts_at=ended - timedelta(hours=3),
        people=dict.fromkeys(people),
        kind=SessionKind.WORKSHOP,
    )
    programme_session.title = "Launch workshop"
    return programme_session, invitations


def workshop_form(session: Session, *, anonymous: bool = False) -> EvaluationForm:
    """A two-question form attached to workshops."""
    return make_form(
        session,
        key="workshop",
        title="Workshop feedback",
        attached_to="workshop",
        anonymous=anonymous,
        questions=[
            Q("overall", QuestionType.RATING5, purpose=QuestionPurpose.OVERALL),
            Q("commitment", QuestionType.FREE_TEXT, purpose=QuestionPurpose.COMMITMENT),
        ],
    )


def asked(session: Session) -> list[str]:
    """Slack ids of everyone with a request, in order."""
    rows = session.scalars(select(EvaluationRequest).order_by(EvaluationRequest.id))
    return [str(r.enrolment.person.slack_user_id) for r in rows]


def outbox_rows(session: Session, kind: str) -> list[OutboundMessage]:
    return list(
        session.scalars(
            select(OutboundMessage).where(OutboundMessage.kind == kind).order_by(OutboundMessage.id)
        )
    )


def slack_ids(enrolments: Any) -> list[str]:
    return [str(e.person.slack_user_id) for e in enrolments]


# Who counts as an attendee


def test_before_attendance_is_recorded_everyone_who_did_not_decline_attended(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        programme_session, (a, b, c) = workshop(session)
        a.rsvp, b.rsvp, c.rsvp = RsvpStatus.ATTENDING, RsvpStatus.NONE, RsvpStatus.NOT_ATTENDING
        assert slack_ids(attendees(session, programme_session)) == [A, B]


def test_once_attendance_is_recorded_only_those_present_attended(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        programme_session, (a, b, c, d) = workshop(session, (A, B, C, D))
        a.attendance = AttendanceStatus.PRESENT
        b.attendance = AttendanceStatus.ABSENT
        # Not recorded, and said they were coming: still not counted once a register exists.
        c.rsvp = RsvpStatus.ATTENDING
        # Said they could not come, but did.
        d.rsvp, d.attendance = RsvpStatus.NOT_ATTENDING, AttendanceStatus.PRESENT
        assert slack_ids(attendees(session, programme_session)) == [A, D]


def test_people_who_left_or_are_not_in_slack_are_not_asked(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        programme_session, (a, b, c) = workshop(session)
        a.enrolment.status = EnrolmentStatus.WITHDRAWN
        b.enrolment.person.slack_user_id = None
        c.enrolment.status = EnrolmentStatus.COMPLETED
        assert slack_ids(attendees(session, programme_session)) == [C]


# Opening requests


def test_the_tick_opens_one_request_per_attendee_however_often_it_runs(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        _, (_, _, c) = workshop(session)
        c.rsvp = RsvpStatus.NOT_ATTENDING
        workshop_form(session)
    with unit_of_work(db) as session:
        assert open_session_evaluations(session, OPENED) == 2
    with unit_of_work(db) as session:
        assert open_session_evaluations(session, OPENED + timedelta(minutes=5)) == 0
        requests = session.scalars(select(EvaluationRequest).order_by(EvaluationRequest.id)).all()
        assert asked(session) == [A, B]
        assert {(r.opened_at, r.closes_at, r.state) for r in requests} == {
            (OPENED, OPENED + timedelta(days=14), EvaluationRequestState.OPEN)
        }
        dms = outbox_rows(session, REQUEST_KIND)
        assert [(row.recipient, row.idempotency_key) for row in dms] == [
            (A, request_key(requests[0].id)),
            (B, request_key(requests[1].id)),
        ]


def test_a_new_version_of_the_form_does_not_ask_the_same_people_again(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        workshop(session, (A, B))
        workshop_form(session)
    with unit_of_work(db) as session:
        assert open_session_evaluations(session, OPENED) == 2
    with unit_of_work(db) as session:
        # Deployed the next day, while the session is still within the week that is caught up.
        make_form(
            session,
            key="workshop",
            version=2,
            attached_to="workshop",
            questions=[Q("overall", QuestionType.RATING5, purpose=QuestionPurpose.OVERALL)],
        )
    with unit_of_work(db) as session:
        assert open_session_evaluations(session, OPENED + timedelta(days=1)) == 0
        assert asked(session) == [A, B]


def test_someone_recorded_present_later_is_asked_then(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        programme_session, (_a, _b, c) = workshop(session)
        c.rsvp = RsvpStatus.NOT_ATTENDING
        workshop_form(session)
        session_id = programme_session.id
    with unit_of_work(db) as session:
        assert open_session_evaluations(session, OPENED) == 2
    with unit_of_work(db) as session:
        for invitation in session.scalars(
            select(Invitation).where(Invitation.session_id == session_id)
        ):
            invitation.attendance = AttendanceStatus.PRESENT
    with unit_of_work(db) as session:
        assert open_session_evaluations(session, OPENED + timedelta(days=1)) == 1
        assert asked(session) == [A, B, C]


# Reminders


def open_one(db: sessionmaker[Session], *, at: datetime = OPENED) -> int:
    """A workshop attended by A alone, its form opened at `at`; returns the request id."""
    with unit_of_work(db) as session:
        workshop(session, (A,), ended=at - timedelta(hours=1))
        workshop_form(session)
    with unit_of_work(db) as session:
        assert open_session_evaluations(session, at) == 1
        return session.scalars(select(EvaluationRequest.id)).one()


def remind(db: sessionmaker[Session], at: datetime) -> int:
    with unit_of_work(db) as session:
        return remind_open_requests(session, at)


def test_one_reminder_three_days_after_opening_and_never_a_second(
    db: sessionmaker[Session],
) -> None:
    request_id = open_one(db)
    three_days = OPENED + timedelta(days=3)

    assert remind(db, three_days - timedelta(minutes=1)) == 0
    assert remind(db, three_days) == 1
    assert remind(db, three_days + timedelta(hours=1)) == 0
    assert remind(db, three_days + timedelta(days=1)) == 0

    with unit_of_work(db) as session:
        request = session.get_one(EvaluationRequest, request_id)
        assert request.reminded_at == three_days
        (reminder,) = outbox_rows(session, REMINDER_KIND)
        assert (reminder.recipient, reminder.idempotency_key, reminder.due_at) == (
            A,
            reminder_key(request_id),
            three_days,
        )
        assert "Reminder" in reminder.payload["text"]


def test_the_reminder_waits_for_working_hours_and_for_someone_back_from_leave(
    db: sessionmaker[Session],
) -> None:
    # Opened on a Wednesday: three days later is a Saturday.
    wednesday = datetime(2017, 2, 1, 14, 0, tzinfo=UTC)
    request_id = open_one(db, at=wednesday)
    with unit_of_work(db) as session:
        enrolment = session.get_one(EvaluationRequest, request_id).enrolment
        session.add(
            LeavePeriod(
                enrolment=enrolment,
                starts_on=date(2017, 2, 6),
                ends_on=date(2017, 2, 6),
                recorded_by="UCOORD01",
            )
        )
    saturday = wednesday + timedelta(days=3)
    monday_morning = datetime(2017, 2, 6, 9, 0, tzinfo=UTC)
    tuesday_morning = datetime(2017, 2, 7, 9, 0, tzinfo=UTC)

    assert remind(db, saturday) == 0
    assert remind(db, monday_morning) == 0
    assert remind(db, tuesday_morning - timedelta(minutes=1)) == 0
    assert remind(db, tuesday_morning) == 1


def test_no_reminder_once_the_form_is_completed_or_closed(db: sessionmaker[Session]) -> None:
    request_id = open_one(db)
    with unit_of_work(db) as session:
        session.get_one(EvaluationRequest, request_id).state = EvaluationRequestState.COMPLETED
    assert remind(db, OPENED + timedelta(days=3)) == 0

    with unit_of_work(db) as session:
        request = session.get_one(EvaluationRequest, request_id)
        request.state = EvaluationRequestState.OPEN
        request.closes_at = OPENED + timedelta(days=3)
    assert remind(db, OPENED + timedelta(days=3)) == 0


# Closing


def test_open_requests_expire_when_their_window_closes(db: sessionmaker[Session]) -> None:
    request_id = open_one(db)
    closes_at = OPENED + timedelta(days=14)
    with unit_of_work(db) as session:
        assert expire_requests(session, closes_at - timedelta(seconds=1)) == 0
    with unit_of_work(db) as session:
        assert expire_requests(session, closes_at) == 1
    with unit_of_work(db) as session:
        request = session.get_one(EvaluationRequest, request_id)
        assert (request.state, request.closes_at) == (EvaluationRequestState.EXPIRED, closes_at)
        assert expire_requests(session, closes_at + timedelta(days=1)) == 0


def test_closing_by_hand_expires_open_requests_and_cancels_the_pending_reminder(
    db: sessionmaker[Session],
) -> None:
    request_id = open_one(db)
    three_days = OPENED + timedelta(days=3)
    assert remind(db, three_days) == 1
    with unit_of_work(db) as session:
        request = session.get_one(EvaluationRequest, request_id)
        closed = close_requests(
            session,
            form_id=request.form_id,
            cohort_id=request.cohort_id,
            session_id=request.session_id,
            now=three_days,
        )
        assert closed == 1
    with unit_of_work(db) as session:
        request = session.get_one(EvaluationRequest, request_id)
        assert (request.state, request.closes_at) == (EvaluationRequestState.EXPIRED, three_days)
        (reminder,) = outbox_rows(session, REMINDER_KIND)
        assert reminder.state == OutboundState.CANCELLED
        # The first DM, still owed in this test (nothing delivered it), is not sent either.
        (first,) = outbox_rows(session, REQUEST_KIND)
        assert first.state == OutboundState.CANCELLED
        assert (
            close_requests(
                session,
                form_id=request.form_id,
                cohort_id=request.cohort_id,
                session_id=request.session_id,
                now=three_days,
            )
            == 0
        )


def test_the_requests_of_someone_who_left_are_cancelled_and_no_longer_counted(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        workshop(session, (A, B), ended=OPENED - timedelta(hours=1))
        workshop_form(session)
    with unit_of_work(db) as session:
        assert open_session_evaluations(session, OPENED) == 2
        leaver = session.scalars(
            select(EvaluationRequest).order_by(EvaluationRequest.id).offset(1)
        ).one()
        leaver.enrolment.status = EnrolmentStatus.WITHDRAWN
        leaver_id = leaver.id
    with unit_of_work(db) as session:
        assert cancel_for_leavers(session) == 1
    with unit_of_work(db) as session:
        assert cancel_for_leavers(session) == 0
        states = {
            str(r.enrolment.person.slack_user_id): r.state
            for r in session.scalars(select(EvaluationRequest))
        }
        assert states == {A: EvaluationRequestState.OPEN, B: EvaluationRequestState.CANCELLED}
        (rate,) = response_rates(session, now=OPENED)
        assert (rate.requested, rate.completed) == (1, 0)
        dm = session.scalars(
            select(OutboundMessage).where(OutboundMessage.idempotency_key == request_key(leaver_id))
        ).one()
        assert dm.state == OutboundState.CANCELLED


# The DM, through Slack


@pytest.mark.parametrize(
    ("kind", "anonymous"),
    [(SessionKind.WORKSHOP, False), (SessionKind.ACTION_LEARNING_SET, True)],
    ids=["named-workshop", "anonymous-set"],
)
def test_the_delivered_dm_has_the_button_for_the_request_and_says_whether_it_is_anonymous(
    runtime: Runtime, standin: SlackStandin, kind: SessionKind, anonymous: bool
) -> None:
    # The built-in forms: the workshop's is named, the action learning set's anonymous.
    with unit_of_work(runtime.session_factory) as session:
        programme_session, _ = programme_with_session(
            session, starts_at=NOW - timedelta(hours=4), kind=kind
        )
        programme_session.title = "Set <one> & all"
    deps = runtime.tick_dependencies()

    assert open_after_sessions(deps, NOW).summary == "opened 1 session evaluation request(s)"
    deliver_due(deps.uow, deps.client, NOW)

    with unit_of_work(runtime.session_factory) as session:
        request = session.scalars(select(EvaluationRequest)).one()
        request_id, form = request.id, request.form
        assert form.anonymous is anonymous
        questions, title = len(form.questions), form.title
    (dm,) = standin.messages_in(PARTICIPANT)
    assert dm.blocks is not None
    (button,) = [
        element
        for block in dm.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert (button["action_id"], button["value"], button["style"]) == (
        ActionId.OPEN_FORM,
        str(request_id),
        "primary",
    )
    assert button["text"]["text"] == "Fill in the form"
    shown = "\n".join(
        str(block.get("text", {}).get("text", "")) + str(block.get("elements", ""))
        for block in dm.blocks
    )
    assert "Set &lt;one&gt; &amp; all on Wed 1 Feb" in shown
    assert f"*{title}* form has {questions} questions" in shown
    assert "open until *Wed 15 Feb, 09:00*" in shown
    if anonymous:
        assert "*This form is anonymous.*" in shown
        assert "(anonymous)" in dm.text
    else:
        assert "*This form is not anonymous.*" in shown
        assert "(named)" in dm.text


# When people are told


def test_the_window_and_reminder_count_from_when_each_person_is_told(
    db: sessionmaker[Session],
) -> None:
    friday_evening = datetime(2017, 2, 3, 18, 0, tzinfo=UTC)
    monday_morning = datetime(2017, 2, 6, 9, 0, tzinfo=UTC)
    with unit_of_work(db) as session:
        _, (_, b, c) = workshop(session, ended=friday_evening - timedelta(hours=1))
        workshop_form(session)
        b.enrolment.away_until = date(2017, 2, 8)  # back on Thursday, within the window
        session.add(  # on leave for five weeks: longer than the form stays open
            LeavePeriod(
                enrolment=c.enrolment,
                starts_on=date(2017, 2, 1),
                ends_on=date(2017, 3, 10),
                recorded_by="UCOORD01",
            )
        )

    with unit_of_work(db) as session:
        assert open_session_evaluations(session, friday_evening) == 3
        requests = session.scalars(select(EvaluationRequest).order_by(EvaluationRequest.id))
        told = {str(r.enrolment.person.slack_user_id): (r.opened_at, r.closes_at) for r in requests}
        dms = {row.recipient: row.due_at for row in outbox_rows(session, REQUEST_KIND)}

    thursday_morning = datetime(2017, 2, 9, 9, 0, tzinfo=UTC)
    assert told[A] == (monday_morning, monday_morning + timedelta(days=14))
    assert told[B] == (thursday_morning, thursday_morning + timedelta(days=14))
    assert told[C] == (monday_morning, monday_morning + timedelta(days=14))
    assert dms == {A: monday_morning, B: thursday_morning, C: monday_morning}
    assert remind(db, monday_morning + timedelta(days=3)) == 1  # A; B is told later, C away


def test_back_on_steps_over_away_and_leave_that_follow_on(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        _, (a,) = workshop(session, (A,))
        enrolment = a.enrolment
        enrolment.away_until = date(2017, 2, 5)
        session.add(
            LeavePeriod(
                enrolment=enrolment,
                starts_on=date(2017, 2, 6),
                ends_on=date(2017, 2, 10),
                recorded_by="UCOORD01",
            )
        )
        session.flush()
        session.refresh(enrolment)

        assert back_on(enrolment, date(2017, 2, 1)) == date(2017, 2, 11)
        assert back_on(enrolment, date(2017, 2, 12)) == date(2017, 2, 12)
        enrolment.leave_periods[0].ends_on = None
        assert back_on(enrolment, date(2017, 2, 1)) is None
