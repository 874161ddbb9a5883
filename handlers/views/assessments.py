"""The assessment modals: record an assessment, then (after a non-attendance) offer another date."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.core.errors import CohortbotError
from bot.core.timefmt import format_when
from bot.reporting import assessments
from bot.slack.blocks.assessments import offered_view, recorded_view
from bot.slack.ids.assessments import DID_NOT_ATTEND, YES, CallbackId, Field
from db.enums import Level, Readiness
from handlers.errors import GuardedApp, field_errors
from handlers.request import SlackRequest, picked_date


def _action(view: dict[str, Any], field: Field) -> dict[str, Any]:
    return dict(view["state"]["values"].get(field, {}).get(field, {}))


def _chosen(view: dict[str, Any], field: Field) -> str | None:
    option = _action(view, field).get("selected_option") or {}
    return option.get("value")


def _level(view: dict[str, Any], field: Field) -> Level | None:
    value = _chosen(view, field)
    return Level(value) if value in set(Level) else None


def entry_from(view: dict[str, Any]) -> assessments.AssessmentEntry:
    """The modal's state as an `AssessmentEntry` (unchecked)."""
    picked = _action(view, Field.DATE).get("selected_date")
    readiness = _chosen(view, Field.READINESS)
    return assessments.AssessmentEntry(
        attended=_chosen(view, Field.ATTENDED) != DID_NOT_ATTEND,
        assessed_on=picked_date(picked, Field.DATE),
        panel=_action(view, Field.PANEL).get("value"),
        readiness=Readiness(readiness) if readiness in set(Readiness) else None,
        performance=_level(view, Field.PERFORMANCE),
        potential=_level(view, Field.POTENTIAL),
        development_areas=[
            o["value"] for o in _action(view, Field.AREAS).get("selected_options") or ()
        ],
        other_areas=_action(view, Field.OTHER_AREAS).get("value"),
        feedback_given=_chosen(view, Field.FEEDBACK) == YES,
        reason=_chosen(view, Field.REASON),
        reason_note=_action(view, Field.REASON_NOTE).get("value"),
    )


def handle_view_record(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Store the assessment; mistakes show on the field at fault."""
    request = SlackRequest(body["user"]["id"], context, client)
    enrolment_id = int(json.loads(view.get("private_metadata") or "{}")["enrolment_id"])
    try:
        entry = entry_from(view)
        with request.uow() as session:
            recorded = assessments.record_assessment(
                session,
                enrolment_id=enrolment_id,
                actor=request.user_id,
                roles=request.roles(session),
                entry=entry,
                now=request.now(),
            )
    except CohortbotError as error:
        ack(response_action="errors", errors=field_errors(error, Field.DATE))
        return
    ack(response_action="update", view=recorded_view(recorded).to_dict())


def handle_view_offer(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Invite the non-attender to the chosen assessment session."""
    request = SlackRequest(body["user"]["id"], context, client)
    enrolment_id = int(json.loads(view.get("private_metadata") or "{}")["enrolment_id"])
    chosen = _chosen(view, Field.OFFER_SESSION)
    try:
        with request.uow() as session:
            offered = assessments.offer_another_date(
                session,
                enrolment_id=enrolment_id,
                session_id=int(chosen or 0),
                actor=request.user_id,
                roles=request.roles(session),
                now=request.now(),
            )
    except CohortbotError as error:
        ack(response_action="errors", errors=field_errors(error, Field.OFFER_SESSION))
        return
    when = format_when(offered.starts_at, offered.tz)
    ack(response_action="update", view=offered_view(offered.name, offered.title, when).to_dict())


def register(app: GuardedApp) -> None:
    """Register the assessment modals."""
    app.view(CallbackId.RECORD)(handle_view_record)
    app.view(CallbackId.OFFER)(handle_view_offer)
