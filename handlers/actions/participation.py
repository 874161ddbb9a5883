"""Actions listeners for follow-ups, quorum, leave and notification preferences.

The App Home's 'I'm away' button opens the away modal; 'I'm back' turns reminders on at once.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.core.errors import CohortbotError
from bot.reminders.leave import last_day_away_allowed, set_away, their_today
from bot.slack.blocks import notice_modal
from bot.slack.blocks.participation import away_modal
from bot.slack.ids.participation import ActionId
from handlers.errors import GuardedApp, open_modal_or_explain
from handlers.events.home import publish_home
from handlers.request import SlackRequest


def handle_action_away(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """Open the 'I'm away' modal; whether they may go away is checked when it is saved."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)

    def build() -> View:
        with request.uow() as session:
            today = their_today(session, request.user_id, request.now())
        return away_modal(last_day_away_allowed(today))

    open_modal_or_explain(body, client, respond, build, title="I'm away")


def handle_action_back(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Turn the person's reminders back on (like `/cohort away off`) and refresh their Home tab."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)
    try:
        with request.uow() as session:
            set_away(session, request.user_id, None, now=request.now())
    except CohortbotError as error:
        # The button lives on the Home tab, where there is no message to reply under.
        view = notice_modal("I'm back", str(error))
        client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())
    # Also after a refusal: a tab showing a button that no longer applies is redrawn.
    publish_home(client, request.services, request.user_id)


def register(app: GuardedApp) -> None:
    """Register this area's actions listeners."""
    app.action(ActionId.AWAY)(handle_action_away)
    app.action(ActionId.BACK)(handle_action_back)
