"""Block Kit for session reminders: the reminder with its reply buttons, and the reason modal."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.core.mrkdwn import escape
from bot.core.render import render
from bot.reminders.messages import ReminderView, SessionReminder
from bot.slack.blocks import Message, section, to_message, to_payload
from bot.slack.ids.reminders import REASON_INPUT, ActionId, BlockId, CallbackId

MAX_REASON_LENGTH = 500


def reminder_message(reminder: ReminderView) -> Message:
    """The reminder DM; the buttons stay so that a reply can be changed later."""
    details, reply = _reminder_copy(reminder)
    value = str(reminder.invitation_id)
    buttons = [
        ButtonElement(
            text="I'll be there",
            action_id=ActionId.ATTENDING,
            value=value,
            style="primary" if reminder.rsvp != "attending" else None,
        ),
        ButtonElement(text="Can't make it", action_id=ActionId.NOT_ATTENDING, value=value),
        ButtonElement(text="Add to calendar", action_id=ActionId.CALENDAR, value=value),
    ]
    return Message(
        text=f"{details}\n{reply}",
        blocks=(
            section(details),
            ContextBlock(elements=[MarkdownTextObject(text=reply)]),
            ActionsBlock(block_id=BlockId.ACTIONS, elements=buttons),
        ),
    )


# Rendered copy by wording; bounded, since wordings change with every day's lead time.
_COPIES: dict[tuple[object, ...], tuple[str, str]] = {}
_MAX_COPIES = 4096
_WORDING_FIELDS = tuple(
    field.name for field in dataclasses.fields(ReminderView) if field.name != "invitation_id"
)


def _reminder_copy(reminder: ReminderView) -> tuple[str, str]:
    """The reminder's details and the line about the reply (mrkdwn), rendered once per wording."""
    # The copy never shows the invitation: everyone invited to a session, in one time zone and
    # with the same reply so far, reads the same words, so the planner renders each wording once.
    wording = tuple(getattr(reminder, name) for name in _WORDING_FIELDS)
    copy = _COPIES.get(wording)
    if copy is None:
        if len(_COPIES) >= _MAX_COPIES:
            _COPIES.clear()
        copy = _COPIES[wording] = (
            render("reminders/reminder.j2", reminder=reminder),
            render("reminders/reply.j2", reminder=reminder),
        )
    return copy


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style is not None:
        button["style"] = style
    return button


def reminder_payload(reminder: ReminderView) -> dict[str, Any]:
    """`reminder_message(reminder).as_kwargs()`, built as plain dicts.

    The planner owes thousands of reminders in one call; building slack_sdk's models and
    validating them in `to_dict` was most of its time. The blocks are fixed and already checked
    by `reminder_message`, and a test keeps the two identical.
    """
    details, reply = _reminder_copy(reminder)
    value = str(reminder.invitation_id)
    return {
        "text": f"{details}\n{reply}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": details}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": reply}]},
            {
                "type": "actions",
                "block_id": str(BlockId.ACTIONS),
                "elements": [
                    _button(
                        "I'll be there",
                        str(ActionId.ATTENDING),
                        value,
                        "primary" if reminder.rsvp != "attending" else None,
                    ),
                    _button("Can't make it", str(ActionId.NOT_ATTENDING), value),
                    _button("Add to calendar", str(ActionId.CALENDAR), value),
                ],
            },
        ],
    }


@to_message.register
def _session_reminder(owed: SessionReminder) -> Message:
    return reminder_message(owed.view)


@to_payload.register
def _session_reminder_payload(owed: SessionReminder) -> dict[str, Any]:
    return reminder_payload(owed.view)


def absence_reason_modal(invitation_id: int, channel: str, ts: str, title: str) -> View:
    """Asks why someone can't come; remembers which reminder to update."""
    metadata = json.dumps({"invitation_id": invitation_id, "channel": channel, "ts": ts})
    return View(
        type="modal",
        callback_id=CallbackId.ABSENCE_REASON,
        title=PlainTextObject(text="Can't make it"),
        submit=PlainTextObject(text="Send"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata,
        blocks=[
            section(
                f"Sorry you can't make *{escape(title)}*. The coordinators will see your reason."
            ),
            InputBlock(
                block_id=BlockId.REASON,
                label=PlainTextObject(text="Why can't you come?"),
                element=PlainTextInputElement(
                    action_id=REASON_INPUT, multiline=True, max_length=MAX_REASON_LENGTH
                ),
            ),
        ],
    )
