"""An evaluation form's pages: check each page, keep earlier pages as a draft, store on the last.

Long forms move on with `response_action: "update"` rather than `views.push`: Slack keeps at most
three views in a modal's stack, so pushing would fail on a form of four pages or more.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.core.errors import CohortbotError
from bot.evaluations import answers as evaluation_answers
from bot.evaluations.answers import AlreadySent, AnswerErrors, EvaluationClosed, RawAnswer, Sent
from bot.evaluations.holding import HoldKey
from bot.slack.blocks.evaluation_form import (
    closed_view,
    form_page_view,
    notice_view,
    read_metadata,
    sent_already_view,
    thanks_view,
)
from bot.slack.ids.evaluations import ANSWER_INPUT, CallbackId, question_block_id
from handlers.errors import GuardedApp, field_errors
from handlers.request import SlackRequest

_QUESTION_PREFIX = question_block_id("")


def raw_answers(view: dict[str, Any]) -> dict[str, RawAnswer]:
    """What was entered on the page, by question key: option value(s), text, or None."""
    found: dict[str, RawAnswer] = {}
    for block_id, inputs in view.get("state", {}).get("values", {}).items():
        if not block_id.startswith(_QUESTION_PREFIX):
            continue
        entered = inputs.get(ANSWER_INPUT) or {}
        key = block_id.removeprefix(_QUESTION_PREFIX)
        if "selected_options" in entered:
            found[key] = [o.get("value") for o in entered["selected_options"] or []]
        elif "selected_option" in entered:
            found[key] = (entered["selected_option"] or {}).get("value")
        else:
            found[key] = entered.get("value")
    return found


def _first_question(view: dict[str, Any]) -> str:
    """Where to show an error that belongs to no one question: the page's first question."""
    for block in view.get("blocks", []):
        if str(block.get("block_id", "")).startswith(_QUESTION_PREFIX):
            return str(block["block_id"])
    return _QUESTION_PREFIX


def handle_view_form_page(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: WebClient
) -> None:
    """Move on to the next page, or send the form; mistakes show on the questions at fault."""
    request = SlackRequest(body["user"]["id"], context, client)
    try:
        request_id, page = read_metadata(view.get("private_metadata"))
    except (ValueError, KeyError, TypeError):
        refusal = "That form is not one I recognise; please open it again from the message."
        ack(response_action="update", view=notice_view(refusal).to_dict())
        return
    settings = request.services.settings
    try:
        hold_key = HoldKey.derive(settings.slack_signing_secret or settings.slack_app_token)
        with request.uow() as session:
            result = evaluation_answers.submit_page(
                session,
                request_id,
                page=page,
                raw=raw_answers(view),
                slack_user_id=request.user_id,
                now=request.now(),
                hold_key=hold_key,
            )
    except AnswerErrors as error:
        ack(response_action="errors", errors=error.errors)
        return
    except AlreadySent:
        ack(response_action="update", view=sent_already_view().to_dict())
        return
    except EvaluationClosed as error:
        ack(response_action="update", view=closed_view(error.closed_on, late=True).to_dict())
        return
    except CohortbotError as error:
        ack(response_action="errors", errors=field_errors(error, _first_question(view)))
        return
    shown = thanks_view(result) if isinstance(result, Sent) else form_page_view(result)
    ack(response_action="update", view=shown.to_dict())


def register(app: GuardedApp) -> None:
    """Register the evaluation form's pages."""
    app.view(CallbackId.FORM_PAGE)(handle_view_form_page)
