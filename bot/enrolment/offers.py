"""Answering an offer of a freed place from the waiting list: accepting it, or declining it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.audit import record_change
from bot.core.errors import InvalidInput, NotFound, PermissionDenied
from bot.enrolment.enrolment import (
    headcount,
    leave,
    locked_cohort,
    renumber_waiting_list,
    snapshot,
)
from bot.enrolment.joining import take_place
from db.enums import EnrolmentStatus
from db.models import Enrolment

DECLINED_REASON = "Declined the offer of a place from the waiting list."


def accept_place(
    session: Session, *, enrolment_id: int, slack_user_id: str, now: datetime
) -> Enrolment:
    """The offered person takes the freed place; if it has gone meanwhile, they keep waiting."""
    enrolment = _open_offer(session, enrolment_id, slack_user_id)
    cohort = locked_cohort(session, enrolment.cohort_id)
    before = snapshot(enrolment)
    if headcount(session, cohort.id) < cohort.capacity:
        take_place(session, enrolment, cohort, now)
        action = "enrolment.accept_place"
        renumber_waiting_list(session, cohort.id)
    else:
        # The capacity was lowered since the offer: they stay where they were in the queue.
        enrolment.place_offered_at = None
        action = "enrolment.offer_lapsed"
    session.flush()
    record_change(
        session,
        actor=slack_user_id,
        action=action,
        entity=enrolment,
        before=before,
        after=snapshot(enrolment),
        now=now,
    )
    return enrolment


def decline_place(
    session: Session, *, enrolment_id: int, slack_user_id: str, now: datetime
) -> Enrolment:
    """The offered person turns the place down: they leave the waiting list, the next is offered it."""
    _open_offer(session, enrolment_id, slack_user_id)
    return leave(
        session,
        enrolment_id,
        EnrolmentStatus.WITHDRAWN,
        DECLINED_REASON,
        slack_user_id,
        now,
        action="enrolment.decline_place",
    )


def _open_offer(session: Session, enrolment_id: int, slack_user_id: str) -> Enrolment:
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise NotFound("That offer no longer exists.")
    if enrolment.person.slack_user_id != slack_user_id:
        raise PermissionDenied(
            "Sorry, this offer of a place was made to someone else, so only they can answer it. "
            "Nothing was changed."
        )
    if enrolment.status != EnrolmentStatus.WAITING or enrolment.place_offered_at is None:
        raise InvalidInput("This offer has already been answered or is no longer open.")
    return enrolment
