"""Files shared with the bot in a DM: checked and previewed, imported only on confirmation.

A file whose header is a timetable's (CSV or XLSX) is a timetable import; one with `email` and
`record` columns brings in a programme's past (coaching, attendance, outcomes); any other CSV is
an import of applications.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.applications.files import shared_file
from bot.applications.importing import plan_import, preview, read_file
from bot.core.errors import CohortbotError, InvalidInput
from bot.programmes import timetable_import
from bot.programmes.timetable_table import lines_of_file, looks_like_timetable
from bot.reporting.history import history_preview, looks_like_history, plan_history
from bot.slack.blocks import Message, notice
from bot.slack.blocks.applications import import_preview_message
from bot.slack.blocks.timetable import timetable_file_preview_message
from bot.slack.files import email_lookup, fetch_spreadsheet
from bot.slack.ids.programmes import ActionId
from handlers.request import SlackRequest

logger = logging.getLogger(__name__)


def handle_event_file_shared(
    event: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Preview the import of a file a coordinator shared with the bot in a DM."""
    user_id, channel_id = event.get("user_id", ""), event.get("channel_id", "")
    # Only DMs with the bot, and never the bot's own uploads (calendars it sends).
    if not channel_id.startswith("D") or not user_id or user_id == context.get("bot_user_id"):
        return
    request = SlackRequest(user_id, context, client)
    try:
        with request.uow() as session:
            request.require_coordinator(session)
        name, content = fetch_spreadsheet(client, event["file_id"])
        lines = lines_of_file(name, content)
        if looks_like_timetable(lines):
            message = timetable_preview(request, event["file_id"], lines)
        elif looks_like_history(lines):
            message = history_file_preview(request, event["file_id"], lines)
        elif name.lower().endswith(".xlsx"):
            raise InvalidInput(
                f"{name} is not a timetable (it has no `kind` and `dates` columns); "
                "applications are imported from CSV."
            )
        else:
            message = applications_preview(
                request, shared_file(event["file_id"], name, content).text, event["file_id"]
            )
    except CohortbotError as error:
        message = notice(str(error))
    # The DM is where the file was shared; opening it is a no-op that also gives its id.
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=dm, **message.as_kwargs())


def applications_preview(request: SlackRequest, text: str, file_id: str) -> Message:
    """What importing a CSV of applications would do, with the button when it can go ahead."""
    parsed = read_file(text, lookup=email_lookup(request.client))
    with request.uow() as session:
        plan = plan_import(session, parsed)
    token = json.dumps({"file_id": file_id}) if plan.can_import and plan.new else None
    return import_preview_message(preview(plan), importable=len(plan.new), token=token)


def timetable_preview(request: SlackRequest, file_id: str, lines: list[list[str]]) -> Message:
    """Every row of a shared timetable as parsed; the button imports exactly this plan."""
    with request.uow() as session:
        plan = timetable_import.plan_timetable(session, lines, programme_name=None)
        text = timetable_import.preview(plan, request.now().date())
        if plan.can_import and plan.warnings:
            text += "\nPressing *Import* confirms you have checked these warnings."
        token = None
        if plan.can_import and plan.changes:
            token = json.dumps(
                {
                    "file_id": file_id,
                    "programme_id": plan.programme.id,
                    "fingerprint": plan.fingerprint,
                }
            )
        return timetable_file_preview_message(text, importable=len(plan.changes), token=token)


def history_file_preview(request: SlackRequest, file_id: str, lines: list[list[str]]) -> Message:
    """What bringing in a file of past coaching, attendance and outcomes would write."""
    with request.uow() as session:
        plan = plan_history(session, lines, now=request.now())
    token = json.dumps({"file_id": file_id}) if plan.can_import and plan.new else None
    return timetable_file_preview_message(
        history_preview(plan),
        importable=len(plan.new),
        token=token,
        action_id=ActionId.IMPORT_HISTORY_FILE,
        noun="record",
    )


LISTENERS: dict[str, Callable[..., None]] = {"file_shared": handle_event_file_shared}
