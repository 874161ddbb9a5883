"""What enrolment owes people, as plain data: the Slack layer turns each into a message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class WelcomeSession:
    """One session as the welcome DM lists it."""

    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    where: str | None
    compulsory: bool
    all_day: bool = False
    # "day", or "week"/"month" for a session whose day is still to be confirmed.
    precision: str = "day"


@dataclass(frozen=True)
class WelcomeFacts:
    """Everything the welcome DM says."""

    person_name: str
    programme_name: str
    cohort_name: str
    tz: ZoneInfo
    sessions: Sequence[WelcomeSession]
    coaching_allowance: int
    coaching_deadline: date
    # Whether dates need their year (the programme spans two years, or is not this year's).
    with_year: bool = False


@dataclass(frozen=True)
class WaitingFacts:
    """What a person put on a waiting list is told."""

    programme_name: str
    cohort_name: str
    position: int


@dataclass(frozen=True)
class PlaceOffer:
    """The offer of a freed place, which the person accepts or declines."""

    enrolment_id: int
    programme_name: str
    cohort_name: str
