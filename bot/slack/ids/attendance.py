"""Ids for attendance: the register, recording it, and participants checking in."""

from __future__ import annotations

from enum import StrEnum


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


def status_block(invitation_id: int) -> str:
    """The block holding one invitee's present/absent/excused choice."""
    return f"attendance.status.{invitation_id}"


def reason_block(invitation_id: int) -> str:
    """The block holding one invitee's reason for being away."""
    return f"attendance.reason.{invitation_id}"
