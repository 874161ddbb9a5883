"""'Log a coaching session' buttons (in nudges, status replies and the App Home)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.coaching import log as coaching_log
from bot.slack.blocks.coaching import log_modal
from bot.slack.ids.coaching import ActionId
from handlers.errors import GuardedApp, open_modal_or_explain
from handlers.request import SlackRequest, button_number


def handle_action_log(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """Open the logging modal, if the person pressing may log for that enrolment."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)

    def build() -> View:
        with request.uow() as session:
            roles = request.roles(session)
            enrolment = coaching_log.enrolment_to_log_for(
                session, button_number(action), actor=request.user_id, roles=roles
            )
            form = coaching_log.log_form(
                session, enrolment, actor=request.user_id, roles=roles, now=request.now()
            )
        return log_modal(form)

    open_modal_or_explain(body, client, respond, build, title="Coaching")


def register(app: GuardedApp) -> None:
    """Register the coaching buttons."""
    app.action(ActionId.LOG)(handle_action_log)
