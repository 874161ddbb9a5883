"""Modal submissions for programmes, cohorts and sessions: validate, save, or show what is wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.core.dates import parse_date
from bot.core.errors import CohortbotError, InvalidInput
from bot.core.mrkdwn import escape, shorten
from bot.core.timefmt import format_when
from bot.enrolment.cohorts import save_cohort
from bot.programmes import timetable
from bot.programmes.calendar import session_span
from bot.programmes.programmes import (
    CohortDetails,
    ProgrammeDetails,
    cohort_label,
    programme_zone,
    save_programme,
)
from bot.slack.blocks import section
from bot.slack.blocks.programmes import CONFIRMED, WHOLE_COHORT, move_modal, session_modal
from bot.slack.ids.programmes import CallbackId, Field
from db.enums import SessionKind
from db.models import Cohort, ProgrammeSession
from handlers.commands.programmes import session_form_context
from handlers.errors import GuardedApp
from handlers.request import SlackRequest

Values = dict[str, str]
# Where a form remembers the warnings it showed, so ticking the box accepts exactly those.
WARNED = "warned"
Work = Callable[[SlackRequest, Session, Values, dict[str, Any]], str]


class _ShowView(Exception):
    """Leave the unit of work (rolling it back) and show this view instead."""

    def __init__(self, view: View) -> None:
        super().__init__("show view")
        self.view = view


def form_values(view: dict[str, Any]) -> Values:
    """Every input of a submitted view as text, keyed by block id ('' when left empty)."""
    values: Values = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for action in actions.values():
            kind = action.get("type")
            if kind == "datepicker":
                value = action.get("selected_date")
            elif kind == "timepicker":
                value = action.get("selected_time")
            elif kind in ("static_select", "radio_buttons"):
                value = (action.get("selected_option") or {}).get("value")
            elif kind == "conversations_select":
                value = action.get("selected_conversation")
            elif kind == "users_select":
                value = action.get("selected_user")
            elif kind == "checkboxes":
                value = ",".join(o["value"] for o in action.get("selected_options") or ())
            else:
                value = action.get("value")
            values[block_id] = (value or "").strip()
    return values


def _whole_number(values: Values, field: Field, label: str) -> int:
    text = values.get(field, "")
    if not text.lstrip("-").isdigit():
        raise InvalidInput(f"{label} must be a whole number.", field=field)
    return int(text)


def _day(values: Values, field: Field, label: str) -> date | None:
    text = values.get(field, "")
    if not text:
        return None
    try:
        return parse_date(text, field)
    except InvalidInput:
        raise InvalidInput(f"{label}: '{shorten(text)}' is not a real date.", field=field) from None


def _accepted(values: Values, metadata: dict[str, Any]) -> list[str]:
    """The warnings shown last time, if the coordinator ticked that they checked them."""
    if values.get(Field.CONFIRM) != CONFIRMED:
        return []
    return [str(warning) for warning in metadata.get(WARNED, ())]


def _done(text: str) -> View:
    return View(type="modal", title="Saved", close="Done", blocks=[section(escape(text))])


def _submit(
    ack: Ack,
    body: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    *,
    default_field: Field,
    work: Work,
) -> None:
    request = SlackRequest(body["user"]["id"], context, client)
    view = body["view"]
    values = form_values(view)
    metadata = json.loads(view.get("private_metadata") or "{}")
    try:
        with request.uow() as session:
            request.require_coordinator(session)
            done = work(request, session, values, metadata)
    except _ShowView as reply:
        ack(response_action="update", view=reply.view)
        return
    except InvalidInput as error:
        ack(response_action="errors", errors={error.field or default_field: str(error)})
        return
    except CohortbotError as error:
        ack(response_action="errors", errors={default_field: str(error)})
        return
    ack(response_action="update", view=_done(done))


def _save_programme(
    request: SlackRequest, session: Session, values: Values, metadata: dict[str, Any]
) -> str:
    details = ProgrammeDetails(
        name=values.get(Field.NAME, ""),
        length_months=_whole_number(values, Field.LENGTH_MONTHS, "The length"),
        coaching_allowance=_whole_number(values, Field.COACHING_ALLOWANCE, "The allowance"),
        steering_channel_id=values.get(Field.STEERING_CHANNEL) or None,
        timezone=values.get(Field.TIMEZONE) or "Europe/London",
    )
    programme = save_programme(
        session,
        details,
        programme_id=metadata.get("programme_id"),
        actor=request.user_id,
        now=request.now(),
    )
    return f"Saved the programme {programme.name}. Add cohorts with /cohort cohort add."


def _save_cohort(
    request: SlackRequest, session: Session, values: Values, metadata: dict[str, Any]
) -> str:
    details = CohortDetails(
        name=values.get(Field.NAME, ""),
        capacity=_whole_number(values, Field.CAPACITY, "The capacity"),
        start_date=_day(values, Field.START_DATE, "Start date"),
    )
    cohort = save_cohort(
        session,
        details,
        programme_id=int(metadata["programme_id"]),
        cohort_id=metadata.get("cohort_id"),
        actor=request.user_id,
        now=request.now(),
        expected=metadata.get("version"),
    )
    return f"Saved the cohort {cohort_label(cohort)}. Plan its sessions with /cohort session add."


def _read_times(values: Values, cohort: Cohort) -> tuple[Any, Any, bool]:
    return timetable.read_planned_times(
        values.get(Field.START_DATE, ""),
        values.get(Field.START_TIME, ""),
        values.get(Field.END_DATE, ""),
        values.get(Field.END_TIME, ""),
        programme_zone(cohort),
    )


def _save_session(
    request: SlackRequest, session: Session, values: Values, metadata: dict[str, Any]
) -> str:
    cohort = session.get_one(Cohort, int(metadata["cohort_id"]))
    session_id = metadata.get("session_id")
    if session_id is None:
        starts_at, ends_at, all_day = _read_times(values, cohort)
    else:
        existing = session.get_one(ProgrammeSession, session_id)
        starts_at, ends_at, all_day = existing.starts_at, existing.ends_at, existing.all_day
    try:
        kind = SessionKind(values.get(Field.KIND, ""))
    except ValueError:
        raise InvalidInput("Choose what kind of session this is.", field=Field.KIND) from None
    audience = values.get(Field.AUDIENCE) or WHOLE_COHORT
    facilitator_id = None
    if slack_user_id := values.get(Field.FACILITATOR):
        try:
            info = request.client.users_info(user=slack_user_id)["user"]
        except SlackApiError:
            raise InvalidInput(
                "I can't find that person in Slack: pick the facilitator again.",
                field=Field.FACILITATOR,
            ) from None
        name = info.get("real_name") or info.get("name") or slack_user_id
        facilitator_id = timetable.facilitator_person(session, slack_user_id, name).id
    details = timetable.SessionDetails(
        kind=kind,
        title=values.get(Field.TITLE, ""),
        starts_at=starts_at,
        ends_at=ends_at,
        location=values.get(Field.LOCATION) or None,
        video_url=values.get(Field.VIDEO_URL) or None,
        compulsory=values.get(Field.COMPULSORY) != "optional",
        group_id=None if audience == WHOLE_COHORT else int(audience),
        facilitator_id=facilitator_id,
        all_day=all_day,
    )
    try:
        row = timetable.save_session(
            session,
            details,
            cohort_id=cohort.id,
            session_id=session_id,
            accepted=_accepted(values, metadata),
            actor=request.user_id,
            now=request.now(),
            expected=metadata.get("version"),
        )
    except timetable.NeedsConfirmation as warning:
        context = session_form_context(cohort, editing=session_id is not None)
        metadata_text = json.dumps({**metadata, WARNED: warning.warnings})
        view = session_modal(values, context, metadata=metadata_text, warnings=warning.warnings)
        raise _ShowView(view) from None
    when = session_span(row, programme_zone(cohort), with_year=False)
    return f"Saved #{row.id} {row.title} ({when}) and invited the people it is for."


def _move_session(
    request: SlackRequest, session: Session, values: Values, metadata: dict[str, Any]
) -> str:
    row = session.get_one(ProgrammeSession, int(metadata["session_id"]))
    starts_at, ends_at, all_day = _read_times(values, row.cohort)
    tz = programme_zone(row.cohort)
    old_when = f"{format_when(row.starts_at, tz)}"
    try:
        told = timetable.move_session(
            session,
            row.id,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=values.get(Field.REASON, ""),
            accepted=_accepted(values, metadata),
            actor=request.user_id,
            now=request.now(),
            all_day=all_day,
        )
    except timetable.NeedsConfirmation as warning:
        view = move_modal(
            values,
            title=f"#{row.id} {row.title}",
            when=old_when,
            metadata=json.dumps({**metadata, WARNED: warning.warnings}),
            warnings=warning.warnings,
        )
        raise _ShowView(view) from None
    new_when = format_when(starts_at, tz)
    return f"Moved #{row.id} {row.title} to {new_when}. {told} people invited will be told why."


def _listener(default_field: Field, work: Work) -> Callable[..., None]:
    def listener(
        ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient
    ) -> None:
        _submit(ack, body, context, client, default_field=default_field, work=work)

    return listener


def register(app: GuardedApp) -> None:
    """Register this area's views listeners."""
    app.view(CallbackId.PROGRAMME_SAVE)(_listener(Field.NAME, _save_programme))
    app.view(CallbackId.COHORT_SAVE)(_listener(Field.NAME, _save_cohort))
    app.view(CallbackId.SESSION_SAVE)(_listener(Field.TITLE, _save_session))
    app.view(CallbackId.SESSION_MOVE)(_listener(Field.REASON, _move_session))
