"""The coaching allowance: where each participant stands, and the at-risk rule.

Logging a session is in `bot.coaching.log`; the nudges are in `bot.coaching.nudges`.

Plain rules over the database and `now`. A participant is *at risk* when they still have sessions
left and any of these holds:

- the deadline has passed;
- they have not started by the day coaching was due to begin: the timetable's planned
  "coaching to commence by", else 6 weeks after their cohort's workshop (else its start);
- the sessions left outnumber what the time left comfortably allows: one session per two full
  months (so 4 sessions need 8 months, 2 need 4, and the last one is due 2 months before the end),
  which leaves room to book a coach and reschedule once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.errors import NotFound
from bot.core.months import add_months
from bot.core.people import zone_of
from bot.core.timefmt import day_with_year
from bot.programmes.programmes import cohort_label
from db.enums import EnrolmentStatus, SessionKind, SessionStatus
from db.models import (
    CoachingSession,
    Cohort,
    Enrolment,
    Person,
    ProgrammeSession,
)

NUDGE_KIND = "coaching_nudge"
WORKSHOP_GRACE = timedelta(weeks=6)
MONTHS_PER_SESSION = 2
FINAL_WARNING_MONTHS = 2
# Monthly nudges: at most one in this many days, whatever the calendar month.
NUDGE_SPACING = timedelta(days=28)

NOT_STARTED = "not_started"
BEHIND = "behind"
FINAL = "final"


@dataclass(frozen=True)
class CoachingStatus:
    """Where one participant stands with their coaching allowance on `today`."""

    enrolment_id: int
    name: str
    slack_user_id: str | None
    cohort: str
    used: int
    allowance: int
    deadline: date | None
    today: date
    risks: tuple[str, ...]

    @property
    def remaining(self) -> int:
        """Sessions still to use."""
        return max(0, self.allowance - self.used)

    @property
    def days_left(self) -> int | None:
        """Days until the deadline (negative once it has passed)."""
        return None if self.deadline is None else (self.deadline - self.today).days

    @property
    def months_left(self) -> int:
        """Whole months until the deadline (0 once it is less than a month away)."""
        return 0 if self.deadline is None else full_months_between(self.today, self.deadline)

    @property
    def at_risk(self) -> bool:
        """Whether sessions look likely to go unused."""
        return bool(self.risks)


@dataclass(frozen=True)
class CohortCoaching:
    """A cohort's coaching at a glance, for coordinators."""

    label: str
    enrolled: int
    commenced: int
    used: int
    allowance: int
    at_risk: Sequence[CoachingStatus]


# Rules


def allowance_of(enrolment: Enrolment) -> int:
    """The person's own allowance, else their programme's."""
    return allowance(enrolment.coaching_allowance, enrolment.cohort.programme.coaching_allowance)


def deadline_of(enrolment: Enrolment) -> date | None:
    """The date to use the allowance by (set at enrolment: enrolment date + programme length)."""
    return deadline(
        enrolment.coaching_deadline, enrolment.enrolled_at, enrolment.cohort.programme.length_months
    )


# The same two rules over plain values, for readers that select columns rather than objects.
def allowance(own: int | None, programme_allowance: int) -> int:
    """`own` allowance if set, else the programme's."""
    return programme_allowance if own is None else own


def deadline(own: date | None, enrolled_at: datetime | None, length_months: int) -> date | None:
    """`own` deadline if set, else the enrolment date plus the programme's length."""
    if own is not None:
        return own
    if enrolled_at is None:
        return None
    return add_months(enrolled_at.date(), length_months)


def full_months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end` (0 when `end` is less than a month away)."""
    months = 0
    while add_months(start, months + 1) <= end:
        months += 1
    return months


def risks(
    *, used: int, allowance: int, deadline: date | None, today: date, started_by: date | None
) -> tuple[str, ...]:
    """Why sessions look likely to go unused (empty when they don't); see the module docstring."""
    remaining = allowance - used
    if remaining <= 0 or deadline is None:
        return ()
    if today > deadline:
        return (f"deadline passed with {remaining} unused",)
    found = []
    if used == 0 and started_by is not None and today >= started_by:
        # Said by the day, since it may come from the workshop, the start or the timetable's plan.
        found.append(f"not started by {day_with_year(started_by)}")
    if behind(remaining, today, deadline):
        months = full_months_between(today, deadline)
        found.append(f"{remaining} left with {months} full month(s) to go")
    return tuple(found)


def behind(remaining: int, today: date, deadline: date) -> bool:
    """Whether `remaining` sessions are more than the time to `deadline` comfortably allows."""
    return remaining > full_months_between(today, deadline) / MONTHS_PER_SESSION


@dataclass(frozen=True)
class StartExpected:
    """When coaching should have begun, and from what: the timetable's 'plan' ("coaching to
    commence by"), the cohort's 'workshop' or its 'start'."""

    by: date
    after: str


def coaching_start_expected(session: Session, cohort: Cohort) -> StartExpected | None:
    """The day the cohort's timetable plans coaching to commence by, else six weeks after its
    first workshop (else its start date; None if it has none of these)."""
    planned = session.scalar(
        select(func.min(ProgrammeSession.starts_at)).where(
            ProgrammeSession.cohort_id == cohort.id,
            ProgrammeSession.kind == SessionKind.COACHING,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
        )
    )
    if planned is not None:
        return StartExpected(planned.astimezone(ZoneInfo(cohort.programme.timezone)).date(), "plan")
    workshop = session.scalar(
        select(func.min(ProgrammeSession.starts_at)).where(
            ProgrammeSession.cohort_id == cohort.id,
            ProgrammeSession.kind == SessionKind.WORKSHOP,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
        )
    )
    if workshop is not None:
        day = workshop.astimezone(ZoneInfo(cohort.programme.timezone)).date()
        return StartExpected(day + WORKSHOP_GRACE, "workshop")
    if cohort.start_date is None:
        return None
    return StartExpected(cohort.start_date + WORKSHOP_GRACE, "start")


def start_expected_by(session: Session, cohort: Cohort) -> date | None:
    """Six weeks after the cohort's first workshop (else its start date; None if it has neither)."""
    expected = coaching_start_expected(session, cohort)
    return expected.by if expected else None


def sessions_used(session: Session, enrolment_id: int) -> int:
    count = session.scalar(
        select(func.count(CoachingSession.id)).where(CoachingSession.enrolment_id == enrolment_id)
    )
    return int(count or 0)


def coaching_status(
    session: Session,
    enrolment: Enrolment,
    today: date,
    *,
    used: int | None = None,
    started_by: date | Literal["unknown"] | None = "unknown",
) -> CoachingStatus:
    """Used x of y, remaining, deadline, days left and why (if at all) the person is at risk.

    `used` and `started_by` may be passed in when already known (to save queries over a cohort).
    """
    used = sessions_used(session, enrolment.id) if used is None else used
    if started_by == "unknown":
        started_by = start_expected_by(session, enrolment.cohort)
    allowance = allowance_of(enrolment)
    deadline = deadline_of(enrolment)
    return CoachingStatus(
        enrolment_id=enrolment.id,
        name=enrolment.person.name,
        slack_user_id=enrolment.person.slack_user_id,
        cohort=cohort_label(enrolment.cohort),
        used=used,
        allowance=allowance,
        deadline=deadline,
        today=today,
        risks=risks(
            used=used,
            allowance=allowance,
            deadline=deadline,
            today=today,
            started_by=started_by,
        ),
    )


def local_today(enrolment: Enrolment, now: datetime) -> date:
    """Today's date where the participant is."""
    return now.astimezone(zone_of(enrolment)).date()


# Finding whose allowance


def current_enrolment(session: Session, slack_user_id: str, *, yourself: bool) -> Enrolment:
    """The person's live place on a programme (the latest, if several), or `NotFound`."""
    enrolment = session.scalar(
        select(Enrolment)
        .join(Person, Enrolment.person_id == Person.id)
        .where(Person.slack_user_id == slack_user_id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())
        .limit(1)
    )
    if enrolment is None:
        who = "You are" if yourself else "They are"
        raise NotFound(f"{who} not enrolled on a programme, so there is no coaching to log.")
    return enrolment


# Coordinators


def cohort_coaching(session: Session, cohort: Cohort, now: datetime) -> CohortCoaching:
    """Totals and the at-risk list for one cohort, as of today in the programme's time zone."""
    today = now.astimezone(ZoneInfo(cohort.programme.timezone)).date()
    enrolments = session.scalars(
        select(Enrolment)
        .join(Person, Enrolment.person_id == Person.id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .order_by(Person.name, Enrolment.id)
    ).all()
    started_by = start_expected_by(session, cohort)
    statuses = [
        coaching_status(session, enrolment, today, started_by=started_by)
        for enrolment in enrolments
    ]
    return CohortCoaching(
        label=cohort_label(cohort),
        enrolled=len(statuses),
        commenced=sum(1 for s in statuses if s.used > 0),
        used=sum(s.used for s in statuses),
        allowance=sum(s.allowance for s in statuses),
        at_risk=[s for s in statuses if s.at_risk],
    )
