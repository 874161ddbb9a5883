"""Views listeners for follow-ups, quorum, leave and notification preferences.

The 'I'm away' modal from the App Home pauses reminders exactly as `/cohort away <date>` does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.core.errors import CohortbotError, InvalidInput
from bot.reminders.leave import set_away
from bot.slack.blocks.participation import away_saved_view
from bot.slack.ids.participation import LAST_DAY_INPUT, BlockId, CallbackId
from handlers.errors import GuardedApp
from handlers.events.home import publish_home
from handlers.request import SlackRequest


def _picked_day(view: dict[str, Any]) -> date:
    picked = (
        view["state"]["values"]
        .get(BlockId.LAST_DAY, {})
        .get(LAST_DAY_INPUT, {})
        .get("selected_date")
    )
    if not picked:
        raise InvalidInput("Pick the last day you will be away.")
    try:
        return date.fromisoformat(picked)
    except (TypeError, ValueError):
        raise InvalidInput("That is not a date I can read: pick one from the calendar.") from None


def handle_view_away(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Pause the person's reminders until the day picked; a refusal shows on the date."""
    request = SlackRequest(body["user"]["id"], context, client)
    try:
        until = _picked_day(view)
        with request.uow() as session:
            set_away(session, request.user_id, until, now=request.now())
    except CohortbotError as error:
        # The date is the modal's only field, so every refusal belongs there.
        ack(response_action="errors", errors={BlockId.LAST_DAY: str(error)})
        return
    ack(response_action="update", view=away_saved_view(until).to_dict())
    publish_home(client, request.services, request.user_id)


def register(app: GuardedApp) -> None:
    """Register this area's views listeners."""
    app.view(CallbackId.AWAY)(handle_view_away)
