"""The 'Record attendance' form: save one page in one transaction, then the next page or close."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.attendance import attendance
from bot.attendance.attendance import Mark
from bot.core.errors import CohortbotError, InvalidInput
from bot.slack.blocks.attendance import page_count, record_modal
from bot.slack.ids.attendance import ActionId, CallbackId, reason_block, status_block
from db.enums import AttendanceStatus
from db.models import ProgrammeSession
from handlers.errors import GuardedApp, field_errors
from handlers.request import SlackRequest


def _marks(values: dict[str, Any], invitation_ids: list[int]) -> dict[int, Mark]:
    marks = {}
    for invitation_id in invitation_ids:
        chosen = values.get(status_block(invitation_id), {}).get(ActionId.STATUS, {})
        try:
            status = AttendanceStatus((chosen.get("selected_option") or {}).get("value", ""))
        except ValueError:
            raise InvalidInput(
                "Choose present, absent or excused.", field=status_block(invitation_id)
            ) from None
        reason = values.get(reason_block(invitation_id), {}).get(ActionId.REASON, {}).get("value")
        marks[invitation_id] = Mark(status, reason)
    return marks


def handle_view_record(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Record this page's attendance; errors show on the field at fault."""
    request = SlackRequest(body["user"]["id"], context, client)
    metadata = json.loads(view.get("private_metadata") or "{}")
    invitation_ids = [int(i) for i in metadata.get("invitations", [])]
    page = int(metadata.get("page", 0))
    next_view = None
    try:
        marks = _marks(view["state"]["values"], invitation_ids)
        with request.uow() as session:
            roles = request.roles(session)
            attendance.record_attendance(
                session,
                session_id=int(metadata["session_id"]),
                marks=marks,
                expected=metadata.get("version"),
                actor=request.user_id,
                roles=roles,
                now=request.now(),
            )
            register = attendance.register_of(
                session,
                session.get_one(ProgrammeSession, int(metadata["session_id"])),
                can_record=True,
            )
            if page + 1 < page_count(register):
                next_view = record_modal(register, page + 1)
    except CohortbotError as error:
        fallback = status_block(invitation_ids[0]) if invitation_ids else ""
        ack(response_action="errors", errors=field_errors(error, fallback))
        return
    if next_view is not None:
        ack(response_action="push", view=next_view.to_dict())
    elif page > 0:
        ack(response_action="clear")
    else:
        ack()


def register(app: GuardedApp) -> None:
    """Register the attendance form."""
    app.view(CallbackId.RECORD)(handle_view_record)
