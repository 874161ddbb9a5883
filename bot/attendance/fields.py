"""Names of the recording form's fields, which errors point at; the Slack block ids reuse them."""

from __future__ import annotations


def status_field(invitation_id: int) -> str:
    """The field holding one invitee's present/absent/excused choice."""
    return f"attendance.status.{invitation_id}"


def reason_field(invitation_id: int) -> str:
    """The field holding one invitee's reason for being away."""
    return f"attendance.reason.{invitation_id}"
