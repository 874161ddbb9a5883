"""Outcomes through Slack: reporting from the App Home, confirming and rejecting, and the list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.runtime import Runtime
from bot.slack.ids.outcomes import ActionId, CallbackId, Field
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import OutcomeKind
from db.models import Outcome
from scheduling.delivery import deliver_due
from tests.fixtures.bot import COORDINATOR, NOW, PARTICIPANT
from tests.home.test_home import open_home
from tests.support.programmes import (
    chosen,
    command_reply,
    make_cohort,
    make_person,
    open_modal,
    picked_date,
    submit,
    text,
)

OTHER = "UPART002"


def mention(user_id: str) -> str:
    return f"<@{user_id}|someone>"


def setup(runtime: Runtime, standin: SlackStandin) -> None:
    standin.add_user(OTHER, name="Olly Other", email="olly@example.nhs.uk")
    with unit_of_work(runtime.session_factory) as session:
        cohort = make_cohort(session)
        make_person(session, cohort, "Pat Participant", slack_user_id=PARTICIPANT)
        make_person(session, cohort, "Olly Other", slack_user_id=OTHER)


def new_role(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        Field.KIND: chosen(OutcomeKind.PERMANENT_DIRECTOR),
        Field.ROLE_TITLE: text("Director of Operations"),
        Field.ORGANISATION: text("Bradford District Care"),
        Field.STARTED_ON: picked_date("2017-01-23"),
        **changes,
    }


def button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return {**element, "block_id": block.get("block_id", "")}
    raise AssertionError(f"no {action_id} button")


def outcomes_stored(runtime: Runtime) -> list[tuple[str | None, OutcomeKind, str | None]]:
    with unit_of_work(runtime.session_factory) as session:
        rows = session.scalars(select(Outcome).order_by(Outcome.id))
        return [(r.person.slack_user_id, r.kind, r.confirmed_by) for r in rows]


def report_from_home(slack: SlackSender, standin: SlackStandin) -> dict[str, Any]:
    """Press 'Report a new role' on the Home tab and submit the modal; returns the answer."""
    assert "Report a new role" in open_home(slack, standin, PARTICIPANT)
    home = standin.home_view(PARTICIPANT)
    assert home is not None
    before = set(standin.views)
    payload = standin.block_actions(
        user_id=PARTICIPANT, actions=[button(home.view["blocks"], ActionId.REPORT)], view_id=home.id
    )
    assert slack.interaction(payload).status == 200
    view_id = new_view(standin, before)
    assert standin.views[view_id].view["callback_id"] == CallbackId.RECORD
    return submit(slack, standin, view_id, PARTICIPANT, **new_role())


def new_view(standin: SlackStandin, before: set[str]) -> str:
    """The id of the modal opened since `before` was taken."""
    return str(standin.wait_for(lambda: next((v for v in standin.views if v not in before), None)))


def press_in_dm(slack: SlackSender, standin: SlackStandin, user_id: str, action_id: str) -> None:
    (dm,) = standin.messages_in(user_id)
    payload = standin.block_actions(
        user_id=user_id,
        actions=[button(dm.blocks or [], action_id)],
        channel_id=dm.channel,
        message={"ts": dm.ts, "text": dm.text, "blocks": dm.blocks},
    )
    assert slack.interaction(payload).status == 200


def test_a_participant_reports_a_new_role_from_home_and_a_coordinator_confirms_it(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)

    answer = report_from_home(slack, standin)

    saved = answer["view"]["blocks"][0]["text"]["text"]
    assert "A coordinator will confirm it; I'll tell you when they do." in saved
    assert outcomes_stored(runtime) == [(PARTICIPANT, OutcomeKind.PERMANENT_DIRECTOR, None)]
    standin.wait_for(lambda: "awaiting confirmation" in str(standin.home_view(PARTICIPANT)))
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)
    (asked,) = standin.messages_in(COORDINATOR)
    assert "A participant has reported a new role" in asked.text
    assert "*Director of Operations* at Bradford District Care, from Mon 23 Jan 2017" in asked.text

    press_in_dm(slack, standin, COORDINATOR, ActionId.CONFIRM)

    _, reply = standin.wait_for_response(lambda p: "Confirmed:" in p.get("text", ""))
    assert "They have been told." in reply["text"]
    assert outcomes_stored(runtime) == [(PARTICIPANT, OutcomeKind.PERMANENT_DIRECTOR, COORDINATOR)]
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)
    (told,) = standin.messages_in(PARTICIPANT)
    assert "Your new role is confirmed and counts" in told.text
    assert "from Mon 23 Jan 2017: confirmed" in open_home(slack, standin, PARTICIPANT)


def test_a_coordinator_rejects_a_report_with_a_reason_the_participant_is_told(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    report_from_home(slack, standin)
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)
    before = set(standin.views)

    press_in_dm(slack, standin, COORDINATOR, ActionId.REJECT)

    view_id = new_view(standin, before)
    assert standin.views[view_id].view["callback_id"] == CallbackId.REJECT
    empty = submit(slack, standin, view_id, COORDINATOR, **{Field.REASON: text(" ")})
    assert list(empty["errors"]) == [Field.REASON]
    done = submit(
        slack, standin, view_id, COORDINATOR, **{Field.REASON: text("It is an acting role")}
    )
    assert "Rejected:" in done["view"]["blocks"][0]["text"]["text"]
    assert outcomes_stored(runtime) == []
    deliver_due(runtime.tick_dependencies().uow, runtime.client, NOW)
    (told,) = standin.messages_in(PARTICIPANT)
    assert "Their reason: It is an acting role" in told.text


def test_coordinators_record_an_outcome_that_counts_at_once_and_list_them_all(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)
    report_from_home(slack, standin)
    view_id = open_modal(slack, standin, COORDINATOR, f"outcome {mention(OTHER)}")
    assert "Recording a new role for *Olly Other*" in str(standin.views[view_id].view["blocks"][0])

    answer = submit(
        slack,
        standin,
        view_id,
        COORDINATOR,
        **new_role(
            **{Field.KIND: chosen(OutcomeKind.SECONDMENT), Field.ROLE_TITLE: text("Secondee")}
        ),
    )

    assert "It is confirmed and counts." in answer["view"]["blocks"][0]["text"]["text"]
    reply = command_reply(slack, standin, COORDINATOR, "outcomes")
    assert "*Outcomes*: 1 confirmed, 1 awaiting confirmation." in reply
    assert f"<@{OTHER}>: Secondment, *Secondee* at Bradford District Care" in reply
    listed = standin.responses[-1][1]
    confirm = button(listed["blocks"], ActionId.CONFIRM)
    assert confirm["value"] == str(1)


def test_mistakes_show_inline(runtime: Runtime, slack: SlackSender, standin: SlackStandin) -> None:
    setup(runtime, standin)
    view_id = open_modal(slack, standin, PARTICIPANT, "outcome")

    answer = submit(
        slack, standin, view_id, PARTICIPANT, **new_role(**{Field.ROLE_TITLE: text("")})
    )

    assert answer == {
        "response_action": "errors",
        "errors": {Field.ROLE_TITLE: "Give the role title."},
    }
    assert outcomes_stored(runtime) == []


def test_non_coordinators_are_refused(
    runtime: Runtime, slack: SlackSender, standin: SlackStandin
) -> None:
    setup(runtime, standin)

    assert "only programme coordinators can do that" in command_reply(
        slack, standin, PARTICIPANT, "outcomes"
    )
    refused = command_reply(slack, standin, PARTICIPANT, f"outcome {mention(OTHER)}")
    assert "you can only report your own new role" in refused
    assert standin.calls_to("views.open") == []
