"""Block Kit for evaluation requests: the DM that asks someone to fill in a form, and its reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, MarkdownTextObject

from bot.core.render import render
from bot.slack.blocks import Message, section
from bot.slack.ids.evaluations import ActionId, BlockId

FILL_IN_TEXT = "Fill in the form"
# The block holding the "Fill in the form" button (its action id is what the listener matches).
# Roughly how long one question takes, so people know what they are agreeing to.
SECONDS_PER_QUESTION = 30


@dataclass(frozen=True)
class RequestFacts:
    """What a request DM says: the form, what it is about, its privacy and when it closes."""

    request_id: int
    form_title: str
    # "Action learning set 1 on Tue 4 Jul" or "the end of your programme" (plain text).
    about: str
    questions: int
    anonymous: bool
    closes_at: datetime
    tz: ZoneInfo
    reminder: bool = False

    @property
    def minutes(self) -> int:
        """About how many minutes the form takes, at least one."""
        return max(1, -(-self.questions * SECONDS_PER_QUESTION // 60))


def fill_in_button(request_id: int, text: str = FILL_IN_TEXT) -> ButtonElement:
    """The button that opens the form for one request."""
    return ButtonElement(
        text=text[:75], action_id=ActionId.OPEN_FORM, value=str(request_id), style="primary"
    )


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
