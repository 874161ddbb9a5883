"""Block Kit for evaluation requests: the DM that asks someone to fill in a form, and its reminder."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, MarkdownTextObject

from bot.core.render import render
from bot.evaluations.messages import RequestFacts
from bot.slack.blocks import Message, section, to_message
from bot.slack.ids.evaluations import ActionId, BlockId

FILL_IN_TEXT = "Fill in the form"
# The block holding the "Fill in the form" button (its action id is what the listener matches).


def fill_in_button(request_id: int, text: str = FILL_IN_TEXT) -> ButtonElement:
    """The button that opens the form for one request."""
    return ButtonElement(
        text=text[:75], action_id=ActionId.OPEN_FORM, value=str(request_id), style="primary"
    )


@to_message.register
def request_message(facts: RequestFacts) -> Message:
    """The DM asking for an evaluation (or reminding about it), with the button that opens it."""
    context = {
        "about": facts.about,
        "title": facts.form_title,
        "questions": facts.questions,
        "minutes": facts.minutes,
        "anonymous": facts.anonymous,
        "closes_at": facts.closes_at,
        "tz": facts.tz,
        "reminder": facts.reminder,
    }
    return Message(
        text=render("evaluations/request_fallback.j2", **context),
        blocks=(
            section(render("evaluations/request_intro.j2", **context)),
            section(render("evaluations/privacy.j2", **context)),
            ActionsBlock(
                block_id=BlockId.REQUEST_ACTIONS, elements=[fill_in_button(facts.request_id)]
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=render("evaluations/request_closing.j2", **context))
                ]
            ),
        ),
    )
