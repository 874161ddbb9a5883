"""The "Import N applications" button under a CSV import preview."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.applications.importing import (
    placements_summary,
    plan_import,
    preview,
    read_file,
    run_import,
)
from bot.slack.blocks import mrkdwn_notice, notice
from bot.slack.files import email_lookup, fetch_csv
from bot.slack.ids.applications import ActionId
from handlers.errors import GuardedApp
from handlers.request import SlackRequest


def handle_confirm_import(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """Import the previewed file: checked again, written all or nothing, by a coordinator only."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)
    with request.uow() as session:
        request.require_coordinator(session)
    file_id = str(json.loads(action.get("value") or "{}").get("file_id", ""))
    shared = fetch_csv(client, file_id)
    # Matched before the unit of work, which must not wait on Slack.
    parsed = read_file(shared.text, lookup=email_lookup(client))
    with request.uow() as session:
        plan = plan_import(session, parsed)
        if plan.can_import:
            count = run_import(
                session,
                plan,
                slack_ids=parsed.slack_ids,
                actor=request.user_id,
                now=request.now(),
            )
    if not plan.can_import:
        respond(**mrkdwn_notice(preview(plan)).as_kwargs(), replace_original=True)
        return
    suffix = f" ({plan.already_imported} were already there)" if plan.already_imported else ""
    text = f"Imported {count} applications from {shared.name}{suffix}.{placements_summary(plan)}"
    respond(
        **notice(text).as_kwargs(),
        replace_original=True,
    )


def register(app: GuardedApp) -> None:
    """Register this area's actions listeners."""
    app.action(str(ActionId.CONFIRM_IMPORT))(handle_confirm_import)
