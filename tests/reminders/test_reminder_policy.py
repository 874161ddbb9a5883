"""Each programme says when its reminders go, per session kind, and in which hours."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.audit import actor_of
from bot.core.errors import InvalidInput
from bot.reminders.policy import ReminderPolicy, parse_policy
from bot.reminders.reminders import due_reminders
from bot.runtime import Runtime
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import SessionKind
from db.models import AuditEvent, Programme
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.support.people import programme_with_session
from tests.support.programmes import command_reply

LONDON = ZoneInfo("Europe/London")
# Thursday 16 March 2017, 10:00 in London.
SESSION_START = datetime(2017, 3, 16, 10, 0, tzinfo=LONDON)


def test_an_empty_policy_is_todays_behaviour() -> None:
    policy = parse_policy({})

    assert policy.days_for(SessionKind.WORKSHOP) == (14, 2, 0)
    assert [p.name for p in policy.points_for(SessionKind.WORKSHOP)] == [
        "14-days",
        "2-days",
        "on-the-day",
    ]
    assert (policy.start, policy.end, policy.quorum) == (time(9), time(17), 0.5)


def test_a_policy_survives_being_stored() -> None:
    policy = (
        ReminderPolicy()
        .with_days("action_learning_set", "0,21,2,7")
        .with_hours("08:30-16:30")
        .with_quorum("60%")
    )

    again = parse_policy(policy.to_json())

    assert again == policy
    assert again.days_for(SessionKind.ACTION_LEARNING_SET) == (21, 7, 2, 0)
    assert again.days_for(SessionKind.WORKSHOP) == (14, 2, 0)
    assert again.hours.start == time(8, 30)
    assert again.quorum == 0.6


def test_all_replaces_every_kinds_days() -> None:
    policy = ReminderPolicy().with_days("workshop", "30,1").with_days("all", "7,1")

    assert policy.days_for(SessionKind.WORKSHOP) == (7, 1)
    assert policy.days_by_kind == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("workshop", "14,two"), "'two' is not a number of days"),
        (("workshop", "14,14"), "only once"),
        (("workshop", "-1"), "'-1' is not a number of days"),
        (("workshop", "120"), "'120' is not a number of days"),
        (("party", "14"), "'party' is not a session kind"),
        (("hours", "17:00-09:00"), "end after it starts"),
        (("hours", "nine to five"), "not a range of hours"),
        (("quorum", "150%"), "at most 1"),
    ],
)
def test_bad_changes_are_refused_clearly(change: tuple[str, str], message: str) -> None:
    what, value = change
    policy = ReminderPolicy()
    with pytest.raises(InvalidInput, match=message):
        if what == "hours":
            policy.with_hours(value)
        elif what == "quorum":
            policy.with_quorum(value)
        else:
            policy.with_days(what, value)


def due(db: sessionmaker[Session], now: datetime) -> list[tuple[str, datetime]]:
    with unit_of_work(db) as session:
        return [(r.point, r.due_at) for r in due_reminders(session, now)]


def test_the_planner_follows_the_programmes_policy_for_the_sessions_kind(
    db: sessionmaker[Session],
) -> None:
    with unit_of_work(db) as session:
        programme_session, _ = programme_with_session(session, starts_at=SESSION_START)
        programme = programme_session.cohort.programme
        programme.reminder_policy = (
            ReminderPolicy().with_days("action_learning_set", "21,7,2,0").with_hours("08:30-16:30")
        ).to_json()

    # 21 days before is Thursday 23 February, at 08:30.
    assert due(db, datetime(2017, 2, 23, 8, 29, tzinfo=LONDON)) == []
    assert due(db, datetime(2017, 2, 23, 8, 30, tzinfo=LONDON)) == [
        ("21-days", datetime(2017, 2, 23, 8, 30, tzinfo=LONDON))
    ]
    assert due(db, datetime(2017, 3, 9, 12, 0, tzinfo=LONDON))[0][0] == "7-days"


def test_other_kinds_keep_the_default(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        programme_session, _ = programme_with_session(
            session, starts_at=SESSION_START, kind=SessionKind.WORKSHOP
        )
        programme_session.cohort.programme.reminder_policy = (
            ReminderPolicy().with_days("action_learning_set", "21,7,2,0").to_json()
        )

    assert due(db, datetime(2017, 2, 23, 12, 0, tzinfo=LONDON)) == []
    assert due(db, datetime(2017, 3, 2, 9, 0, tzinfo=LONDON))[0][0] == "14-days"


def test_a_broken_stored_policy_falls_back_to_the_defaults(db: sessionmaker[Session]) -> None:
    with unit_of_work(db) as session:
        programme_session, _ = programme_with_session(session, starts_at=SESSION_START)
        programme_session.cohort.programme.reminder_policy = {"days": {"all": "soon"}}

    assert due(db, datetime(2017, 3, 2, 9, 0, tzinfo=LONDON))[0][0] == "14-days"


def setup_programme(runtime: Runtime) -> None:
    with unit_of_work(runtime.session_factory) as session:
        programme_with_session(session, starts_at=SESSION_START, people={PARTICIPANT: None})


def stored_policy(runtime: Runtime) -> dict[str, object]:
    with unit_of_work(runtime.session_factory) as session:
        return dict(session.scalars(select(Programme)).one().reminder_policy)


def test_anyone_can_read_the_policy(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup_programme(runtime)

    reply = command_reply(slack, standin, PARTICIPANT, 'reminders "aspiring directors"')

    assert "*Reminders for Aspiring Directors*" in reply
    assert "Every session: 14 days before, 2 days before, on the day" in reply
    assert "Sent 09:00-17:00, Monday to Friday" in reply
    assert "Quorum for action learning sets: 50%" in reply
    assert "Change with" not in reply


def test_a_coordinator_changes_the_days_hours_and_quorum(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup_programme(runtime)
    name = '"Aspiring Directors"'

    command_reply(slack, standin, COORDINATOR, f"reminders {name} action_learning_set 21,7,2,0")
    command_reply(slack, standin, COORDINATOR, f"reminders {name} hours 08:30-16:30")
    reply = command_reply(slack, standin, COORDINATOR, f"reminders {name} quorum 60%")

    assert "Action learning set: 21 days before, 7 days before, 2 days before, on the day" in reply
    assert "Other sessions: 14 days before, 2 days before, on the day" in reply
    assert "Sent 08:30-16:30" in reply
    assert "Quorum for action learning sets: 60%" in reply
    assert stored_policy(runtime) == {
        "days": {"all": [14, 2, 0], "action_learning_set": [21, 7, 2, 0]},
        "hours": "08:30-16:30",
        "quorum": 0.6,
    }
    with unit_of_work(runtime.session_factory) as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "programme.reminder_policy")
            .order_by(AuditEvent.id)
        ).all()
        assert [actor_of(session, e) for e in events] == [COORDINATOR] * 3
        assert events[0].before == {}
        assert events[1].before is not None and events[1].before["hours"] == "09:00-17:00"


def test_participants_cannot_change_the_policy(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup_programme(runtime)

    reply = command_reply(slack, standin, PARTICIPANT, 'reminders "Aspiring Directors" all 1')

    assert "coordinator" in reply
    assert stored_policy(runtime) == {}


def test_a_bad_change_says_why_and_changes_nothing(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup_programme(runtime)

    reply = command_reply(
        slack, standin, COORDINATOR, 'reminders "Aspiring Directors" workshop 14,fortnight'
    )
    unknown = command_reply(slack, standin, COORDINATOR, 'reminders "Nope" all 7')

    assert "'fortnight' is not a number of days" in reply
    assert "No programme called 'Nope'" in unknown
    assert stored_policy(runtime) == {}


def test_reminders_without_a_programme_explains_itself(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    reply = command_reply(slack, standin, COORDINATOR, "reminders")

    assert 'Use `/cohort reminders "&lt;programme&gt;"`' in reply
