"""The application form's submission: checked inline, screened and recorded in one unit of work."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.applications.applications import submit_application
from bot.applications.form import FIELDS, FormErrors, check_answers
from bot.applications.rounds import local_today
from bot.core.errors import CohortbotError, InvalidInput
from bot.core.outbox import enqueue
from bot.slack.blocks.applications import application_received_message, submitted_values
from bot.slack.ids.applications import CallbackId, block_id
from db.models import AdvertisingRound, Programme
from handlers.errors import GuardedApp
from handlers.request import SlackRequest

# An error on a field the form does not show goes against the email, which identifies the person.
_FALLBACK_FIELD = "email"


def handle_apply_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Check the answers (errors shown on their fields), then record and screen the application."""
    request = SlackRequest(body["user"]["id"], context, client)
    try:
        answers = check_answers(submitted_values(view["state"]["values"]))
        metadata = json.loads(view.get("private_metadata") or "{}")
        now = request.now()
        with request.uow() as session:
            programme = session.get_one(Programme, int(metadata["programme_id"]))
            advertising_round = session.get_one(AdvertisingRound, int(metadata["round_id"]))
            today = local_today(programme, now)
            if not advertising_round.opens_on <= today <= advertising_round.closes_on:
                raise InvalidInput(
                    f"{advertising_round.name} has closed: applications are no longer taken."
                )
            application = submit_application(
                session,
                programme=programme,
                advertising_round=advertising_round,
                answers=answers,
                slack_user_id=request.user_id,
                actor=request.user_id,
                now=now,
            )
            enqueue(
                session,
                recipient=request.user_id,
                kind="application_received",
                message=application_received_message(application),
                due_at=now,
                idempotency_key=f"application-received:{application.id}",
            )
    except FormErrors as error:
        ack(response_action="errors", errors={block_id(f): m for f, m in error.errors.items()})
        return
    except CohortbotError as error:
        field = getattr(error, "field", None)
        field = field if field in FIELDS else _FALLBACK_FIELD
        ack(response_action="errors", errors={block_id(field): str(error)})
        return
    ack()


def register(app: GuardedApp) -> None:
    """Register this area's views listeners."""
    app.view(str(CallbackId.APPLY))(handle_apply_submission)
