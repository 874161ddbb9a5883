"""CSV files shared with the bot in a DM: checked and previewed, imported only on confirmation."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.applications.importing import plan_import, preview, read_file
from bot.core.errors import CohortbotError
from bot.slack.blocks import notice
from bot.slack.blocks.applications import import_preview_message
from bot.slack.files import email_lookup, fetch_csv
from handlers.request import SlackRequest

logger = logging.getLogger(__name__)


def handle_event_file_shared(
    event: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Preview the import of a CSV file a coordinator shared with the bot in a DM."""
    user_id, channel_id = event.get("user_id", ""), event.get("channel_id", "")
    # Only DMs with the bot, and never the bot's own uploads (calendars it sends).
    if not channel_id.startswith("D") or not user_id or user_id == context.get("bot_user_id"):
        return
    request = SlackRequest(user_id, context, client)
    try:
        with request.uow() as session:
            request.require_coordinator(session)
        shared = fetch_csv(client, event["file_id"])
        parsed = read_file(shared.text, lookup=email_lookup(client))
        with request.uow() as session:
            plan = plan_import(session, parsed)
        token = json.dumps({"file_id": shared.id}) if plan.can_import and plan.new else None
        message = import_preview_message(preview(plan), importable=len(plan.new), token=token)
    except CohortbotError as error:
        message = notice(str(error))
    # The DM is where the file was shared; opening it is a no-op that also gives its id.
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=dm, **message.as_kwargs())


LISTENERS: dict[str, Callable[..., None]] = {"file_shared": handle_event_file_shared}
