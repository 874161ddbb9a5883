"""Ids for career outcomes: the report button, confirm/reject buttons and the modals."""

from __future__ import annotations

from enum import StrEnum

from bot.reporting.outcome_fields import OutcomeField


class ActionId(StrEnum):
    """Buttons about outcomes."""

    REPORT = "outcomes.report"
    CONFIRM = "outcomes.confirm"
    REJECT = "outcomes.reject"


class CallbackId(StrEnum):
    """Modals about outcomes."""

    RECORD = "outcomes.record"
    REJECT = "outcomes.reject_reason"


# The area names the fields it validates; aliased so the two can never diverge.
Field = OutcomeField
