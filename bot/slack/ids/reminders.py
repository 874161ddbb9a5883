"""Ids for session reminders and the replies people give to them."""

from __future__ import annotations

from enum import StrEnum

from bot.reminders.fields import ReplyField


class ActionId(StrEnum):
    """Buttons on a reminder."""

    ATTENDING = "rsvp.attending"
    NOT_ATTENDING = "rsvp.not_attending"
    CALENDAR = "rsvp.calendar"


class CallbackId(StrEnum):
    """Modals about reminders."""

    ABSENCE_REASON = "rsvp.absence_reason"


class BlockId(StrEnum):
    """Blocks the listeners look for."""

    ACTIONS = "rsvp.actions"
    # The area names the field it validates; derived so the two can never diverge.
    REASON = ReplyField.REASON.value


REASON_INPUT = "rsvp.reason_input"
