"""Replies to session reminders: coming, not coming (with a reason), add to calendar."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.programmes.calendar import timetable_ics
from bot.reminders import rsvp
from bot.slack.blocks.reminders import absence_reason_modal, reminder_message
from bot.slack.ids.reminders import ActionId
from handlers.errors import GuardedApp
from handlers.request import SlackRequest, button_number


def handle_action_attending(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """'I'll be there': record it and show the choice on the reminder itself."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)
    with request.uow() as session:
        view = rsvp.record_reply(
            session,
            invitation_id=button_number(action),
            slack_user_id=request.user_id,
            attending=True,
            reason=None,
            now=request.now(),
        )
    respond(replace_original=True, **reminder_message(view).as_kwargs())


def handle_action_not_attending(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """'Can't make it': ask why in a modal that will update this reminder."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)
    invitation_id = button_number(action)
    with request.uow() as session:
        title = rsvp.owned_invitation(session, invitation_id, request.user_id).session.title
    container = body.get("container") or {}
    modal = absence_reason_modal(
        invitation_id,
        str(container.get("channel_id", "")),
        str(container.get("message_ts", "")),
        title,
    )
    client.views_open(trigger_id=body["trigger_id"], view=modal.to_dict())


def handle_action_calendar(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """'Add to calendar': send this session as an .ics file to the person's DM."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)
    with request.uow() as session:
        invitation = rsvp.owned_invitation(session, button_number(action), request.user_id)
        programme_session = invitation.session
        ics = timetable_ics([programme_session], calendar_name=programme_session.title)
        title = programme_session.title
    channel = client.conversations_open(users=request.user_id)["channel"]["id"]
    client.files_upload_v2(channel=channel, filename="session.ics", title=title, content=ics)


# Acknowledged with nothing and opening no modal: served by the worker (`bot.slack.handoff`).
HANDED_OFF: frozenset[str] = frozenset({ActionId.ATTENDING, ActionId.CALENDAR})


def register(app: GuardedApp) -> None:
    """Register the reminder buttons."""
    app.action(ActionId.ATTENDING)(handle_action_attending)
    app.action(ActionId.NOT_ATTENDING)(handle_action_not_attending)
    app.action(ActionId.CALENDAR)(handle_action_calendar)
