"""Ids for logging coaching sessions."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """Buttons about coaching."""

    LOG = "coaching.log"


class CallbackId(StrEnum):
    """Modals about coaching."""

    LOG = "coaching.log_session"


class BlockId(StrEnum):
    """Fields of the 'Log a coaching session' modal."""

    DATE = "coaching.date"
    COACH_USER = "coaching.coach_user"
    COACH_NAME = "coaching.coach_name"
    NOTE = "coaching.note"


DATE_INPUT = "coaching.date_input"
COACH_USER_INPUT = "coaching.coach_user_input"
COACH_NAME_INPUT = "coaching.coach_name_input"
NOTE_INPUT = "coaching.note_input"
