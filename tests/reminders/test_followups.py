"""People who have not replied are chased once, then listed for the coordinators."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.reminders.participation import follow_up_moment
from bot.reminders.policy import ReminderPolicy
from bot.runtime import Runtime
from bot.standin import SlackStandin
from db.engine import unit_of_work
from db.enums import RsvpStatus, SessionKind
from db.models import Enrolment, Invitation
from scheduling.clock_process import run_once
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.support.people import programme_with_session

LONDON = ZoneInfo("Europe/London")
# Thursday 16 March 2017, 10:00 in London.
SESSION_START = datetime(2017, 3, 16, 10, 0, tzinfo=LONDON)
FIRST_REMINDER = datetime(2017, 3, 2, 9, 0, tzinfo=LONDON)
WEEK_BEFORE = datetime(2017, 3, 9, 9, 0, tzinfo=LONDON)
TWO_DAYS_BEFORE = datetime(2017, 3, 14, 9, 0, tzinfo=LONDON)
SECOND = "UPART002"


def test_the_follow_up_is_a_week_before_or_halfway_if_sooner() -> None:
    kind = SessionKind.WORKSHOP
    default = ReminderPolicy()
    late_start = ReminderPolicy().with_days("all", "3,0")

    assert follow_up_moment(SESSION_START, default, kind, LONDON) == WEEK_BEFORE
    # Halfway from Monday 13 March 09:00 to Thursday 10:00 is Tuesday 14 March 21:30: after
    # hours, so the next morning.
    assert follow_up_moment(SESSION_START, late_start, kind, LONDON) == datetime(
        2017, 3, 15, 9, 0, tzinfo=LONDON
    )
    assert (
        follow_up_moment(SESSION_START, ReminderPolicy().with_days("all", "0"), kind, LONDON)
        is None
    )


def setup(runtime: Runtime, standin: SlackStandin) -> None:
    standin.add_user(SECOND, name="Sam Second")
    with unit_of_work(runtime.session_factory) as session:
        programme_with_session(
            session,
            starts_at=SESSION_START,
            people={PARTICIPANT: None, SECOND: None},
            # Not an action learning set, so no quorum alerts join in.
            kind=SessionKind.WORKSHOP,
        )


def reply(runtime: Runtime, user: str, rsvp: RsvpStatus) -> None:
    with unit_of_work(runtime.session_factory) as session:
        for invitation in session.scalars(select(Invitation)):
            if invitation.enrolment.person.slack_user_id == user:
                invitation.rsvp = rsvp


def texts(standin: SlackStandin, user: str) -> list[str]:
    return [m.text for m in standin.messages_in(user)]


def test_only_those_who_have_not_replied_are_chased_once(
    runtime: Runtime, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    run_once(runtime.tick_dependencies(), FIRST_REMINDER)
    reply(runtime, SECOND, RsvpStatus.ATTENDING)

    results = {r.tick_id: r.summary for r in run_once(runtime.tick_dependencies(), WEEK_BEFORE)}
    run_once(runtime.tick_dependencies(), datetime(2017, 3, 10, 9, 0, tzinfo=LONDON))

    assert results["chase-replies"] == "owed 1 follow-up(s) and 0 non-responder list(s)"
    _first, follow_up = standin.messages_in(PARTICIPANT)
    assert follow_up.text.startswith("We haven't had your reply yet")
    assert "*Action learning set 1* is in 7 days" in follow_up.text
    assert [b["type"] for b in follow_up.blocks or ()][-1] == "actions"
    assert len(standin.messages_in(SECOND)) == 1


def test_nobody_is_chased_before_being_reminded(runtime: Runtime, standin: SlackStandin) -> None:
    setup(runtime, standin)

    # The bot was down for the first reminder: the week-before reminder is the first they hear.
    results = {r.tick_id: r.summary for r in run_once(runtime.tick_dependencies(), WEEK_BEFORE)}

    assert results["chase-replies"].startswith("owed 0 follow-up(s)")
    assert len(standin.messages_in(PARTICIPANT)) == 1


def test_coordinators_get_one_list_of_non_responders_two_days_before(
    runtime: Runtime, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    run_once(runtime.tick_dependencies(), FIRST_REMINDER)
    reply(runtime, SECOND, RsvpStatus.NOT_ATTENDING)
    run_once(runtime.tick_dependencies(), WEEK_BEFORE)
    assert standin.messages_in(COORDINATOR) == []

    run_once(runtime.tick_dependencies(), TWO_DAYS_BEFORE)
    run_once(runtime.tick_dependencies(), datetime(2017, 3, 15, 9, 0, tzinfo=LONDON))

    (listing,) = texts(standin, COORDINATOR)
    assert listing == (
        f"Still no reply from 1 person about *Action learning set 1* (Thu 16 Mar, 10:00): "
        f"<@{PARTICIPANT}>."
    )


def test_no_list_when_everyone_has_replied(runtime: Runtime, standin: SlackStandin) -> None:
    setup(runtime, standin)
    run_once(runtime.tick_dependencies(), FIRST_REMINDER)
    reply(runtime, SECOND, RsvpStatus.ATTENDING)
    reply(runtime, PARTICIPANT, RsvpStatus.ATTENDING)

    run_once(runtime.tick_dependencies(), TWO_DAYS_BEFORE)

    assert standin.messages_in(COORDINATOR) == []


def test_people_away_are_not_chased_or_listed(runtime: Runtime, standin: SlackStandin) -> None:
    setup(runtime, standin)
    run_once(runtime.tick_dependencies(), FIRST_REMINDER)
    reply(runtime, SECOND, RsvpStatus.ATTENDING)
    with unit_of_work(runtime.session_factory) as session:
        for enrolment in session.scalars(select(Enrolment)):
            enrolment.away_until = datetime(2017, 3, 31).date()

    run_once(runtime.tick_dependencies(), WEEK_BEFORE)
    run_once(runtime.tick_dependencies(), TWO_DAYS_BEFORE)

    assert len(standin.messages_in(PARTICIPANT)) == 1
    assert standin.messages_in(COORDINATOR) == []
