"""Actions listeners for enrolment: answering the offer of a freed place."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.logging_setup import exception_outline
from bot.enrolment.offers import accept_place, decline_place
from bot.slack.app_context import Services
from bot.slack.blocks.enrolment import place_answer_message
from bot.slack.ids.enrolment import ActionId
from db.enums import EnrolmentStatus
from handlers.errors import GuardedApp
from handlers.events.home import publish_home
from handlers.request import button_number

logger = logging.getLogger(__name__)


def handle_place_answer(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """Accept or decline an offered place; only the person offered it can answer."""
    ack()
    services = Services.of(context)
    user_id = body["user"]["id"]
    accepted = action["action_id"] == ActionId.ACCEPT_PLACE
    answer = accept_place if accepted else decline_place
    enrolment_id = button_number(action)
    with services.uow() as session:
        enrolment = answer(
            session, enrolment_id=enrolment_id, slack_user_id=user_id, now=services.clock()
        )
        message = place_answer_message(
            accepted=accepted,
            still_waiting=enrolment.status == EnrolmentStatus.WAITING,
            cohort_name=enrolment.cohort.name,
        )
    _replace_offer(client, body, message.as_kwargs())
    publish_home(client, services, user_id)


def _replace_offer(client: WebClient, body: dict[str, Any], content: dict[str, Any]) -> None:
    # Replacing the message removes the buttons, so the offer cannot be answered twice.
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if not channel or not ts:
        return
    try:
        client.chat_update(channel=channel, ts=ts, **content)
    except SlackApiError as error:
        logger.warning("could not update an answered place offer: %s", exception_outline(error))


# Acknowledged with nothing and opening no modal: served by the worker (`bot.slack.handoff`).
HANDED_OFF: frozenset[str] = frozenset({ActionId.ACCEPT_PLACE, ActionId.DECLINE_PLACE})


def register(app: GuardedApp) -> None:
    """Register this area's actions listeners."""
    app.action(ActionId.ACCEPT_PLACE)(handle_place_answer)
    app.action(ActionId.DECLINE_PLACE)(handle_place_answer)
