"""Reminders reach people in Slack, and their replies come back through the buttons."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select

from bot.runtime import Runtime
from bot.slack.ids.reminders import REASON_INPUT, ActionId, BlockId
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import RsvpStatus
from db.models import Invitation
from scheduling.clock_process import run_once
from tests.fixtures.bot import COORDINATOR, PARTICIPANT
from tests.support.people import programme_with_session

LONDON = ZoneInfo("Europe/London")
SESSION_START = datetime(2017, 3, 16, 10, 0, tzinfo=LONDON)
TWO_DAYS_BEFORE = datetime(2017, 3, 14, 9, 0, tzinfo=LONDON)


def remind(runtime: Runtime, standin: SlackStandin, *, compulsory: bool = True) -> Any:
    with unit_of_work(runtime.session_factory) as session:
        programme_with_session(
            session, starts_at=SESSION_START, compulsory=compulsory, people={PARTICIPANT: None}
        )
    results = {r.tick_id: r.summary for r in run_once(runtime.tick_dependencies(), TWO_DAYS_BEFORE)}
    assert results["plan-reminders"] == "owed 1 reminder(s)"
    (reminder,) = standin.messages_in(PARTICIPANT)
    return reminder


def click(
    slack: SlackSender, standin: SlackStandin, user: str, reminder: Any, action_id: str
) -> None:
    (actions,) = [block for block in reminder.blocks if block.get("block_id") == BlockId.ACTIONS]
    (button,) = [element for element in actions["elements"] if element["action_id"] == action_id]
    payload = standin.block_actions(
        user_id=user,
        actions=[{**button, "block_id": BlockId.ACTIONS}],
        channel_id=reminder.channel,
        message={"ts": reminder.ts, "text": reminder.text, "blocks": reminder.blocks},
    )
    assert slack.interaction(payload).status == 200


def reply(runtime: Runtime) -> tuple[RsvpStatus, str | None]:
    with unit_of_work(runtime.session_factory) as session:
        invitation = session.scalars(select(Invitation)).one()
        return invitation.rsvp, invitation.rsvp_reason


def test_reminder_says_when_where_and_whether_compulsory(
    runtime: Runtime, standin: SlackStandin
) -> None:
    reminder = remind(runtime, standin)

    assert "*Action learning set 1* is in 2 days: Thu 16 Mar, 10:00 to 13:00." in reminder.text
    assert "Where: Leeds" in reminder.text
    assert "This session is compulsory." in reminder.text
    buttons = [
        e["text"]["text"]
        for b in reminder.blocks
        if b.get("block_id") == BlockId.ACTIONS
        for e in b["elements"]
    ]
    assert buttons == ["I'll be there", "Can't make it", "Add to calendar"]


def test_ill_be_there_is_recorded_and_shown_on_the_reminder(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    reminder = remind(runtime, standin)

    click(slack, standin, PARTICIPANT, reminder, ActionId.ATTENDING)

    _, updated = standin.wait_for(lambda: standin.responses[-1] if standin.responses else None)
    assert updated["replace_original"] is True
    assert "You said you'll be there" in updated["text"]
    assert reply(runtime) == (RsvpStatus.ATTENDING, None)


def test_cant_make_it_asks_why_then_updates_the_reminder_and_tells_coordinators(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    reminder = remind(runtime, standin)

    click(slack, standin, PARTICIPANT, reminder, ActionId.NOT_ATTENDING)
    opened = standin.wait_for("views.open")
    view_id = opened.response["view"]["id"]

    empty = slack.interaction(
        standin.view_submission(
            view_id,
            user_id=PARTICIPANT,
            values={BlockId.REASON: {REASON_INPUT: {"type": "plain_text_input", "value": "  "}}},
        )
    )
    assert empty.json() == {
        "response_action": "errors",
        "errors": {BlockId.REASON: "Please say briefly why you can't come."},
    }
    assert reply(runtime) == (RsvpStatus.NONE, None)

    sent = slack.interaction(
        standin.view_submission(
            view_id,
            user_id=PARTICIPANT,
            values={
                BlockId.REASON: {
                    REASON_INPUT: {"type": "plain_text_input", "value": "Board meeting <!here>"}
                }
            },
        )
    )
    assert sent.status == 200

    update = standin.wait_for("chat.update")
    assert update.args["ts"] == reminder.ts
    assert "You said you can't make it (Board meeting &lt;!here&gt;)" in update.args["text"]
    assert reply(runtime) == (RsvpStatus.NOT_ATTENDING, "Board meeting <!here>")
    run_once(runtime.tick_dependencies(), TWO_DAYS_BEFORE)
    (alert,) = standin.messages_in(COORDINATOR)
    assert f"<@{PARTICIPANT}> can't make it to *Action learning set 1*" in alert.text
    assert "&lt;!here&gt;" in alert.text


def test_an_optional_session_absence_does_not_alert_coordinators(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    reminder = remind(runtime, standin, compulsory=False)
    click(slack, standin, PARTICIPANT, reminder, ActionId.NOT_ATTENDING)
    view_id = standin.wait_for("views.open").response["view"]["id"]

    slack.interaction(
        standin.view_submission(
            view_id,
            user_id=PARTICIPANT,
            values={BlockId.REASON: {REASON_INPUT: {"type": "plain_text_input", "value": "Leave"}}},
        )
    )
    standin.wait_for("chat.update")
    run_once(runtime.tick_dependencies(), TWO_DAYS_BEFORE)

    assert standin.messages_in(COORDINATOR) == []


def test_a_forwarded_reminder_cannot_be_answered_by_someone_else(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    reminder = remind(runtime, standin)

    click(slack, standin, COORDINATOR, reminder, ActionId.ATTENDING)

    _, answer = standin.wait_for(lambda: standin.responses[-1] if standin.responses else None)
    assert answer["replace_original"] is False
    assert "only they can reply" in answer["text"]
    assert reply(runtime) == (RsvpStatus.NONE, None)


def test_add_to_calendar_sends_the_session_as_ics(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    reminder = remind(runtime, standin)

    click(slack, standin, PARTICIPANT, reminder, ActionId.CALENDAR)

    standin.wait_for("files.completeUploadExternal")
    (uploaded,) = standin.files.values()
    assert uploaded.content is not None
    (event,) = icalendar.Calendar.from_ical(uploaded.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Action learning set 1"
    assert event.decoded("DTSTART") == SESSION_START


def test_a_reminder_still_owed_when_the_session_starts_is_cancelled(
    runtime: Runtime, standin: SlackStandin
) -> None:
    with unit_of_work(runtime.session_factory) as session:
        programme_with_session(session, starts_at=SESSION_START, people={PARTICIPANT: None})
    deps = runtime.tick_dependencies()
    from bot.reminders.reminders import owe_due_reminders
    from scheduling.delivery import deliver_due

    with unit_of_work(runtime.session_factory) as session:
        owe_due_reminders(session, TWO_DAYS_BEFORE)
    report = deliver_due(deps.uow, deps.client, SESSION_START)

    assert str(report) == "sent 0, failed 0, retrying 0, cancelled 1"
    assert standin.messages_in(PARTICIPANT) == []
