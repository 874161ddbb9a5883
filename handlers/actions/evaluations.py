"""The 'Fill in the form' button in an evaluation DM: open the form's first page."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.evaluations import answers as evaluation_answers
from bot.slack.blocks.evaluation_form import form_page_view
from bot.slack.ids.evaluations import ActionId
from handlers.errors import GuardedApp, open_modal_or_explain
from handlers.request import SlackRequest, button_number


def handle_action_open_form(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """Open page 1 of the form, if the request is the presser's own and still open."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)

    def build() -> View:
        with request.uow() as session:
            page = evaluation_answers.open_form(
                session, button_number(action), slack_user_id=request.user_id, now=request.now()
            )
        return form_page_view(page)

    open_modal_or_explain(body, client, respond, build, title="Evaluation")


def register(app: GuardedApp) -> None:
    """Register the evaluation buttons."""
    app.action(ActionId.OPEN_FORM)(handle_action_open_form)
