"""Someone Slack says is gone costs at most two calls, whatever the passes, until they are back."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, select

from bot.core import outbox
from bot.runtime import Runtime
from bot.slack.blocks import notice
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import OutboundState
from db.models import AuditEvent, OutboundMessage
from scheduling.delivery import deliver_due
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.support.programmes import command_reply

GONE = "UGONE0001"


def owe(runtime: Runtime, key: str, *, recipient: str = GONE, at: timedelta = timedelta(0)) -> None:
    with unit_of_work(runtime.session_factory) as session:
        outbox.enqueue(
            session,
            recipient=recipient,
            kind="test",
            message=notice(f"message {key}"),
            due_at=NOW + at,
            idempotency_key=key,
        )


def deliver(runtime: Runtime, at: timedelta = timedelta(0)) -> str:
    deps = runtime.tick_dependencies()
    return str(deliver_due(deps.uow, deps.client, NOW + at))


def calls_about(standin: SlackStandin, user_id: str) -> int:
    addresses = {user_id, standin.im_channel_id(user_id)}
    return sum(
        bool(addresses & {call.args.get("channel"), call.args.get("users")})
        for call in standin.calls
    )


def states(runtime: Runtime, recipient: str) -> list[OutboundState]:
    with unit_of_work(runtime.session_factory) as session:
        return list(
            session.scalars(
                select(OutboundMessage.state)
                .where(OutboundMessage.recipient == recipient)
                .order_by(OutboundMessage.id)
            )
        )


def user_change(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin, *, deleted: bool
) -> None:
    """Send the event, and wait for the bot (which answers first, then acts) to have acted."""
    user = standin.workspace.users[GONE]
    user.deleted = deleted
    with unit_of_work(runtime.session_factory) as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    result = slack.event({"type": "user_change", "user": user.to_api()})
    assert result.status == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with unit_of_work(runtime.session_factory) as session:
            if session.scalar(select(func.count()).select_from(AuditEvent)) != before:
                return
        time.sleep(0.05)
    raise AssertionError("the user_change event was not acted on")


def test_a_deactivated_person_costs_at_most_two_calls_over_ten_passes(
    runtime: Runtime, standin: SlackStandin
) -> None:
    standin.add_user(GONE, name="Gone", deleted=True)
    for n in range(10):
        owe(runtime, f"gone-{n}", at=timedelta(hours=n))
        owe(runtime, f"here-{n}", recipient=PARTICIPANT, at=timedelta(hours=n))
        deliver(runtime, timedelta(hours=n))

    assert calls_about(standin, GONE) <= 2
    assert len(standin.messages_in(PARTICIPANT)) == 10  # everyone else is unaffected
    assert states(runtime, GONE) == [OutboundState.FAILED] + [OutboundState.UNDELIVERABLE] * 9
    (alert,) = standin.messages_in(COORDINATOR)
    assert "<@UGONE0001>" in alert.text and "deactivated" in alert.text


def test_coordinators_see_who_is_unreachable_and_can_resume_sending(
    runtime: Runtime, standin: SlackStandin, slack: SlackSender
) -> None:
    standin.add_user(GONE, name="Gone", deleted=True)
    owe(runtime, "first")
    deliver(runtime)
    owe(runtime, "second", at=timedelta(hours=1))
    owe(runtime, "third", at=timedelta(hours=1))
    deliver(runtime, timedelta(hours=1))

    listed = command_reply(slack, standin, COORDINATOR, "unreachable")
    assert "<@UGONE0001>: account deactivated since" in listed
    assert "2 messages held back" in listed
    assert "Wed 1 Feb" in listed

    refused = command_reply(slack, standin, COORDINATOR, f"unreachable clear <@{PARTICIPANT}>")
    assert "not marked unreachable" in refused
    assert "only programme coordinators" in command_reply(
        slack, standin, PARTICIPANT, "unreachable"
    )

    standin.workspace.users[GONE].deleted = False
    resumed = command_reply(slack, standin, COORDINATOR, f"unreachable clear <@{GONE}>")
    assert "2 held-back messages queued" in resumed
    deliver(runtime, timedelta(hours=2))
    assert [m.text for m in standin.messages_in(GONE)] == ["message second", "message third"]
    assert "Everyone can be reached" in command_reply(slack, standin, COORDINATOR, "unreachable")
    with unit_of_work(runtime.session_factory) as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "person.reachable" in actions


def test_slack_saying_someone_left_and_came_back_stops_then_resumes_sending(
    runtime: Runtime, standin: SlackStandin, slack: SlackSender
) -> None:
    standin.add_user(GONE, name="Gone")
    owe(runtime, "before", at=timedelta(hours=1))

    user_change(runtime, slack, standin, deleted=True)
    deliver(runtime, timedelta(hours=1))
    assert calls_about(standin, GONE) == 0
    assert states(runtime, GONE) == [OutboundState.UNDELIVERABLE]

    user_change(runtime, slack, standin, deleted=False)
    deliver(runtime, timedelta(hours=1))
    assert [m.text for m in standin.messages_in(GONE)] == ["message before"]
