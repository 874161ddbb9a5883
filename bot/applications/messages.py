"""What the applications area owes applicants, as plain data: the Slack layer renders it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ApplicationFeedback:
    """The DM giving an unsuccessful applicant the feedback recorded on their application."""

    programme_name: str
    feedback: str
