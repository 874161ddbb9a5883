"""The "Import N records" button under a shared file of a programme's past."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.programmes.timetable_table import lines_of_file
from bot.reporting.history import apply_history, history_preview, plan_history
from bot.slack.blocks import mrkdwn_notice, notice
from bot.slack.files import fetch_spreadsheet
from bot.slack.ids.programmes import ActionId
from handlers.errors import GuardedApp
from handlers.request import SlackRequest


def handle_action_import_history_file(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """Bring in the previewed file: checked again, written all or nothing, nothing sent."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)
    with request.uow() as session:
        request.require_coordinator(session)
    file_id = str(json.loads(action.get("value") or "{}").get("file_id", ""))
    name, content = fetch_spreadsheet(client, file_id)
    lines = lines_of_file(name, content)
    with request.uow() as session:
        plan = plan_history(session, lines, now=request.now())
        if not plan.can_import:
            respond(**mrkdwn_notice(history_preview(plan)).as_kwargs(), replace_original=True)
            return
        count = apply_history(session, plan, actor=request.user_id, now=request.now())
    text = f"Brought in {count} past record{'' if count == 1 else 's'} from {name}"
    already = len(plan.records) - count
    text += f" ({already} already there). Nothing was sent." if already else ". Nothing was sent."
    respond(**notice(text).as_kwargs(), replace_original=True)


def register(app: GuardedApp) -> None:
    """Register this area's actions listeners."""
    app.action(str(ActionId.IMPORT_HISTORY_FILE))(handle_action_import_history_file)
