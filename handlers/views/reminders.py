"""The 'Can't make it' modal: record the reason and update the reminder it came from."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.core.errors import CohortbotError
from bot.reminders import rsvp
from bot.slack.blocks.reminders import reminder_message
from bot.slack.ids.reminders import REASON_INPUT, BlockId, CallbackId
from handlers.errors import GuardedApp, field_errors
from handlers.request import SlackRequest


def handle_view_absence_reason(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Record that the person can't come, and why; errors show on the field."""
    request = SlackRequest(body["user"]["id"], context, client)
    metadata = json.loads(view.get("private_metadata") or "{}")
    reason = view["state"]["values"].get(BlockId.REASON, {}).get(REASON_INPUT, {}).get("value")
    try:
        with request.uow() as session:
            reminder = rsvp.record_reply(
                session,
                invitation_id=int(metadata["invitation_id"]),
                slack_user_id=request.user_id,
                attending=False,
                reason=reason,
                now=request.now(),
            )
    except CohortbotError as error:
        ack(response_action="errors", errors=field_errors(error, BlockId.REASON))
        return
    ack()
    if metadata.get("channel") and metadata.get("ts"):
        client.chat_update(
            channel=metadata["channel"], ts=metadata["ts"], **reminder_message(reminder).as_kwargs()
        )


def register(app: GuardedApp) -> None:
    """Register the reminder modals."""
    app.view(CallbackId.ABSENCE_REASON)(handle_view_absence_reason)
