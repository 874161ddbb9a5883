"""The coaching allowance: logging sessions, where each participant stands, and nudging them.

Plain rules over the database and `now`. A participant is *at risk* when they still have sessions
left and any of these holds:

- the deadline has passed;
- they have not started 6 weeks after their cohort's workshop;
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

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot import outbox
from bot.audit import record_change
from bot.blocks.coaching import MAX_NOTE_LENGTH, LogForm, logged_for_you_message
from bot.enrolment import SlackProfile, person_from_slack
from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.ids.coaching import BlockId
from bot.months import add_months
from bot.programmes import cohort_label
from bot.timefmt import format_day
from db.enums import EnrolmentStatus, OutboundState, Role, SessionKind, SessionStatus
from db.models import (
    CoachingSession,
    Cohort,
    Enrolment,
    OutboundMessage,
    Person,
    ProgrammeSession,
)

NUDGE_KIND = "coaching_nudge"
LOGGED_KIND = "coaching_logged"
WORKSHOP_GRACE = timedelta(weeks=6)
MONTHS_PER_SESSION = 2
FINAL_WARNING_MONTHS = 2
# Monthly nudges: at most one in this many days, whatever the calendar month.
NUDGE_SPACING = timedelta(days=28)
MAX_COACH_NAME_LENGTH = 200
# Who may log a session for someone else: coordinators, and coaches for their own coachees.
LOGGERS_FOR_OTHERS = frozenset({Role.COACH, Role.COORDINATOR})

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
class CoachRef:
    """Who coached: a Slack user (with the name Slack gives), or just a name."""

    slack_user_id: str | None = None
    name: str | None = None


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
    if enrolment.coaching_allowance is not None:
        return enrolment.coaching_allowance
    return enrolment.cohort.programme.coaching_allowance


def deadline_of(enrolment: Enrolment) -> date | None:
    """The date to use the allowance by (set at enrolment: enrolment date + programme length)."""
    if enrolment.coaching_deadline is not None:
        return enrolment.coaching_deadline
    if enrolment.enrolled_at is None:
        return None
    return add_months(enrolment.enrolled_at.date(), enrolment.cohort.programme.length_months)


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
        found.append("not started 6 weeks after the workshop")
    if behind(remaining, today, deadline):
        months = full_months_between(today, deadline)
        found.append(f"{remaining} left with {months} full month(s) to go")
    return tuple(found)


def behind(remaining: int, today: date, deadline: date) -> bool:
    """Whether `remaining` sessions are more than the time to `deadline` comfortably allows."""
    return remaining > full_months_between(today, deadline) / MONTHS_PER_SESSION


def zone_of(enrolment: Enrolment) -> ZoneInfo:
    """The participant's Slack time zone, else their programme's."""
    for name in (enrolment.person.slack_tz, enrolment.cohort.programme.timezone):
        if name:
            try:
                return ZoneInfo(name)
            except (KeyError, ValueError):
                continue
    return ZoneInfo("Europe/London")


def start_expected_by(session: Session, cohort: Cohort) -> date | None:
    """Six weeks after the cohort's first workshop (else its start date; None if it has neither)."""
    workshop = session.scalar(
        select(func.min(ProgrammeSession.starts_at)).where(
            ProgrammeSession.cohort_id == cohort.id,
            ProgrammeSession.kind == SessionKind.WORKSHOP,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
        )
    )
    if workshop is not None:
        return workshop.astimezone(ZoneInfo(cohort.programme.timezone)).date() + WORKSHOP_GRACE
    return None if cohort.start_date is None else cohort.start_date + WORKSHOP_GRACE


def _used(session: Session, enrolment_id: int) -> int:
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
    used = _used(session, enrolment.id) if used is None else used
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


def is_assigned_coach(enrolment: Enrolment, actor: str, roles: set[Role]) -> bool:
    """Whether `actor` is the coach assigned to `enrolment` (and still holds the coach role)."""
    coach = enrolment.coach
    return Role.COACH in roles and coach is not None and coach.slack_user_id == actor


def enrolment_to_log_for(
    session: Session, enrolment_id: int, *, actor: str, roles: set[Role]
) -> Enrolment:
    """The enrolment `actor` may log a session for: their own, as its assigned coach, or as coordinator."""
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise NotFound("I can't find that place on a programme any more; nothing was changed.")
    may_log = (
        enrolment.person.slack_user_id == actor
        or Role.COORDINATOR in roles
        or is_assigned_coach(enrolment, actor, roles)
    )
    if not may_log and Role.COACH in roles:
        raise PermissionDenied(
            f"Only {enrolment.person.name}'s own coach can log sessions for them; a coordinator "
            "can make you their coach with `/cohort coach …`."
        )
    if not may_log:
        raise PermissionDenied(
            "Sorry, only the participant, their coach or a coordinator can log their coaching "
            "sessions."
        )
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise InvalidInput(
            "That place on the programme is no longer active, so no coaching can be logged."
        )
    return enrolment


# Logging


def log_coaching_session(
    session: Session,
    *,
    enrolment_id: int,
    actor: str,
    roles: set[Role],
    held_on: date | None,
    coach: CoachRef,
    note: str | None,
    now: datetime,
) -> CoachingStatus:
    """Record one coaching session against the allowance; everything is checked before writing."""
    enrolment = enrolment_to_log_for(session, enrolment_id, actor=actor, roles=roles)
    today = local_today(enrolment, now)
    used = _used(session, enrolment.id)
    held_on = _checked_date(enrolment, held_on, today, used)
    coach_person, coach_name = _check_coach(session, enrolment, _or_assigned(coach, enrolment))
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput(
            f"Keep the note to {MAX_NOTE_LENGTH} characters (logistics only, not what was discussed).",
            field=BlockId.NOTE,
        )
    duplicate = session.scalar(
        select(CoachingSession.id).where(
            CoachingSession.enrolment_id == enrolment.id,
            CoachingSession.held_on == held_on,
            CoachingSession.coach_id == coach_person.id
            if coach_person
            else CoachingSession.coach_name == coach_name,
        )
    )
    if duplicate is not None:
        raise InvalidInput(
            f"A session with that coach on {_day(held_on)} is already logged.",
            field=BlockId.DATE,
        )
    if coach_person is None and coach.slack_user_id:
        coach_person = person_from_slack(
            session,
            SlackProfile(coach.slack_user_id, coach_name or coach.slack_user_id, None, None),
            actor=actor,
            now=now,
        )
    row = CoachingSession(
        enrolment=enrolment,
        held_on=held_on,
        coach_id=coach_person.id if coach_person else None,
        coach_name=None if coach_person else coach_name,
        note=note,
        logged_by=actor,
    )
    session.add(row)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="coaching.log",
        entity=row,
        before=None,
        after={
            "enrolment_id": enrolment.id,
            "held_on": held_on.isoformat(),
            "coach_id": row.coach_id,
            "coach_name": row.coach_name,
            "note": note,
        },
        now=now,
    )
    _cancel_pending_nudges(session, enrolment.id)
    status = coaching_status(session, enrolment, today, used=used + 1)
    participant = enrolment.person.slack_user_id
    if participant and participant != actor:
        # Someone else logged it: the participant should know their count changed.
        outbox.enqueue(
            session,
            recipient=participant,
            kind=LOGGED_KIND,
            message=logged_for_you_message(status, held_on, actor),
            due_at=now,
            idempotency_key=f"coaching-logged:{row.id}",
            enrolment_id=enrolment.id,
        )
    return status


def _day(day: date) -> str:
    return f"{format_day(day)} {day.year}"


def _checked_date(enrolment: Enrolment, held_on: date | None, today: date, used: int) -> date:
    field = BlockId.DATE
    if held_on is None:
        raise InvalidInput("Pick the date the session was held.", field=field)
    if held_on > today:
        raise InvalidInput(
            "That date is in the future: log a session once it has happened.", field=field
        )
    enrolled_on = enrolment.enrolled_at.date() if enrolment.enrolled_at else None
    if enrolled_on is not None and held_on < enrolled_on:
        raise InvalidInput(
            f"That is before the enrolment on {_day(enrolled_on)}: only sessions held on the "
            "programme count.",
            field=field,
        )
    deadline = deadline_of(enrolment)
    if deadline is not None and held_on > deadline:
        raise InvalidInput(
            f"Coaching had to be used by {_day(deadline)}, so a session after that can't be "
            "counted. If the deadline should move (for example after leave), ask a coordinator.",
            field=field,
        )
    allowance = allowance_of(enrolment)
    if used >= allowance:
        raise InvalidInput(
            f"All {allowance} coaching sessions are already logged. If more were agreed, ask a "
            "coordinator to raise the allowance.",
            field=field,
        )
    return held_on


def _or_assigned(coach: CoachRef, enrolment: Enrolment) -> CoachRef:
    """The coach as given; when nobody was named, the coach assigned to the enrolment (if any)."""
    assigned = enrolment.coach
    if coach.slack_user_id or (coach.name or "").strip() or assigned is None:
        return coach
    return CoachRef(slack_user_id=assigned.slack_user_id, name=assigned.name)


def _check_coach(
    session: Session, enrolment: Enrolment, coach: CoachRef
) -> tuple[Person | None, str | None]:
    """The coach as a known person, or as a name; refuses no coach and coaching oneself."""
    name = (coach.name or "").strip() or None
    if coach.slack_user_id:
        if coach.slack_user_id == enrolment.person.slack_user_id:
            raise InvalidInput(
                "The coach can't be the participant: pick the coach.", field=BlockId.COACH_USER
            )
        person = session.scalar(select(Person).where(Person.slack_user_id == coach.slack_user_id))
        return person, person.name if person else name
    if name is None:
        raise InvalidInput(
            "Say who the coach was: pick them in Slack, or type their name if they aren't here.",
            field=BlockId.COACH_NAME,
        )
    if len(name) > MAX_COACH_NAME_LENGTH:
        raise InvalidInput(
            f"Keep the coach's name to {MAX_COACH_NAME_LENGTH} characters.",
            field=BlockId.COACH_NAME,
        )
    return None, name


def _cancel_pending_nudges(session: Session, enrolment_id: int) -> None:
    """A nudge queued before this session was logged may now say the wrong thing."""
    session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.enrolment_id == enrolment_id,
            OutboundMessage.kind == NUDGE_KIND,
            OutboundMessage.state == OutboundState.PENDING,
        )
        .values(state=OutboundState.CANCELLED, last_error="coaching logged meanwhile")
    )


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


def log_form(
    session: Session, enrolment: Enrolment, *, actor: str, roles: set[Role], now: datetime
) -> LogForm:
    """What the logging modal shows `actor` for `enrolment` (already checked with `enrolment_to_log_for`)."""
    today = local_today(enrolment, now)
    for_someone_else = enrolment.person.slack_user_id != actor
    assigned = enrolment.coach
    return LogForm(
        enrolment_id=enrolment.id,
        name=enrolment.person.name,
        for_someone_else=for_someone_else,
        today=today,
        # The assigned coach is, most likely, who held the session.
        coach_user_id=assigned.slack_user_id if assigned is not None else None,
        status=coaching_status(session, enrolment, today),
    )
