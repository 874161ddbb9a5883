"""What a session reminder says, and the messages about it that the reminders area owes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReminderView:
    """What a reminder says, and the reply given so far."""

    invitation_id: int
    title: str
    lead: str
    when: str
    ends: str | None
    location: str | None
    video_url: str | None
    compulsory: bool
    rsvp: str
    rsvp_reason: str | None = None
    alternative: str | None = None


@dataclass(frozen=True)
class SessionReminder:
    """The reminder DM of a session (also sent as the invitation to another assessment date)."""

    view: ReminderView


@dataclass(frozen=True)
class ReminderFollowUp:
    """The reminder again, for someone who has not replied: it says we are still waiting."""

    view: ReminderView
