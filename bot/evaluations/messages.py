"""What the evaluations area owes people, as plain data (Block Kit is built in bot.slack)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from db.enums import CommitmentProgress

# A follow-up's note says how a commitment is going, briefly.
MAX_COMMITMENT_NOTE_LENGTH = 500

# Roughly how long one question takes, so people know what they are agreeing to.
SECONDS_PER_QUESTION = 30


@dataclass(frozen=True)
class RequestFacts:
    """What a request DM says: the form, what it is about, its privacy and when it closes."""

    request_id: int
    form_title: str
    # "Action learning set 1 on Tue 4 Jul" or "the end of your programme" (plain text).
    about: str
    questions: int
    anonymous: bool
    closes_at: datetime
    tz: ZoneInfo
    reminder: bool = False

    @property
    def minutes(self) -> int:
        """About how many minutes the form takes, at least one."""
        return max(1, -(-self.questions * SECONDS_PER_QUESTION // 60))


@dataclass(frozen=True)
class FollowUpFacts:
    """What a follow-up DM says: the workshop, the commitment (None if anonymous), any answer."""

    follow_up_id: int
    session_title: str
    session_day: date
    days: int
    commitment: str | None
    category: str | None
    answer: CommitmentProgress | None
    note: str | None
    # Whether the latest answer replaced an earlier one.
    updated: bool = False
