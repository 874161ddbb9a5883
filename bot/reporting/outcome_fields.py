"""Names of the outcome form's fields, which errors point at; the Slack ids reuse them."""

from __future__ import annotations

from enum import StrEnum


class OutcomeField(StrEnum):
    """Fields of the outcome modals; each is both the block id and its element's action id."""

    KIND = "outcomes.kind"
    ROLE_TITLE = "outcomes.role_title"
    ORGANISATION = "outcomes.organisation"
    STARTED_ON = "outcomes.started_on"
    NOTE = "outcomes.note"
    REASON = "outcomes.reason"
