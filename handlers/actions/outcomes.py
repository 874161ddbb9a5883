"""Outcome buttons: 'Report a new role' on the App Home, and Confirm / Reject for coordinators."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.core.errors import CohortbotError
from bot.reporting import outcomes
from bot.slack.blocks import notice
from bot.slack.blocks.outcomes import decided_message, outcome_modal, reject_modal
from bot.slack.ids.outcomes import ActionId
from handlers.errors import GuardedApp, open_modal_or_explain
from handlers.events.home import publish_home
from handlers.request import SlackRequest, button_number


def handle_action_report(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """Open the 'New role' modal for the person who pressed the button."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)

    def build() -> View:
        with request.uow() as session:
            form = outcomes.outcome_form(
                session, subject=request.user_id, actor=request.user_id, roles=set()
            )
        today = request.now().astimezone(request.services.settings.timezone).date()
        return outcome_modal(
            subject=form.subject, name=form.name, for_someone_else=False, today=today
        )

    open_modal_or_explain(body, client, respond, build, title="New role")


def handle_action_confirm(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """Confirm a reported new role; the participant is told by DM."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)
    with request.uow() as session:
        outcome = outcomes.confirm_outcome(
            session,
            outcome_id=button_number(action),
            actor=request.user_id,
            roles=request.roles(session),
            now=request.now(),
        )
        line = outcomes.line_of(outcome)
    respond(replace_original=False, **decided_message(line, confirmed=True).as_kwargs())
    if line.slack_user_id:
        publish_home(client, request.services, line.slack_user_id)


def handle_action_reject(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """Ask the coordinator for the reason before rejecting."""
    ack()
    request = SlackRequest(body["user"]["id"], context, client)
    try:
        with request.uow() as session:
            outcome = outcomes.awaiting(session, button_number(action), request.roles(session))
            line = outcomes.line_of(outcome)
    except CohortbotError as error:
        respond(replace_original=False, **notice(str(error)).as_kwargs())
        return
    client.views_open(trigger_id=body["trigger_id"], view=reject_modal(line).to_dict())


def register(app: GuardedApp) -> None:
    """Register the outcome buttons."""
    app.action(ActionId.REPORT)(handle_action_report)
    app.action(ActionId.CONFIRM)(handle_action_confirm)
    app.action(ActionId.REJECT)(handle_action_reject)
