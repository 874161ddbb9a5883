"""'Log a coaching session' buttons (in nudges, status replies and the App Home)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot import coaching
from bot.blocks import notice
from bot.blocks.coaching import log_modal, notice_modal
from bot.errors import CohortbotError
from bot.ids.coaching import ActionId
from handlers.errors import GuardedApp
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
    try:
        with request.uow() as session:
            roles = request.roles(session)
            enrolment = coaching.enrolment_to_log_for(
                session, button_number(action), actor=request.user_id, roles=roles
            )
            form = coaching.log_form(
                session, enrolment, actor=request.user_id, roles=roles, now=request.now()
            )
        view = log_modal(form)
    except CohortbotError as error:
        if body.get("response_url"):
            respond(replace_original=False, **notice(str(error)).as_kwargs())
            return
        # Pressed on the App Home: there is no message to reply under, so say it in a modal.
        view = notice_modal(str(error))
    client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())


def register(app: GuardedApp) -> None:
    """Register the coaching buttons."""
    app.action(ActionId.LOG)(handle_action_log)
