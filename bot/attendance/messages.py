"""The messages the attendance area owes, as plain data; the Slack layer renders them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckInPrompt:
    """The 'Check in' DM sent when a session starts."""

    invitation_id: int
    title: str
    when: str
    ends: str


@dataclass(frozen=True)
class RecordPrompt:
    """The DM asking a facilitator (or the coordinators) to record a session's attendance."""

    session_id: int
    title: str
    when: str


@dataclass(frozen=True)
class AbsenceFlag:
    """A participant's unexplained absences, for the coordinators."""

    slack_user_id: str
    programme: str
    count: int
    sessions: tuple[str, ...]
