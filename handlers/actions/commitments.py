"""Yes / Partly / Not yet on a commitment follow-up: open the note modal for its own participant."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.evaluations import commitments
from bot.slack.blocks.commitments import BUTTONS, answer_for, note_modal
from handlers.errors import GuardedApp
from handlers.request import SlackRequest, button_number


def handle_action_commitment(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
) -> None:
    """Open the note modal; someone other than the participant is refused (by the error guard)."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)
    with request.uow() as session:
        facts = commitments.follow_up_to_answer(
            session, follow_up_id=button_number(action), slack_user_id=request.user_id
        )
    container = body.get("container") or {}
    view = note_modal(
        facts,
        answer_for(action["action_id"]),
        channel=container.get("channel_id"),
        ts=container.get("message_ts"),
    )
    client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())


def register(app: GuardedApp) -> None:
    """Register the follow-up buttons."""
    for action_id, _answer in BUTTONS:
        app.action(action_id)(handle_action_commitment)
