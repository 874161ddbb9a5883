"""The timetable paste form: the first submission previews, the second (warnings ticked) imports."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.core.errors import CohortbotError
from bot.programmes.timetable_import import apply_timetable, plan_timetable, preview
from bot.programmes.timetable_table import lines_of_text
from bot.slack.blocks.programmes import CONFIRMED
from bot.slack.blocks.timetable import timetable_import_modal, timetable_imported_view
from bot.slack.ids.programmes import CallbackId, Field
from db.models import Programme
from handlers.errors import GuardedApp
from handlers.request import SlackRequest
from handlers.views.programmes import form_values

PREVIEWED = "previewed"


def handle_view_timetable_import(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Preview the pasted table; import it once the same table is submitted again (confirmed)."""
    request = SlackRequest(body["user"]["id"], context, client)
    view = body["view"]
    values = form_values(view)
    metadata = json.loads(view.get("private_metadata") or "{}")
    table = values.get(Field.TABLE, "")
    try:
        with request.uow() as session:
            request.require_coordinator(session)
            programme = session.get_one(Programme, int(metadata["programme_id"]))
            plan = plan_timetable(session, lines_of_text(table), programme_name=programme.name)
            now = request.now()
            shown = metadata.get(PREVIEWED) == plan.fingerprint
            ticked = values.get(Field.CONFIRM) == CONFIRMED
            if not plan.can_import or not shown or (plan.warnings and not ticked):
                text = preview(plan, now.date())
                remembered = json.dumps({**metadata, PREVIEWED: plan.fingerprint})
                ready = plan.can_import and bool(plan.changes)
                reply = timetable_import_modal(
                    programme.name,
                    table=table,
                    metadata=remembered,
                    preview=text,
                    confirm=ready and bool(plan.warnings),
                )
                ack(response_action="update", view=reply)
                return
            count = apply_timetable(
                session, plan, confirmed=plan.fingerprint, actor=request.user_id, now=now
            )
            already = len(plan.sessions) - count
    except CohortbotError as error:
        ack(response_action="errors", errors={Field.TABLE: str(error)})
        return
    done = f"Imported {count} session{'' if count == 1 else 's'} into {programme.name}'s timetable"
    done += f" ({already} already there)." if already else "."
    ack(response_action="update", view=timetable_imported_view(done))


def register(app: GuardedApp) -> None:
    """Register this area's views listeners."""
    app.view(CallbackId.TIMETABLE_IMPORT)(handle_view_timetable_import)
