"""What the coaching area owes people and shows them, as plain data (Block Kit is built in bot.slack)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.coaching.allowance import CoachingStatus

# A logistics note only: what was discussed stays between coach and participant.
MAX_NOTE_LENGTH = 500


class LogField(StrEnum):
    """The fields of the 'Log a coaching session' form, named as its inputs are."""

    DATE = "coaching.date"
    COACH_USER = "coaching.coach_user"
    COACH_NAME = "coaching.coach_name"
    NOTE = "coaching.note"


@dataclass(frozen=True)
class LogForm:
    """What the logging modal needs: whose allowance, and sensible defaults."""

    enrolment_id: int
    name: str
    for_someone_else: bool
    today: date
    coach_user_id: str | None
    status: CoachingStatus


@dataclass(frozen=True)
class CoachingNudge:
    """A nudge to use the allowance; `kind` is 'not_started', 'behind' or 'final'."""

    status: CoachingStatus
    kind: str
    # What coaching was expected to start after: the cohort's 'workshop' or its 'start'.
    since: str = "workshop"


@dataclass(frozen=True)
class LoggedForYou:
    """Tells a participant that someone else (`logged_by`, a Slack id) logged a session for them."""

    status: CoachingStatus
    held_on: date
    logged_by: str


@dataclass(frozen=True)
class AssignmentNotice:
    """Who a coach assignment is about, for the DMs it sends."""

    participant_slack_user_id: str
    participant_name: str
    coach_slack_user_id: str | None
    cohort: str


@dataclass(frozen=True)
class CoachAssigned:
    """Tells a coach who their new coachee is."""

    notice: AssignmentNotice


@dataclass(frozen=True)
class CoacheeAssigned:
    """Tells a participant who their coach is."""

    notice: AssignmentNotice


@dataclass(frozen=True)
class CoachRemoved:
    """Tells a former coach that someone is no longer their coachee."""

    notice: AssignmentNotice


@dataclass(frozen=True)
class CoacheeCoachRemoved:
    """Tells a participant that their coach is no longer their coach."""

    notice: AssignmentNotice
