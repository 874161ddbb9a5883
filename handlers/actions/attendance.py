"""Attendance buttons: 'Record attendance' (facilitator, coordinators) and 'Check in' (invitees)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.attendance import attendance
from bot.slack.blocks.attendance import checked_in_message, record_modal
from bot.slack.ids.attendance import ActionId
from handlers.errors import GuardedApp
from handlers.request import SlackRequest, button_number


def handle_action_record(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """'Record attendance': open the form pre-filled from replies (or what was recorded)."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)
    with request.uow() as session:
        programme_session = attendance.recordable_session(
            session,
            str(button_number(action)),
            slack_user_id=request.user_id,
            roles=request.roles(session),
            now=request.now(),
        )
        view = record_modal(attendance.register_of(session, programme_session, can_record=True))
    client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())


def handle_action_check_in(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """'Check in': mark the invitee present during the session window, and say so on the DM."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)
    with request.uow() as session:
        checked_in = attendance.check_in(
            session,
            invitation_id=button_number(action),
            slack_user_id=request.user_id,
            now=request.now(),
        )
    respond(
        replace_original=True, **checked_in_message(checked_in.title, checked_in.time).as_kwargs()
    )


# Acknowledged with nothing and opening no modal: served by the worker (`bot.slack.handoff`).
HANDED_OFF: frozenset[str] = frozenset({ActionId.CHECK_IN})


def register(app: GuardedApp) -> None:
    """Register the attendance buttons."""
    app.action(ActionId.RECORD)(handle_action_record)
    app.action(ActionId.CHECK_IN)(handle_action_check_in)
