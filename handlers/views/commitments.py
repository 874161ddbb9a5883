"""The commitment note modal: record the answer and show it in the follow-up DM."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import CohortbotError
from bot.core.logging_setup import exception_outline
from bot.evaluations import commitments
from bot.slack.blocks.commitments import follow_up_message, recorded_view
from bot.slack.ids.evaluations import COMMITMENT_NOTE_INPUT, BlockId, CallbackId
from db.enums import CommitmentProgress
from handlers.errors import GuardedApp, field_errors
from handlers.request import SlackRequest

logger = logging.getLogger(__name__)


def handle_view_commitment_note(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Record the answer and note; then replace the DM so it shows the answer."""
    request = SlackRequest(body["user"]["id"], context, client)
    metadata = json.loads(view.get("private_metadata") or "{}")
    note = (
        view["state"]["values"]
        .get(BlockId.COMMITMENT_NOTE, {})
        .get(COMMITMENT_NOTE_INPUT, {})
        .get("value")
    )
    try:
        with request.uow() as session:
            facts = commitments.answer_follow_up(
                session,
                follow_up_id=int(metadata["follow_up_id"]),
                slack_user_id=request.user_id,
                answer=CommitmentProgress(metadata["answer"]),
                note=note,
                now=request.now(),
            )
            # The outbox knows where the DM went; the button's own message is the fallback.
            location = commitments.message_location(session, facts.follow_up_id)
    except CohortbotError as error:
        ack(response_action="errors", errors=field_errors(error, BlockId.COMMITMENT_NOTE))
        return
    assert facts.answer is not None
    ack(response_action="update", view=recorded_view(facts.answer, updated=facts.updated).to_dict())
    channel, ts = location or (metadata.get("channel"), metadata.get("ts"))
    if not channel or not ts:
        return
    try:
        client.chat_update(channel=channel, ts=ts, **follow_up_message(facts).as_kwargs())
    except SlackApiError as error:
        logger.warning(
            "could not update an answered commitment follow-up: %s", exception_outline(error)
        )


def register(app: GuardedApp) -> None:
    """Register the commitment note modal."""
    app.view(CallbackId.COMMITMENT_NOTE)(handle_view_commitment_note)
