"""An action learning set short of people who said they will come alerts its facilitator."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.reminders.policy import ReminderPolicy
from bot.runtime import Runtime
from bot.standin import SlackStandin
from db.engine import unit_of_work
from db.enums import RsvpStatus, SessionKind
from db.models import Invitation, Person, Programme
from scheduling.clock_process import run_once
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.support.people import programme_with_session

LONDON = ZoneInfo("Europe/London")
SESSION_START = datetime(2017, 3, 16, 10, 0, tzinfo=LONDON)
WEEK_BEFORE = datetime(2017, 3, 9, 9, 0, tzinfo=LONDON)
FACILITATOR = "UFACIL01"
OTHERS = ("UPART002", "UPART003")


def setup(
    runtime: Runtime,
    standin: SlackStandin,
    replies: dict[str, RsvpStatus],
    *,
    kind: SessionKind = SessionKind.ACTION_LEARNING_SET,
    quorum: str | None = None,
) -> None:
    standin.add_user(FACILITATOR, name="Fran Facilitator")
    for user in OTHERS:
        standin.add_user(user, name=f"Person {user}")
    with unit_of_work(runtime.session_factory) as session:
        programme_session, invitations = programme_with_session(
            session,
            starts_at=SESSION_START,
            people={PARTICIPANT: None, **dict.fromkeys(OTHERS)},
            kind=kind,
        )
        programme_session.facilitator = Person(slack_user_id=FACILITATOR, name="Fran")
        for invitation in invitations:
            user = str(invitation.enrolment.person.slack_user_id)
            invitation.rsvp = replies.get(user, RsvpStatus.NONE)
        if quorum:
            programme = session.scalars(select(Programme)).one()
            programme.reminder_policy = ReminderPolicy().with_quorum(quorum).to_json()


def test_facilitator_and_coordinators_are_alerted_once(
    runtime: Runtime, standin: SlackStandin
) -> None:
    setup(
        runtime,
        standin,
        {PARTICIPANT: RsvpStatus.ATTENDING, OTHERS[0]: RsvpStatus.NOT_ATTENDING},
    )
    before = {
        r.tick_id: r.summary
        for r in run_once(runtime.tick_dependencies(), datetime(2017, 3, 8, 16, 0, tzinfo=LONDON))
    }

    results = {r.tick_id: r.summary for r in run_once(runtime.tick_dependencies(), WEEK_BEFORE)}
    run_once(runtime.tick_dependencies(), datetime(2017, 3, 10, 9, 0, tzinfo=LONDON))

    assert before["check-quorum"] == "owed 0 quorum alert(s)"
    assert results["check-quorum"] == "owed 2 quorum alert(s)"
    (to_facilitator,) = standin.messages_in(FACILITATOR)
    (to_coordinator,) = standin.messages_in(COORDINATOR)
    assert to_facilitator.text == to_coordinator.text
    assert to_facilitator.text.startswith(
        "*Action learning set 1* (Thu 16 Mar, 10:00) may be short: only 1 of 3 invited has "
        "said they will come (at least 50% are needed)."
    )
    assert f"Can't make it: <@{OTHERS[0]}>" in to_facilitator.text
    assert f"Not replied yet: <@{OTHERS[1]}>" in to_facilitator.text


def test_no_alert_when_half_are_coming(runtime: Runtime, standin: SlackStandin) -> None:
    setup(runtime, standin, {PARTICIPANT: RsvpStatus.ATTENDING, OTHERS[0]: RsvpStatus.ATTENDING})

    run_once(runtime.tick_dependencies(), WEEK_BEFORE)

    assert standin.messages_in(FACILITATOR) == []


def test_the_quorum_is_configurable(runtime: Runtime, standin: SlackStandin) -> None:
    setup(
        runtime,
        standin,
        {PARTICIPANT: RsvpStatus.ATTENDING, OTHERS[0]: RsvpStatus.ATTENDING},
        quorum="80%",
    )

    run_once(runtime.tick_dependencies(), WEEK_BEFORE)

    (alert,) = standin.messages_in(FACILITATOR)
    assert "only 2 of 3 invited have said they will come (at least 80% are needed)" in alert.text


def test_only_action_learning_sets_have_a_quorum(runtime: Runtime, standin: SlackStandin) -> None:
    setup(runtime, standin, {}, kind=SessionKind.WORKSHOP)

    run_once(runtime.tick_dependencies(), WEEK_BEFORE)

    assert standin.messages_in(FACILITATOR) == []


def test_a_moved_session_is_checked_afresh(runtime: Runtime, standin: SlackStandin) -> None:
    setup(runtime, standin, {})
    run_once(runtime.tick_dependencies(), WEEK_BEFORE)
    with unit_of_work(runtime.session_factory) as session:
        invitation = session.scalars(select(Invitation).order_by(Invitation.id)).first()
        assert invitation is not None
        invitation.session.starts_at = datetime(2017, 3, 23, 10, 0, tzinfo=LONDON)
        invitation.session.ends_at = datetime(2017, 3, 23, 13, 0, tzinfo=LONDON)

    run_once(runtime.tick_dependencies(), datetime(2017, 3, 16, 9, 0, tzinfo=LONDON))

    assert len(standin.messages_in(FACILITATOR)) == 2
