"""Names of the reminder reply's fields, which errors point at; the Slack ids reuse them."""

from __future__ import annotations

from enum import StrEnum


class ReplyField(StrEnum):
    """Fields of the 'Can't make it' modal."""

    REASON = "rsvp.reason"
