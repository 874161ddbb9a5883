"""Participants check in with a button sent as their session starts, during its window only."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.runtime import Runtime
from bot.slack.ids.attendance import ActionId
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import AttendanceStatus, RsvpStatus
from db.models import AuditEvent, Invitation
from scheduling.attendance import TICKS
from scheduling.clock_process import run_once
from scheduling.delivery import deliver_due
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.people import programme_with_session

SECOND = "UPART002"
AWAY = "UPART003"


def plan(runtime: Runtime, starts_at: datetime) -> None:
    """A session for three: one says they can't come, one is away, one is expected."""
    with unit_of_work(runtime.session_factory) as session:
        _, invitations = programme_with_session(
            session, starts_at=starts_at, people={PARTICIPANT: None, SECOND: None, AWAY: None}
        )
        invitations[1].rsvp, invitations[1].rsvp_reason = RsvpStatus.NOT_ATTENDING, "Leave"
        invitations[2].enrolment.away_until = (starts_at + timedelta(days=7)).date()


def check_in_dm(runtime: Runtime, standin: SlackStandin, starts_at: datetime) -> Any:
    """Plan the session and send the check-in DMs as it starts; returns PARTICIPANT's."""
    plan(runtime, starts_at)
    deps = runtime.tick_dependencies()
    results = {
        r.tick_id: r.summary for r in run_once(deps, starts_at - timedelta(minutes=30), TICKS)
    }
    assert results["plan-attendance"] == "owed 1 check-in(s) and 0 attendance prompt(s)"
    deliver_due(deps.uow, deps.client, starts_at)
    (dm,) = standin.messages_in(PARTICIPANT)
    assert standin.messages_in(SECOND) == standin.messages_in(AWAY) == []
    return dm


def press(slack: SlackSender, standin: SlackStandin, user: str, dm: Any) -> dict[str, Any]:
    """Press 'Check in' on the DM as `user`; returns the reply."""
    (button,) = [
        {**element, "block_id": block["block_id"]}
        for block in dm.blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ActionId.CHECK_IN
    ]
    seen = len(standin.responses)
    payload = standin.block_actions(
        user_id=user,
        actions=[button],
        channel_id=dm.channel,
        message={"ts": dm.ts, "text": dm.text, "blocks": dm.blocks},
    )
    assert slack.interaction(payload).status == 200
    standin.wait_for(lambda: len(standin.responses) > seen)
    return standin.responses[seen][1]


def checked_in(runtime: Runtime) -> tuple[AttendanceStatus, datetime | None, str | None]:
    with unit_of_work(runtime.session_factory) as session:
        invitation = session.scalars(select(Invitation).order_by(Invitation.id)).first()
        assert invitation is not None
        return (
            invitation.attendance,
            invitation.checked_in_at,
            invitation.attendance_recorded_by,
        )


def test_checking_in_during_the_session_marks_the_person_present(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    # The clock stands at NOW (09:00): the session starts at 09:10, check-in opened at 08:55.
    dm = check_in_dm(runtime, standin, NOW + timedelta(minutes=10))
    assert "*Action learning set 1* is starting (Wed 1 Feb, 09:10 to 12:10)" in dm.text

    reply = press(slack, standin, PARTICIPANT, dm)

    assert reply["replace_original"] is True
    assert "You checked in to *Action learning set 1* at 09:00" in reply["text"]
    assert checked_in(runtime) == (AttendanceStatus.PRESENT, NOW, PARTICIPANT)
    with unit_of_work(runtime.session_factory) as session:
        assert session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "invitation.check_in")
        ).all() == ["invitation.check_in"]


def test_check_in_before_the_window_opens_is_refused_politely(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    dm = check_in_dm(runtime, standin, NOW + timedelta(minutes=30))

    reply = press(slack, standin, PARTICIPANT, dm)

    assert reply["replace_original"] is False
    assert "opens at Wed 1 Feb, 09:15, 15 minutes before it starts" in reply["text"]
    assert checked_in(runtime) == (AttendanceStatus.UNKNOWN, None, None)


def test_check_in_after_the_session_ended_is_refused_politely(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    dm = check_in_dm(runtime, standin, NOW - timedelta(hours=4))

    reply = press(slack, standin, PARTICIPANT, dm)

    assert "has finished, so check-in is closed" in reply["text"]
    assert checked_in(runtime) == (AttendanceStatus.UNKNOWN, None, None)


def test_a_forwarded_check_in_cannot_be_used_by_someone_else(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    dm = check_in_dm(runtime, standin, NOW + timedelta(minutes=10))

    reply = press(slack, standin, COORDINATOR, dm)

    assert reply["replace_original"] is False
    assert "only they can reply" in reply["text"]
    assert checked_in(runtime) == (AttendanceStatus.UNKNOWN, None, None)


def test_a_check_in_not_sent_before_the_session_ended_is_cancelled(
    runtime: Runtime, standin: SlackStandin
) -> None:
    starts_at = NOW - timedelta(hours=4)
    plan(runtime, starts_at)
    deps = runtime.tick_dependencies()
    run_once(deps, starts_at, TICKS)

    report = deliver_due(deps.uow, deps.client, starts_at + timedelta(hours=3))

    assert str(report) == "sent 0, failed 0, retrying 0, cancelled 1"
    assert standin.messages_in(PARTICIPANT) == []


def test_check_ins_are_planned_once(runtime: Runtime) -> None:
    starts_at = NOW + timedelta(minutes=10)
    plan(runtime, starts_at)
    deps = runtime.tick_dependencies()
    run_once(deps, NOW, TICKS)

    results = {r.tick_id: r.summary for r in run_once(deps, NOW + timedelta(minutes=5), TICKS)}

    assert results["plan-attendance"] == "owed 0 check-in(s) and 0 attendance prompt(s)"
