"""Enrolment: places in a cohort, the waiting list, offers of freed places, deferral and withdrawal.

Waiting-list offers use the existing statuses: the person offered a freed place stays `waiting`
(keeping their position) with `place_offered_at` set until they answer. An outstanding offer holds
the place, so nobody else is enrolled into it meanwhile. Accepting enrols them; declining takes
them off the waiting list (status `withdrawn`, reason recorded) and offers the place to the next.
Offers are made here; answering one is in `bot.enrolment.offers`, and taking a place (with the
welcome it owes) in `bot.enrolment.joining`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core import outbox, outbox_claims
from bot.core.audit import record_change
from bot.core.errors import InvalidInput, NotFound
from bot.enrolment.joining import take_place
from bot.enrolment.messages import PlaceOffer, WaitingFacts
from db.enums import EnrolmentStatus
from db.models import SYSTEM_ACTOR, Cohort, Enrolment, Person

# Statuses that mean the person already has (or is queuing for) this cohort.
_HELD = {
    EnrolmentStatus.ENROLLED: "already enrolled in",
    EnrolmentStatus.WAITING: "already on the waiting list for",
    EnrolmentStatus.COMPLETED: "has already completed",
}


def find_enrolment(session: Session, *, person_id: int, cohort_id: int) -> Enrolment:
    """The person's enrolment in the cohort, or `NotFound`."""
    enrolment = session.scalar(
        select(Enrolment).where(Enrolment.person_id == person_id, Enrolment.cohort_id == cohort_id)
    )
    if enrolment is None:
        raise NotFound("They have no place and no waiting-list place in that cohort.")
    return enrolment


def enrol(
    session: Session,
    *,
    person_id: int,
    cohort_id: int,
    actor: str,
    now: datetime,
    application_id: int | None = None,
    counts_from: date | None = None,
) -> Enrolment:
    """Give the person a place in the cohort, or a waiting-list place when it is full.

    `counts_from` dates the place earlier than `now` (a cohort brought in under way is enrolled
    from its start): the coaching deadline runs from then, and coaching since then can be logged.
    """
    cohort = locked_cohort(session, cohort_id)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("That person is not known to cohortbot.")
    enrolment = session.scalar(
        select(Enrolment).where(Enrolment.person_id == person_id, Enrolment.cohort_id == cohort_id)
    )
    # Counted before the new row exists, since a pending row would count itself. A free place
    # (say, after the capacity was raised) goes to the queue first, not to the newcomer.
    queue = session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.cohort_id == cohort_id,
            Enrolment.status == EnrolmentStatus.WAITING,
            Enrolment.place_offered_at.is_(None),
        )
    )
    has_place = free_places(session, cohort) > 0 and not queue
    before = None
    if enrolment is not None:
        if enrolment.status in _HELD:
            raise InvalidInput(
                f"{person.name} is {_HELD[enrolment.status]} {cohort.name}, so nothing was changed.",
                field="user",
            )
        before = snapshot(enrolment)
    else:
        enrolment = Enrolment(
            person_id=person_id, cohort_id=cohort_id, status=EnrolmentStatus.WAITING
        )
        session.add(enrolment)
    if application_id is not None:
        enrolment.application_id = application_id
    enrolment.status_reason = None
    enrolment.place_offered_at = None
    if has_place:
        take_place(session, enrolment, cohort, now, counts_from=counts_from)
        action = "enrolment.enrol"
    else:
        enrolment.status = EnrolmentStatus.WAITING
        enrolment.enrolled_at = None
        enrolment.waiting_position = _last_waiting_position(session, cohort_id) + 1
        session.flush()
        _owe_waiting_notice(session, enrolment, cohort, now)
        action = "enrolment.wait"
    record_change(
        session,
        actor=actor,
        action=action,
        entity=enrolment,
        before=before,
        after=snapshot(enrolment),
        now=now,
    )
    if not has_place:
        offer_free_places(session, cohort_id=cohort_id, now=now)
    return enrolment


class LeaveChange(Protocol):
    """`withdraw` or `defer`."""

    def __call__(
        self, session: Session, *, enrolment_id: int, reason: str, actor: str, now: datetime
    ) -> Enrolment: ...


def withdraw(
    session: Session, *, enrolment_id: int, reason: str, actor: str, now: datetime
) -> Enrolment:
    """Take the person out of the cohort (or off its waiting list); nothing more is sent to them."""
    return leave(session, enrolment_id, EnrolmentStatus.WITHDRAWN, reason, actor, now)


def defer(
    session: Session, *, enrolment_id: int, reason: str, actor: str, now: datetime
) -> Enrolment:
    """Defer the person's place (they may join a later cohort); nothing more is sent to them."""
    return leave(session, enrolment_id, EnrolmentStatus.DEFERRED, reason, actor, now)


def offer_free_places(session: Session, *, cohort_id: int, now: datetime) -> list[Enrolment]:
    """Offer each free place to the first person waiting without an offer; returns those offered."""
    cohort = locked_cohort(session, cohort_id)
    offered: list[Enrolment] = []
    places = free_places(session, cohort)
    if places <= 0:
        return offered
    candidates = session.scalars(
        select(Enrolment)
        .where(
            Enrolment.cohort_id == cohort_id,
            Enrolment.status == EnrolmentStatus.WAITING,
            Enrolment.place_offered_at.is_(None),
        )
        .order_by(Enrolment.waiting_position, Enrolment.id)
        .limit(places)
    ).all()
    for enrolment in candidates:
        before = snapshot(enrolment)
        enrolment.place_offered_at = now
        session.flush()
        _owe_place_offer(session, enrolment, cohort, now)
        record_change(
            session,
            actor=SYSTEM_ACTOR,
            action="enrolment.offer_place",
            entity=enrolment,
            before=before,
            after=snapshot(enrolment),
            now=now,
        )
        offered.append(enrolment)
    return offered


def waiting_list(session: Session, cohort_id: int) -> list[Enrolment]:
    """The cohort's waiting list, first in line first."""
    return list(
        session.scalars(
            select(Enrolment)
            .where(Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.WAITING)
            .order_by(Enrolment.waiting_position, Enrolment.id)
        )
    )


def members(session: Session, cohort_id: int) -> list[Enrolment]:
    """The people enrolled in the cohort, by name."""
    return list(
        session.scalars(
            select(Enrolment)
            .join(Person, Enrolment.person_id == Person.id)
            .where(Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED)
            .order_by(func.lower(Person.name), Enrolment.id)
        )
    )


def free_places(session: Session, cohort: Cohort) -> int:
    """Places neither taken nor held by an outstanding offer."""
    offers = session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.cohort_id == cohort.id,
            Enrolment.status == EnrolmentStatus.WAITING,
            Enrolment.place_offered_at.is_not(None),
        )
    )
    return cohort.capacity - headcount(session, cohort.id) - int(offers or 0)


def snapshot(enrolment: Enrolment) -> dict[str, Any]:
    """The audited fields of an enrolment."""
    return {
        "person_id": enrolment.person_id,
        "cohort_id": enrolment.cohort_id,
        "status": enrolment.status.value if enrolment.status else None,
        "waiting_position": enrolment.waiting_position,
        "place_offered_at": _iso(enrolment.place_offered_at),
        "enrolled_at": _iso(enrolment.enrolled_at),
        "coaching_deadline": _iso(enrolment.coaching_deadline),
        "status_reason": enrolment.status_reason,
        "application_id": enrolment.application_id,
    }


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def locked_cohort(session: Session, cohort_id: int) -> Cohort:
    # Locking the cohort row serialises enrolments into it on PostgreSQL, so two people cannot
    # both take its last place; SQLite already serialises writers (BEGIN IMMEDIATE).
    cohort = session.get(Cohort, cohort_id, with_for_update=True)
    if cohort is None:
        raise NotFound("That cohort does not exist.")
    return cohort


def headcount(session: Session, cohort_id: int) -> int:
    count = session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED
        )
    )
    return int(count or 0)


def _last_waiting_position(session: Session, cohort_id: int) -> int:
    last = session.scalar(
        select(func.max(Enrolment.waiting_position)).where(
            Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.WAITING
        )
    )
    return int(last or 0)


def renumber_waiting_list(session: Session, cohort_id: int) -> None:
    session.flush()
    for position, enrolment in enumerate(waiting_list(session, cohort_id), start=1):
        enrolment.waiting_position = position
    session.flush()


def _owe_waiting_notice(
    session: Session, enrolment: Enrolment, cohort: Cohort, now: datetime
) -> None:
    person = enrolment.person
    if person.slack_user_id is None or enrolment.waiting_position is None:
        return
    facts = WaitingFacts(
        programme_name=cohort.programme.name,
        cohort_name=cohort.name,
        position=enrolment.waiting_position,
    )
    outbox.enqueue(
        session,
        recipient=person.slack_user_id,
        kind="waiting_list",
        message=facts,
        due_at=now,
        idempotency_key=f"waiting:{enrolment.id}:{now.isoformat()}",
        enrolment_id=enrolment.id,
    )


def _owe_place_offer(session: Session, enrolment: Enrolment, cohort: Cohort, now: datetime) -> None:
    person = enrolment.person
    if person.slack_user_id is None:
        return
    outbox.enqueue(
        session,
        recipient=person.slack_user_id,
        kind="place_offer",
        message=PlaceOffer(
            enrolment_id=enrolment.id,
            programme_name=cohort.programme.name,
            cohort_name=cohort.name,
        ),
        due_at=now,
        idempotency_key=f"place-offer:{enrolment.id}:{now.isoformat()}",
        enrolment_id=enrolment.id,
    )


def leave(
    session: Session,
    enrolment_id: int,
    status: EnrolmentStatus,
    reason: str,
    actor: str,
    now: datetime,
    *,
    action: str | None = None,
) -> Enrolment:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Please give a reason: it is kept with the record.", field="reason")
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise NotFound("That enrolment does not exist.")
    cohort = locked_cohort(session, enrolment.cohort_id)
    if enrolment.status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED) or (
        enrolment.status == status
    ):
        raise InvalidInput(
            f"{enrolment.person.name} is already {enrolment.status.value} in {cohort.name}, "
            "so nothing was changed.",
            field="user",
        )
    before = snapshot(enrolment)
    enrolment.status = status
    enrolment.status_reason = reason
    enrolment.waiting_position = None
    enrolment.place_offered_at = None
    session.flush()
    outbox_claims.cancel_pending(session, enrolment_id=enrolment.id, now=now)
    record_change(
        session,
        actor=actor,
        action=action or f"enrolment.{status.value}",
        entity=enrolment,
        before=before,
        after=snapshot(enrolment),
        now=now,
    )
    renumber_waiting_list(session, cohort.id)
    offer_free_places(session, cohort_id=cohort.id, now=now)
    return enrolment


def enrolled_places(session: Session, slack_user_id: str) -> list[Enrolment]:
    """The cohorts the person with this Slack id is enrolled in (not waiting), oldest first."""
    query = (
        select(Enrolment)
        .join(Enrolment.person)
        .where(Person.slack_user_id == slack_user_id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .order_by(Enrolment.id)
    )
    return list(session.scalars(query))
