"""The 'Log a coaching session' modal: record it and show the new count and deadline."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coaching import log as coaching_log
from bot.core.errors import CohortbotError
from bot.slack.blocks.coaching import logged_view
from bot.slack.ids.coaching import (
    COACH_NAME_INPUT,
    COACH_USER_INPUT,
    DATE_INPUT,
    NOTE_INPUT,
    BlockId,
    CallbackId,
)
from handlers.errors import GuardedApp, field_errors
from handlers.events.home import publish_home
from handlers.request import SlackRequest, picked_date


def _value(view: dict[str, Any], block_id: str, action_id: str, key: str) -> Any:
    return view["state"]["values"].get(block_id, {}).get(action_id, {}).get(key)


def _slack_name(client: WebClient, user_id: str) -> str | None:
    """The coach's name from Slack, used only if the bot does not know them yet."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError:
        return None
    profile = user.get("profile") or {}
    name = profile.get("real_name") or user.get("real_name") or user.get("name")
    return str(name) if name else None


def handle_view_log(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Log the session; mistakes show on the field at fault."""
    request = SlackRequest(body["user"]["id"], context, client)
    metadata = json.loads(view.get("private_metadata") or "{}")
    picked = _value(view, BlockId.DATE, DATE_INPUT, "selected_date")
    coach_user = _value(view, BlockId.COACH_USER, COACH_USER_INPUT, "selected_user")
    coach = coaching_log.CoachRef(
        slack_user_id=coach_user,
        name=_slack_name(client, coach_user)
        if coach_user
        else _value(view, BlockId.COACH_NAME, COACH_NAME_INPUT, "value"),
    )
    try:
        with request.uow() as session:
            status = coaching_log.log_coaching_session(
                session,
                enrolment_id=int(metadata["enrolment_id"]),
                actor=request.user_id,
                roles=request.roles(session),
                held_on=picked_date(picked, BlockId.DATE),
                coach=coach,
                note=_value(view, BlockId.NOTE, NOTE_INPUT, "value"),
                now=request.now(),
            )
    except CohortbotError as error:
        ack(response_action="errors", errors=field_errors(error, BlockId.DATE))
        return
    held_on = date.fromisoformat(str(picked))
    name = status.name if status.slack_user_id != request.user_id else None
    ack(response_action="update", view=logged_view(status, held_on, name=name).to_dict())
    if status.slack_user_id:
        publish_home(client, request.services, status.slack_user_id)


def register(app: GuardedApp) -> None:
    """Register the coaching modal."""
    app.view(CallbackId.LOG)(handle_view_log)
