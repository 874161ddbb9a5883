"""The outcome modals: record a new role, and reject a reported one with a reason."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.core.errors import CohortbotError
from bot.reporting import outcomes
from bot.slack.blocks.outcomes import decided_view, recorded_view
from bot.slack.ids.outcomes import CallbackId, Field
from db.enums import OutcomeKind
from handlers.errors import GuardedApp, field_errors
from handlers.events.home import publish_home
from handlers.request import SlackRequest, picked_date


def _action(view: dict[str, Any], field: Field) -> dict[str, Any]:
    return dict(view["state"]["values"].get(field, {}).get(field, {}))


def entry_from(view: dict[str, Any]) -> outcomes.OutcomeEntry:
    """The modal's state as an `OutcomeEntry` (unchecked)."""
    kind = (_action(view, Field.KIND).get("selected_option") or {}).get("value")
    picked = _action(view, Field.STARTED_ON).get("selected_date")
    return outcomes.OutcomeEntry(
        kind=OutcomeKind(kind) if kind in set(OutcomeKind) else None,
        started_on=picked_date(picked, Field.STARTED_ON),
        role_title=_action(view, Field.ROLE_TITLE).get("value"),
        organisation=_action(view, Field.ORGANISATION).get("value"),
        note=_action(view, Field.NOTE).get("value"),
    )


def handle_view_record(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Save the new role; mistakes show on the field at fault."""
    request = SlackRequest(body["user"]["id"], context, client)
    subject = str(json.loads(view.get("private_metadata") or "{}").get("subject", ""))
    try:
        with request.uow() as session:
            outcome = outcomes.record_outcome(
                session,
                subject=subject,
                actor=request.user_id,
                roles=request.roles(session),
                entry=entry_from(view),
                now=request.now(),
            )
            line = outcomes.line_of(outcome)
    except CohortbotError as error:
        ack(response_action="errors", errors=field_errors(error, Field.KIND))
        return
    yourself = subject == request.user_id
    ack(response_action="update", view=recorded_view(line, yourself=yourself).to_dict())
    publish_home(client, request.services, subject)


def handle_view_reject(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Reject the reported new role with the reason given; the participant is told by DM."""
    request = SlackRequest(body["user"]["id"], context, client)
    outcome_id = int(json.loads(view.get("private_metadata") or "{}").get("outcome_id", 0))
    try:
        with request.uow() as session:
            line = outcomes.reject_outcome(
                session,
                outcome_id=outcome_id,
                actor=request.user_id,
                roles=request.roles(session),
                reason=_action(view, Field.REASON).get("value"),
                now=request.now(),
            )
    except CohortbotError as error:
        ack(response_action="errors", errors=field_errors(error, Field.REASON))
        return
    ack(response_action="update", view=decided_view(line).to_dict())
    if line.slack_user_id:
        publish_home(client, request.services, line.slack_user_id)


def register(app: GuardedApp) -> None:
    """Register the outcome modals."""
    app.view(CallbackId.RECORD)(handle_view_record)
    app.view(CallbackId.REJECT)(handle_view_reject)
