"""Block Kit for session reminders: the reminder with its reply buttons, and the reason modal."""

from __future__ import annotations

import json

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
from bot.slack.blocks import Message, section, to_message
from bot.slack.ids.reminders import REASON_INPUT, ActionId, BlockId, CallbackId

MAX_REASON_LENGTH = 500


def reminder_message(reminder: ReminderView) -> Message:
    """The reminder DM; the buttons stay so that a reply can be changed later."""
    details = render("reminders/reminder.j2", reminder=reminder)
    reply = render("reminders/reply.j2", reminder=reminder)
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


@to_message.register
def _session_reminder(owed: SessionReminder) -> Message:
    return reminder_message(owed.view)


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
