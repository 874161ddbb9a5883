"""Ids for career outcomes: the report button, confirm/reject buttons and the modals."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """Buttons about outcomes."""

    REPORT = "outcomes.report"
    CONFIRM = "outcomes.confirm"
    REJECT = "outcomes.reject"


class CallbackId(StrEnum):
    """Modals about outcomes."""

    RECORD = "outcomes.record"
    REJECT = "outcomes.reject_reason"


class Field(StrEnum):
    """Fields of the outcome modals; each is both the block id and its element's action id."""

    KIND = "outcomes.kind"
    ROLE_TITLE = "outcomes.role_title"
    ORGANISATION = "outcomes.organisation"
    STARTED_ON = "outcomes.started_on"
    NOTE = "outcomes.note"
    REASON = "outcomes.reason"
