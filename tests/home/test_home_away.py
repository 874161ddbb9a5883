"""Going away from the App Home: 'I'm away' opens a modal that pauses reminders; 'I'm back' ends it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.core import outbox
from bot.core.audit import actor_of, values_of
from bot.runtime import Runtime
from bot.slack.blocks import notice
from bot.slack.ids.participation import LAST_DAY_INPUT, ActionId, BlockId, CallbackId
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import EnrolmentStatus, OutboundState
from db.models import AuditEvent, Enrolment, OutboundMessage
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.home.test_home import open_home
from tests.reminders.test_leave import enrolment, setup
from tests.support.programmes import command_reply


def home_button(standin: SlackStandin, action_id: str) -> tuple[str, dict[str, Any]] | None:
    """The block id and the button with `action_id` on the participant's Home tab, if shown."""
    home = standin.home_view(PARTICIPANT)
    assert home is not None
    for block in home.view["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(block.get("block_id", "")), element
    return None


def press(slack: SlackSender, standin: SlackStandin, action_id: str) -> None:
    """Press a button on the participant's Home tab."""
    found = home_button(standin, action_id)
    assert found is not None, f"no {action_id} button on the Home tab"
    block_id, button = found
    home = standin.home_view(PARTICIPANT)
    assert home is not None
    payload = standin.block_actions(
        user_id=PARTICIPANT, actions=[{**button, "block_id": block_id}], view_id=home.id
    )
    assert slack.interaction(payload).status == 200


def opened_modal(standin: SlackStandin) -> dict[str, Any]:
    call = standin.wait_for(lambda: standin.calls_to("views.open"))[0]
    assert (call.status, call.error) == (200, None)
    return dict(call.response["view"])


def submit(standin: SlackStandin, slack: SlackSender, view_id: str, day: str | None) -> Any:
    values: dict[str, dict[str, dict[str, Any]]] = {
        BlockId.LAST_DAY: {LAST_DAY_INPUT: {"type": "datepicker", "selected_date": day}}
    }
    result = slack.interaction(standin.view_submission(view_id, user_id=PARTICIPANT, values=values))
    assert result.status == 200
    return result.json()


def home_shows(standin: SlackStandin, text: str) -> bool:
    home = standin.home_view(PARTICIPANT)
    return home is not None and text in str(home.view["blocks"])


def test_a_participant_goes_away_from_the_home_tab_and_sees_reminders_paused(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime)
    with unit_of_work(runtime.session_factory) as session:
        outbox.enqueue(
            session,
            recipient=PARTICIPANT,
            kind=outbox.SESSION_REMINDER_KIND,
            message=notice("A reminder"),
            due_at=NOW + timedelta(hours=1),
            idempotency_key="reminder",
            enrolment_id=session.scalars(select(Enrolment.id)).one(),
        )
    text = open_home(slack, standin, PARTICIPANT)
    assert "I'm away" in text
    assert "Reminders paused" not in text
    assert home_button(standin, ActionId.BACK) is None

    press(slack, standin, ActionId.AWAY)
    modal = opened_modal(standin)
    assert modal["callback_id"] == CallbackId.AWAY
    assert modal["blocks"][1]["hint"]["text"].startswith("Today or later, up to Thu 1 Feb 2018.")
    answer = submit(standin, slack, modal["id"], "2017-02-10")

    assert answer["response_action"] == "update"
    assert answer["view"]["blocks"][0]["text"]["text"].startswith(
        "Got it: you're away until Fri 10 Feb 2017."
    )
    assert "Press *I'm back* on my Home tab." in answer["view"]["blocks"][0]["text"]["text"]
    assert standin.views[modal["id"]].view["title"]["text"] == "Reminders paused"
    assert enrolment(runtime).away_until == date(2017, 2, 10)
    with unit_of_work(runtime.session_factory) as session:
        assert session.scalars(select(OutboundMessage.state)).one() == OutboundState.CANCELLED
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "enrolment.away"))
        assert [(actor_of(session, a), values_of(session, a)[1]) for a in audit] == [
            (PARTICIPANT, {"away_until": "2017-02-10"})
        ]
    standin.wait_for(lambda: home_shows(standin, "Reminders paused until Fri 10 Feb."))
    assert home_button(standin, ActionId.BACK) is not None
    assert home_button(standin, ActionId.AWAY) is None


def test_past_far_off_and_missing_dates_are_refused_on_the_field_and_nothing_changes(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime)
    open_home(slack, standin, PARTICIPANT)
    press(slack, standin, ActionId.AWAY)
    modal = opened_modal(standin)

    past = submit(standin, slack, modal["id"], "2017-01-31")
    far = submit(standin, slack, modal["id"], "2018-02-02")
    missing = submit(standin, slack, modal["id"], None)

    assert past == {
        "response_action": "errors",
        "errors": {BlockId.LAST_DAY: "That date has passed: give the last day you will be away."},
    }
    assert far["errors"][BlockId.LAST_DAY].startswith(
        "That is more than a year away: give a last day away no later than Thu 1 Feb 2018"
    )
    assert missing["errors"] == {BlockId.LAST_DAY: "Pick the last day you will be away."}
    assert enrolment(runtime).away_until is None
    with unit_of_work(runtime.session_factory) as session:
        changes = select(AuditEvent.id).where(AuditEvent.action == "enrolment.away")
        assert session.scalars(changes).all() == []

    # The last day allowed, a year on, is accepted.
    assert submit(standin, slack, modal["id"], "2018-02-01")["response_action"] == "update"
    assert enrolment(runtime).away_until == date(2018, 2, 1)


def test_im_back_turns_reminders_on_at_once_and_redraws_the_home_tab(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime)
    command_reply(slack, standin, PARTICIPANT, "away 2017-03-31")
    text = open_home(slack, standin, PARTICIPANT)
    assert "Reminders paused until Fri 31 Mar." in text
    assert "I'm back" in text
    published = len(standin.calls_to("views.publish"))

    press(slack, standin, ActionId.BACK)

    standin.wait_for(lambda: standin.calls_to("views.publish")[published:])
    assert enrolment(runtime).away_until is None
    assert not home_shows(standin, "Reminders paused")
    assert home_button(standin, ActionId.AWAY) is not None
    assert home_button(standin, ActionId.BACK) is None
    assert standin.calls_to("views.open") == []


def test_an_away_date_that_has_passed_is_not_shown(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime)
    with unit_of_work(runtime.session_factory) as session:
        session.scalars(select(Enrolment)).one().away_until = date(2017, 1, 31)

    text = open_home(slack, standin, PARTICIPANT)

    assert "Reminders paused" not in text
    assert home_button(standin, ActionId.AWAY) is not None


def test_people_not_on_a_programme_have_no_button_and_a_stale_one_explains(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    assert "I'm away" not in open_home(slack, standin, COORDINATOR)
    setup(runtime)
    command_reply(slack, standin, PARTICIPANT, "away 2017-03-31")
    open_home(slack, standin, PARTICIPANT)
    with unit_of_work(runtime.session_factory) as session:
        session.scalars(select(Enrolment)).one().status = EnrolmentStatus.WITHDRAWN
    published = len(standin.calls_to("views.publish"))

    press(slack, standin, ActionId.BACK)

    told = opened_modal(standin)
    assert "You are not on any programme at the moment" in told["blocks"][0]["text"]["text"]
    standin.wait_for(lambda: standin.calls_to("views.publish")[published:])
    assert home_button(standin, ActionId.BACK) is None
    assert home_button(standin, ActionId.AWAY) is None
