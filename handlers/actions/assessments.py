"""Choosing performance or potential in the assessment modal redraws it to name the box."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.blocks.assessments import AssessmentForm, assessment_modal
from bot.slack.ids.assessments import Field
from db.enums import Level
from handlers.errors import GuardedApp


def _level(values: dict[str, Any], field: Field) -> Level | None:
    option = values.get(field, {}).get(field, {}).get("selected_option") or {}
    value = option.get("value")
    return Level(value) if value in set(Level) else None


def handle_action_level(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """Show the box name for the performance and potential chosen so far (nothing is stored)."""
    ack()
    view = body["view"]
    values = view["state"]["values"]
    redrawn = assessment_modal(
        AssessmentForm.from_json(view["private_metadata"]),
        performance=_level(values, Field.PERFORMANCE),
        potential=_level(values, Field.POTENTIAL),
    )
    # Same block and action ids, so Slack keeps what was typed; the hash refuses a stale redraw.
    try:
        client.views_update(view_id=view["id"], hash=view["hash"], view=redrawn.to_dict())
    except SlackApiError as error:
        if error.response.get("error") != "hash_conflict":
            raise
        # A newer choice is already redrawing the modal; this one is out of date.


def register(app: GuardedApp) -> None:
    """Register the assessment modal's live selects."""
    app.action(Field.PERFORMANCE)(handle_action_level)
    app.action(Field.POTENTIAL)(handle_action_level)
