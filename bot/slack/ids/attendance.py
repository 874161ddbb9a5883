"""Ids for attendance: the register, recording it, and participants checking in."""

from __future__ import annotations

from enum import StrEnum

from bot.attendance.fields import reason_field, status_field


class ActionId(StrEnum):
    """Buttons and inputs about attendance."""

    RECORD = "attendance.record"
    CHECK_IN = "attendance.check_in"
    STATUS = "attendance.status"
    REASON = "attendance.reason"


class CallbackId(StrEnum):
    """Modals about attendance."""

    RECORD = "attendance.record"


class BlockId(StrEnum):
    """Blocks the listeners look for."""

    RECORD_ACTIONS = "attendance.record_actions"
    CHECK_IN_ACTIONS = "attendance.check_in_actions"


# The area names the fields it validates; the block ids are those names, so they can never diverge.
status_block = status_field
reason_block = reason_field
