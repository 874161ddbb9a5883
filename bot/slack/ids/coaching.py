"""Ids for logging coaching sessions."""

from __future__ import annotations

from enum import StrEnum

from bot.coaching.messages import LogField


class ActionId(StrEnum):
    """Buttons about coaching."""

    LOG = "coaching.log"


class CallbackId(StrEnum):
    """Modals about coaching."""

    LOG = "coaching.log_session"


# The form's fields are named by the area; their block ids are those names.
BlockId = LogField


DATE_INPUT = "coaching.date_input"
COACH_USER_INPUT = "coaching.coach_user_input"
COACH_NAME_INPUT = "coaching.coach_name_input"
NOTE_INPUT = "coaching.note_input"
