"""Block Kit for commitment follow-ups: the DM with Yes / Partly / Not yet, and the note modal."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.core.labels import COMMITMENT_PROGRESS_LABELS
from bot.core.render import render
from bot.core.timefmt import format_day
from bot.evaluations.messages import MAX_COMMITMENT_NOTE_LENGTH as MAX_NOTE_LENGTH
from bot.evaluations.messages import FollowUpFacts
from bot.slack.blocks import Message, section, sections, to_message
from bot.slack.ids.evaluations import COMMITMENT_NOTE_INPUT, ActionId, BlockId, CallbackId
from db.enums import CommitmentProgress

ANSWER_LABELS = COMMITMENT_PROGRESS_LABELS
BUTTONS = (
    (ActionId.COMMITMENT_YES, CommitmentProgress.YES),
    (ActionId.COMMITMENT_PARTLY, CommitmentProgress.PARTLY),
    (ActionId.COMMITMENT_NOT_YET, CommitmentProgress.NOT_YET),
)


def answer_for(action_id: str) -> CommitmentProgress:
    """The answer a follow-up button stands for."""
    return dict(BUTTONS)[ActionId(action_id)]


@to_message.register
def follow_up_message(facts: FollowUpFacts) -> Message:
    """The follow-up DM; once answered it also says the answer, and the buttons stay to change it."""
    # A form may allow up to 3000 characters; escaping ('&' is '&amp;') lengthens them again,
    # so the text is also split into sections of at most Slack's 3000 characters.
    quoted = (facts.commitment or "")[:2000]
    lines = [line for line in quoted.splitlines() if line.strip()]
    ask = render(
        "evaluations/commitment_ask.j2",
        days=facts.days,
        title=facts.session_title,
        day=format_day(facts.session_day),
        lines=lines,
        category=facts.category,
    )
    blocks: list[Block] = [
        *sections(ask),
        ActionsBlock(
            block_id=BlockId.COMMITMENT_ACTIONS,
            elements=[
                ButtonElement(
                    text=ANSWER_LABELS[answer],
                    action_id=action_id,
                    value=str(facts.follow_up_id),
                    style="primary" if facts.answer == answer else None,
                )
                for action_id, answer in BUTTONS
            ],
        ),
    ]
    if facts.answer is not None:
        answered = render(
            "evaluations/commitment_answered.j2",
            updated=facts.updated,
            answer=ANSWER_LABELS[facts.answer],
            note=facts.note,
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=answered)]))
    text = render("evaluations/commitment_fallback.j2", title=facts.session_title)
    return Message(text=text, blocks=tuple(blocks))


def note_modal(
    facts: FollowUpFacts, answer: CommitmentProgress, *, channel: str | None, ts: str | None
) -> View:
    """The small modal asking for an optional note with the chosen answer."""
    intro = render(
        "evaluations/commitment_note_intro.j2",
        answer=ANSWER_LABELS[answer],
        days=facts.days,
        title=facts.session_title,
    )
    metadata = {"follow_up_id": facts.follow_up_id, "answer": answer.value}
    if channel and ts:
        # Where the DM is, should the outbox not know (a DM sent before it recorded ts).
        metadata.update(channel=channel, ts=ts)
    return View(
        type="modal",
        callback_id=CallbackId.COMMITMENT_NOTE,
        title=PlainTextObject(text="Your commitment"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps(metadata),
        blocks=[
            section(intro),
            InputBlock(
                block_id=BlockId.COMMITMENT_NOTE,
                label=PlainTextObject(text="Note (optional)"),
                element=PlainTextInputElement(
                    action_id=COMMITMENT_NOTE_INPUT,
                    multiline=True,
                    max_length=MAX_NOTE_LENGTH,
                    initial_value=facts.note or None,
                ),
                optional=True,
            ),
        ],
    )


def recorded_view(answer: CommitmentProgress, *, updated: bool) -> View:
    """What the modal shows once the answer is saved."""
    text = render(
        "evaluations/commitment_recorded.j2", updated=updated, answer=ANSWER_LABELS[answer]
    )
    return View(
        type="modal",
        callback_id=CallbackId.COMMITMENT_NOTE,
        title=PlainTextObject(text="Your commitment"),
        close=PlainTextObject(text="Done"),
        blocks=[section(text)],
    )
