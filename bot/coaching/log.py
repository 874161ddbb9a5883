"""Logging a coaching session: who may log for whom, what the form shows, and recording it.

The participant logs their own; their assigned coach and coordinators may log for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.coaching.allowance import (
    NUDGE_KIND,
    CoachingStatus,
    allowance_of,
    coaching_status,
    deadline_of,
    local_today,
    sessions_used,
)
from bot.coaching.messages import MAX_NOTE_LENGTH, LogField, LogForm, LoggedForYou
from bot.core import outbox
from bot.core.audit import record_change
from bot.core.errors import InvalidInput, NotFound, PermissionDenied
from bot.core.people import SlackProfile, person_by_slack_id, person_from_slack
from bot.core.timefmt import format_day
from db.enums import EnrolmentStatus, OutboundState, Role
from db.models import CoachingSession, Enrolment, OutboundMessage, Person

LOGGED_KIND = "coaching_logged"
MAX_COACH_NAME_LENGTH = 200
# Who may log a session for someone else: coordinators, and coaches for their own coachees.
LOGGERS_FOR_OTHERS = frozenset({Role.COACH, Role.COORDINATOR})


@dataclass(frozen=True)
class CoachRef:
    """Who coached: a Slack user (with the name Slack gives), or just a name."""

    slack_user_id: str | None = None
    name: str | None = None


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
    used = sessions_used(session, enrolment.id)
    held_on = _checked_date(enrolment, held_on, today, used)
    coach_person, coach_name = _check_coach(session, enrolment, _or_assigned(coach, enrolment))
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput(
            f"Keep the note to {MAX_NOTE_LENGTH} characters (logistics only, not what was discussed).",
            field=LogField.NOTE,
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
            field=LogField.DATE,
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
            message=LoggedForYou(status, held_on, actor),
            due_at=now,
            idempotency_key=f"coaching-logged:{row.id}",
            enrolment_id=enrolment.id,
        )
    return status


def _day(day: date) -> str:
    return f"{format_day(day)} {day.year}"


def _checked_date(enrolment: Enrolment, held_on: date | None, today: date, used: int) -> date:
    field = LogField.DATE
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
                "The coach can't be the participant: pick the coach.", field=LogField.COACH_USER
            )
        person = person_by_slack_id(session, coach.slack_user_id)
        return person, person.name if person else name
    if name is None:
        raise InvalidInput(
            "Say who the coach was: pick them in Slack, or type their name if they aren't here.",
            field=LogField.COACH_NAME,
        )
    if len(name) > MAX_COACH_NAME_LENGTH:
        raise InvalidInput(
            f"Keep the coach's name to {MAX_COACH_NAME_LENGTH} characters.",
            field=LogField.COACH_NAME,
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
