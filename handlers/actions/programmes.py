"""Actions listeners for programmes: the "Import N sessions" button under a shared timetable."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.core.errors import CohortbotError
from bot.programmes.timetable_import import apply_timetable, plan_timetable, preview
from bot.programmes.timetable_table import lines_of_file
from bot.slack.blocks import mrkdwn_notice, notice
from bot.slack.files import fetch_spreadsheet
from bot.slack.ids.programmes import ActionId
from db.models import Programme
from handlers.errors import GuardedApp
from handlers.request import SlackRequest


def handle_action_import_timetable_file(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """Import the previewed timetable, if it is still exactly what was previewed and confirmed."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)
    with request.uow() as session:
        request.require_coordinator(session)
    try:
        token = json.loads(action.get("value") or "{}")
        file_id, programme_id = str(token["file_id"]), int(token["programme_id"])
    except (ValueError, KeyError, TypeError):
        respond(**notice("That button is not one I recognise; nothing was imported.").as_kwargs())
        return
    name, content = fetch_spreadsheet(client, file_id)
    lines = lines_of_file(name, content)
    with request.uow() as session:
        programme = session.get_one(Programme, programme_id)
        plan = plan_timetable(session, lines, programme_name=programme.name)
        if not plan.can_import or plan.fingerprint != token.get("fingerprint"):
            # The file or the timetable changed since the preview: show what it would do now.
            text = preview(plan, request.now().date())
            respond(
                **mrkdwn_notice(
                    "*The timetable changed since the preview, so nothing was imported.* "
                    "Share the file again to see the new preview.\n" + text
                ).as_kwargs(),
                replace_original=True,
            )
            return
        try:
            count = apply_timetable(
                session,
                plan,
                confirmed=plan.fingerprint,
                actor=request.user_id,
                now=request.now(),
            )
        except CohortbotError as error:
            respond(**notice(str(error)).as_kwargs(), replace_original=True)
            return
        already = len(plan.sessions) - count
    text = f"Imported {count} session{'' if count == 1 else 's'} from {name} into {programme.name}"
    text += f" ({already} already there)." if already else "."
    respond(**notice(text).as_kwargs(), replace_original=True)


def register(app: GuardedApp) -> None:
    """Register this area's actions listeners."""
    app.action(str(ActionId.IMPORT_TIMETABLE_FILE))(handle_action_import_timetable_file)
