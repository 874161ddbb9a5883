"""Coach assignment: which coach looks after which participant's coaching allowance.

A coordinator assigns a coach (someone holding the `coach` role) to one live enrolment; only that
coach, besides the participant and coordinators, may then log sessions for it (`bot.coaching.allowance`).
Both people are told by DM through the outbox; a coach who is replaced or removed is told too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coaching.allowance import CoachingStatus, coaching_status, local_today
from bot.coaching.messages import (
    AssignmentNotice,
    CoachAssigned,
    CoacheeAssigned,
    CoacheeCoachRemoved,
    CoachRemoved,
)
from bot.core import outbox
from bot.core.audit import record_change
from bot.core.errors import InvalidInput, NotFound
from bot.core.people import SlackProfile, person_by_slack_id, person_from_slack
from bot.core.roles import roles_of
from bot.programmes.programmes import cohort_label
from db.enums import EnrolmentStatus, Role
from db.models import AuditEvent, Cohort, Enrolment, Person

ASSIGNED_KIND = "coach_assigned"
USAGE = '`/cohort coach @coach @participant ["<programme>" "<cohort>"]`'


@dataclass(frozen=True)
class CoachChange:
    """What an assignment or removal did, for the coordinator's reply."""

    participant_slack_user_id: str
    participant_name: str
    cohort: str
    coach_slack_user_id: str | None
    coach_name: str | None
    previous_coach_name: str | None


def live_enrolment(session: Session, participant: str, cohort: Cohort | None) -> Enrolment:
    """The participant's live (enrolled) place, in `cohort` if given; asks which when several."""
    query = (
        select(Enrolment)
        .join(Enrolment.person)
        .where(Person.slack_user_id == participant, Enrolment.status == EnrolmentStatus.ENROLLED)
        .order_by(Enrolment.enrolled_at, Enrolment.id)
    )
    if cohort is not None:
        query = query.where(Enrolment.cohort_id == cohort.id)
    enrolments = list(session.scalars(query))
    if not enrolments:
        where = f" in {cohort_label(cohort)}" if cohort is not None else ""
        raise NotFound(
            f"They have no live place on a programme{where}, so they can't have a coach."
        )
    if len(enrolments) > 1:
        labels = ", ".join(cohort_label(e.cohort) for e in enrolments)
        raise InvalidInput(
            f"{enrolments[0].person.name} is enrolled in more than one cohort ({labels}): "
            f"name the programme and cohort too, as in {USAGE}.",
            field="cohort",
        )
    return enrolments[0]


def assign_coach(
    session: Session,
    *,
    coach: SlackProfile,
    participant: str,
    cohort: Cohort | None,
    actor: str,
    now: datetime,
) -> CoachChange:
    """Make `coach` the coach of `participant`'s live place (replacing any other); both are told."""
    if coach.slack_user_id == participant:
        raise InvalidInput(
            "Someone can't be their own coach: pick a different coach.", field="user"
        )
    if Role.COACH not in roles_of(session, coach.slack_user_id):
        raise InvalidInput(
            f"{coach.name} does not hold the coach role. A coordinator can give it with "
            "`/cohort role add @person coach`.",
            field="user",
        )
    enrolment = live_enrolment(session, participant, cohort)
    previous = enrolment.coach
    if previous is not None and previous.slack_user_id == coach.slack_user_id:
        raise InvalidInput(
            f"{previous.name} is already {enrolment.person.name}'s coach, so nothing was changed.",
            field="user",
        )
    coach_person = person_from_slack(session, coach, actor=actor, now=now)
    before = _snapshot(enrolment)
    enrolment.coach = coach_person
    session.flush()
    event = _audit(session, enrolment, before, actor, now)
    notice = _notice(enrolment)
    keyed = f"coach-assignment:{event.id}"
    if previous is not None and previous.slack_user_id:
        _tell(session, previous.slack_user_id, CoachRemoved(notice), f"{keyed}:old", now)
    _tell(session, coach.slack_user_id, CoachAssigned(notice), f"{keyed}:coach", now)
    _tell(session, participant, CoacheeAssigned(notice), f"{keyed}:participant", now)
    return _change(enrolment, previous)


def remove_coach(
    session: Session, *, participant: str, cohort: Cohort | None, actor: str, now: datetime
) -> CoachChange:
    """Clear the coach of `participant`'s live place; the former coach is told."""
    enrolment = live_enrolment(session, participant, cohort)
    previous = enrolment.coach
    if previous is None:
        raise InvalidInput(
            f"{enrolment.person.name} has no coach assigned, so there is nothing to remove.",
            field="user",
        )
    notice = _notice(enrolment)
    before = _snapshot(enrolment)
    enrolment.coach = None
    session.flush()
    event = _audit(session, enrolment, before, actor, now)
    if previous.slack_user_id:
        key = f"coach-assignment:{event.id}:old"
        _tell(session, previous.slack_user_id, CoachRemoved(notice), key, now)
        key = f"coach-assignment:{event.id}:participant"
        _tell(
            session,
            notice.participant_slack_user_id,
            CoacheeCoachRemoved(notice),
            key,
            now,
        )
    return _change(enrolment, previous)


def coachees(session: Session, coach_slack_user_id: str, now: datetime) -> list[CoachingStatus]:
    """The coach's coachees on live places, by name, with where each stands with their coaching."""
    coach = person_by_slack_id(session, coach_slack_user_id)
    if coach is None:
        return []
    enrolments = session.scalars(
        select(Enrolment)
        .join(Enrolment.person)
        .where(Enrolment.coach_person_id == coach.id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .order_by(Person.name, Enrolment.id)
    )
    return [coaching_status(session, e, local_today(e, now)) for e in enrolments]


def _snapshot(enrolment: Enrolment) -> dict[str, Any]:
    return {"coach_person_id": enrolment.coach_person_id}


def _audit(
    session: Session, enrolment: Enrolment, before: dict[str, Any], actor: str, now: datetime
) -> AuditEvent:
    action = "coaching.remove_coach" if enrolment.coach is None else "coaching.assign_coach"
    event = record_change(
        session,
        actor=actor,
        action=action,
        entity=enrolment,
        before=before,
        after=_snapshot(enrolment),
        now=now,
    )
    # Flushed for its id, which keys the DMs so each assignment is told exactly once.
    session.flush()
    return event


def _notice(enrolment: Enrolment) -> AssignmentNotice:
    coach = enrolment.coach
    return AssignmentNotice(
        participant_slack_user_id=str(enrolment.person.slack_user_id),
        participant_name=enrolment.person.name,
        coach_slack_user_id=coach.slack_user_id if coach else None,
        cohort=cohort_label(enrolment.cohort),
    )


def _tell(session: Session, recipient: str, message: object, key: str, now: datetime) -> None:
    outbox.enqueue(
        session,
        recipient=recipient,
        kind=ASSIGNED_KIND,
        message=message,
        due_at=now,
        idempotency_key=key,
    )


def _change(enrolment: Enrolment, previous: Person | None) -> CoachChange:
    coach = enrolment.coach
    return CoachChange(
        participant_slack_user_id=str(enrolment.person.slack_user_id),
        participant_name=enrolment.person.name,
        cohort=cohort_label(enrolment.cohort),
        coach_slack_user_id=coach.slack_user_id if coach else None,
        coach_name=coach.name if coach else None,
        previous_coach_name=previous.name if previous else None,
    )
