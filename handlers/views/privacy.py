"""The erasure confirmation modal: submitting it erases the person."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.core.errors import CohortbotError, InvalidInput
from bot.privacy.erasure import erase_person
from bot.slack.blocks.privacy import erased_view
from bot.slack.ids.privacy import CONFIRMED, CallbackId, Field
from handlers.errors import GuardedApp, field_errors
from handlers.events.home import publish_home
from handlers.request import SlackRequest


def _person_id(view: dict[str, Any]) -> int:
    """The person the modal was opened for; a tampered form is refused."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
        return int(metadata["person_id"]) if isinstance(metadata, dict) else 0
    except (ValueError, KeyError, TypeError):
        return 0


def _confirmed(view: dict[str, Any]) -> bool:
    state = view.get("state", {}).get("values", {}).get(Field.CONFIRM, {}).get(Field.CONFIRM, {})
    return any(option.get("value") == CONFIRMED for option in state.get("selected_options") or [])


def handle_view_erase(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Erase the person once the coordinator has ticked the confirmation."""
    request = SlackRequest(body["user"]["id"], context, client)
    person_id = _person_id(view)
    try:
        if not _confirmed(view):
            raise InvalidInput("Tick the box to confirm: erasure cannot be undone.")
        with request.uow() as session:
            request.require_coordinator(session)
            result = erase_person(
                session, person_id=person_id, actor=request.user_id, now=request.now()
            )
    except CohortbotError as error:
        ack(response_action="errors", errors=field_errors(error, Field.CONFIRM))
        return
    ack(response_action="update", view=erased_view(result).to_dict())
    if result.slack_user_id:
        # A request of theirs still waiting for the worker holds their Slack id (and a form's
        # their name): it goes too, unrun unless the worker has already begun it.
        request.services.forget_handed_off(result.slack_user_id)
        # Their Home tab showed their places and records: it becomes a stranger's.
        publish_home(client, request.services, result.slack_user_id)


def register(app: GuardedApp) -> None:
    """Register the erasure modal."""
    app.view(CallbackId.ERASE)(handle_view_erase)
