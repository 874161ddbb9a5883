"""Away and on leave: reminders pause, changes still reach people, coaching can be extended."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core import outbox
from bot.core.audit import pseudonym
from bot.core.errors import InvalidInput
from bot.programmes.timetable import cancel_session
from bot.reminders.leave import last_day_away_allowed, set_away, their_today
from bot.reminders.reminders import due_reminders
from bot.runtime import Runtime
from bot.slack.blocks import notice
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import LeaveKind, OutboundState, SessionNotificationPreference
from db.models import AuditEvent, Enrolment, LeavePeriod, OutboundMessage, ProgrammeSession
from scheduling.delivery import deliver_due
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.people import programme_with_session
from tests.support.programmes import command_reply

LONDON = ZoneInfo("Europe/London")
SESSION_START = datetime(2017, 3, 16, 10, 0, tzinfo=LONDON)
TWO_DAYS_BEFORE = datetime(2017, 3, 14, 9, 0, tzinfo=LONDON)


def setup(runtime: Runtime, *, compulsory: bool = True) -> None:
    with unit_of_work(runtime.session_factory) as session:
        _, (invitation,) = programme_with_session(
            session, starts_at=SESSION_START, compulsory=compulsory, people={PARTICIPANT: None}
        )
        invitation.enrolment.coaching_deadline = date(2018, 1, 31)


def enrolment(runtime: Runtime) -> Enrolment:
    with unit_of_work(runtime.session_factory) as session:
        row = session.scalars(select(Enrolment)).one()
        session.expunge(row)
        return row


def reminders_due(runtime: Runtime, now: datetime) -> int:
    with unit_of_work(runtime.session_factory) as session:
        return len(due_reminders(session, now))


def test_away_pauses_reminders_until_the_day_after(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime)

    reply = command_reply(slack, standin, PARTICIPANT, "away 2017-03-14")

    assert "you're away until Tue 14 Mar 2017" in reply
    assert enrolment(runtime).away_until == date(2017, 3, 14)
    assert reminders_due(runtime, TWO_DAYS_BEFORE) == 0
    assert reminders_due(runtime, datetime(2017, 3, 15, 9, 0, tzinfo=LONDON)) == 1


@pytest.mark.parametrize(
    ("typed", "until"),
    [
        ("23 Feb", date(2017, 2, 23)),
        ("Thu 23rd February", date(2017, 2, 23)),
        ("7 Dec", date(2017, 12, 7)),
        ("1 January", date(2018, 1, 1)),
    ],
)
def test_away_takes_a_day_and_month_as_typed_meaning_the_next_such_date(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin, typed: str, until: date
) -> None:
    setup(runtime)

    reply = command_reply(slack, standin, PARTICIPANT, f"away {typed}")

    assert "you're away until" in reply
    assert enrolment(runtime).away_until == until


def test_away_off_turns_reminders_back_on(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime)
    command_reply(slack, standin, PARTICIPANT, "away 2017-03-31")

    reply = command_reply(slack, standin, PARTICIPANT, "away off")

    assert "Welcome back" in reply
    assert enrolment(runtime).away_until is None
    assert reminders_due(runtime, TWO_DAYS_BEFORE) == 1
    with unit_of_work(runtime.session_factory) as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor == pseudonym(session, PARTICIPANT))
        )
        assert list(actions) == ["enrolment.away", "enrolment.away"]


def test_going_away_cancels_reminders_not_yet_sent_but_not_notices(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime)
    with unit_of_work(runtime.session_factory) as session:
        for kind in (outbox.SESSION_REMINDER_KIND, "session_moved"):
            outbox.enqueue(
                session,
                recipient=PARTICIPANT,
                kind=kind,
                message=notice(kind),
                due_at=NOW + timedelta(hours=1),
                idempotency_key=kind,
                enrolment_id=session.scalars(select(Enrolment.id)).one(),
            )

    command_reply(slack, standin, PARTICIPANT, "away 2017-02-10")

    with unit_of_work(runtime.session_factory) as session:
        states = dict(session.execute(select(OutboundMessage.kind, OutboundMessage.state)).all())
    assert states == {
        outbox.SESSION_REMINDER_KIND: OutboundState.CANCELLED,
        "session_moved": OutboundState.PENDING,
    }


def test_away_refuses_past_and_far_off_dates_and_people_not_enrolled(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime)

    past = command_reply(slack, standin, PARTICIPANT, "away 2017-01-31")
    too_far = command_reply(slack, standin, PARTICIPANT, "away 2018-02-02")
    nonsense = command_reply(slack, standin, PARTICIPANT, "away soon")
    stranger = command_reply(slack, standin, COORDINATOR, "away 2017-03-01")

    assert "That date has passed" in past
    assert "more than a year away: give a last day away no later than Thu 1 Feb 2018" in too_far
    assert "'soon' is not a date I can read" in nonsense
    assert "not on any programme" in stranger
    assert enrolment(runtime).away_until is None


def test_a_coordinator_records_leave_and_extends_coaching(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime)

    reply = command_reply(
        slack,
        standin,
        COORDINATOR,
        f"leave <@{PARTICIPANT}|pat> 2017-02-01 2017-03-31 maternity --extend-coaching",
    )

    assert f"Recorded maternity leave for <@{PARTICIPANT}> from Wed 1 Feb 2017" in reply
    assert "Coaching deadline moved to Sat 31 Mar 2018." in reply
    assert enrolment(runtime).coaching_deadline == date(2018, 1, 31) + timedelta(days=59)
    with unit_of_work(runtime.session_factory) as session:
        (period,) = session.scalars(select(LeavePeriod))
        assert (period.kind, period.recorded_by) == (LeaveKind.MATERNITY, COORDINATOR)
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor == pseudonym(session, COORDINATOR))
        )
        assert list(actions) == ["leave.record", "enrolment.coaching_deadline"]
    assert reminders_due(runtime, TWO_DAYS_BEFORE) == 0


def test_open_ended_leave_pauses_reminders_but_changes_still_reach_them(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime)
    command_reply(slack, standin, COORDINATOR, f"leave <@{PARTICIPANT}> 2017-02-01 open sick")
    assert reminders_due(runtime, TWO_DAYS_BEFORE) == 0

    with unit_of_work(runtime.session_factory) as session:
        session_id = session.scalars(select(ProgrammeSession.id)).one()
        cancel_session(
            session, session_id, reason="Venue flooded", actor=COORDINATOR, now=TWO_DAYS_BEFORE
        )
    deliver_due(runtime.tick_dependencies().uow, runtime.client, TWO_DAYS_BEFORE)

    (cancelled,) = standin.messages_in(PARTICIPANT)
    assert "Venue flooded" in cancelled.text


def test_leave_is_refused_politely_when_it_cannot_be_recorded(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime)
    who = f"<@{PARTICIPANT}>"

    by_participant = command_reply(slack, standin, PARTICIPANT, f"leave {who} 2017-02-01 open")
    open_extend = command_reply(
        slack, standin, COORDINATOR, f"leave {who} 2017-02-01 open --extend-coaching"
    )
    backwards = command_reply(slack, standin, COORDINATOR, f"leave {who} 2017-03-01 2017-02-01")
    odd_kind = command_reply(slack, standin, COORDINATOR, f"leave {who} 2017-02-01 open holiday")
    no_mention = command_reply(slack, standin, COORDINATOR, "leave pat 2017-02-01 open")
    command_reply(slack, standin, COORDINATOR, f"leave {who} 2017-02-01 2017-02-28")
    overlap = command_reply(slack, standin, COORDINATOR, f"leave {who} 2017-02-20 open")

    assert "coordinator" in by_participant
    assert "only extend coaching by leave with an end date" in open_extend
    assert "must end on or after the day it starts" in backwards
    assert "'holiday' is not a kind of leave" in odd_kind
    assert "is not a mention" in no_mention
    assert "overlaps leave already recorded: Wed 1 Feb 2017 to Tue 28 Feb 2017" in overlap
    with unit_of_work(runtime.session_factory) as session:
        assert len(session.scalars(select(LeavePeriod)).all()) == 1
    assert enrolment(runtime).coaching_deadline == date(2018, 1, 31)


def test_notifications_choose_whether_optional_sessions_are_reminded(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, compulsory=False)

    shown = command_reply(slack, standin, PARTICIPANT, "notifications")
    quiet = command_reply(slack, standin, PARTICIPANT, "notifications compulsory")

    assert "You'll hear about every session" in shown
    assert "only about compulsory sessions" in quiet
    assert enrolment(runtime).optional_sessions == SessionNotificationPreference.COMPULSORY_ONLY
    assert reminders_due(runtime, TWO_DAYS_BEFORE) == 0

    command_reply(slack, standin, PARTICIPANT, "notifications all")

    assert reminders_due(runtime, TWO_DAYS_BEFORE) == 1
    bad = command_reply(slack, standin, PARTICIPANT, "notifications some")
    assert "/cohort notifications compulsory" in bad


def test_compulsory_sessions_are_reminded_whatever_the_choice(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, compulsory=True)

    command_reply(slack, standin, PARTICIPANT, "notifications compulsory")

    assert reminders_due(runtime, TWO_DAYS_BEFORE) == 1


def test_away_dates_are_judged_by_the_persons_own_calendar(db: sessionmaker[Session]) -> None:
    # 13:00 UTC on 1 Feb is already 2 Feb in Auckland, and still 1 Feb in London.
    at = datetime(2017, 2, 1, 13, 0, tzinfo=ZoneInfo("UTC"))
    with unit_of_work(db) as session:
        programme_with_session(
            session,
            starts_at=at + timedelta(days=30),
            people={"UKIWI001": "Pacific/Auckland", "ULOND001": "Europe/London"},
        )

    with unit_of_work(db) as session:
        set_away(session, "ULOND001", date(2017, 2, 1), now=at)
        with pytest.raises(InvalidInput, match="That date has passed"):
            set_away(session, "UKIWI001", date(2017, 2, 1), now=at)
        assert last_day_away_allowed(their_today(session, "UKIWI001", at)) == date(2018, 2, 2)
