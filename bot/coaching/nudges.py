"""Coaching nudges: reminding participants to use their allowance before the deadline runs out."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from bot.coaching.allowance import (
    BEHIND,
    FINAL,
    FINAL_WARNING_MONTHS,
    NOT_STARTED,
    NUDGE_KIND,
    NUDGE_SPACING,
    CoachingStatus,
    StartExpected,
    behind,
    coaching_start_expected,
    coaching_status,
)
from bot.coaching.messages import CoachingNudge
from bot.core import outbox
from bot.core.months import add_months
from bot.core.people import zone_of
from bot.reminders.leave import away_or_on_leave
from bot.reminders.policy import policy_or_default
from db.enums import EnrolmentStatus, OutboundState
from db.models import (
    CoachingSession,
    Cohort,
    Enrolment,
    OutboundMessage,
    Person,
)

# Someone just enrolled (or brought in mid-programme) has their welcome to read first: no nudge
# about being behind in their first fortnight. A final warning still goes: time is short then.
SETTLING_IN = timedelta(days=14)


def nudge_due(
    status: CoachingStatus,
    started_by: date | None,
    last_nudged: datetime | None,
    now: datetime,
    enrolled_at: datetime | None = None,
) -> tuple[str, str] | None:
    """Which nudge (kind, idempotency key) `status` calls for now, if any.

    Each nudge is owed only within its window: "six weeks since your workshop" only in the four
    weeks after that moment (later, someone who has not started is simply behind), so a clock
    deployed into a programme already under way does not send news long past.
    """
    deadline = status.deadline
    if deadline is None or status.remaining == 0 or status.today > deadline:
        return None
    key = f"coaching:{{}}:{status.enrolment_id}"
    if status.today >= add_months(deadline, -FINAL_WARNING_MONTHS):
        # Keyed by the deadline: one extended after leave earns a fresh final warning.
        return FINAL, f"{key.format(FINAL)}:{deadline.isoformat()}"
    if enrolled_at is not None and now - enrolled_at < SETTLING_IN:
        return None
    begun = started_by is not None and status.today >= started_by
    fresh = started_by is not None and status.today < started_by + NUDGE_SPACING
    if status.used == 0 and begun and fresh and last_nudged is None:
        return NOT_STARTED, key.format(NOT_STARTED)
    lagging = behind(status.remaining, status.today, deadline)
    recent = last_nudged is not None and now - last_nudged < NUDGE_SPACING
    if lagging and (begun or status.used > 0) and not recent:
        return BEHIND, f"{key.format(BEHIND)}:{status.today:%Y-%m}"
    return None


def owe_coaching_nudges(session: Session, now: datetime) -> int:
    """Queue each nudge now due (in the person's working hours, not while away); returns how many."""
    used_by: dict[int, int] = {
        enrolment_id: int(count)
        for enrolment_id, count in session.execute(
            select(CoachingSession.enrolment_id, func.count(CoachingSession.id)).group_by(
                CoachingSession.enrolment_id
            )
        )
    }
    last_nudged: dict[int | None, datetime] = {
        enrolment_id: due_at
        for enrolment_id, due_at in session.execute(
            select(OutboundMessage.enrolment_id, func.max(OutboundMessage.due_at))
            .where(
                OutboundMessage.kind == NUDGE_KIND,
                OutboundMessage.state != OutboundState.CANCELLED,
            )
            .group_by(OutboundMessage.enrolment_id)
        )
    }
    enrolments = session.scalars(
        select(Enrolment)
        .join(Person, Enrolment.person_id == Person.id)
        .where(Enrolment.status == EnrolmentStatus.ENROLLED, Person.slack_user_id.is_not(None))
        .order_by(Enrolment.id)
        .options(
            contains_eager(Enrolment.person),
            joinedload(Enrolment.cohort).joinedload(Cohort.programme),
            selectinload(Enrolment.leave_periods),
        )
    )
    expected: dict[int, StartExpected | None] = {}
    owed = 0
    for enrolment in enrolments:
        tz = zone_of(enrolment)
        today = now.astimezone(tz).date()
        hours = policy_or_default(enrolment.cohort.programme.reminder_policy).hours
        if hours.next_moment(now, tz) != now or away_or_on_leave(enrolment, today):
            continue
        if enrolment.cohort_id not in expected:
            expected[enrolment.cohort_id] = coaching_start_expected(session, enrolment.cohort)
        start = expected[enrolment.cohort_id]
        started_by = start.by if start else None
        status = coaching_status(
            session, enrolment, today, used=used_by.get(enrolment.id, 0), started_by=started_by
        )
        due = nudge_due(
            status, started_by, last_nudged.get(enrolment.id), now, enrolment.enrolled_at
        )
        if due is None:
            continue
        kind, key = due
        row = outbox.enqueue(
            session,
            recipient=str(enrolment.person.slack_user_id),
            kind=NUDGE_KIND,
            message=CoachingNudge(status, kind, since=start.after if start else "workshop"),
            due_at=now,
            idempotency_key=key,
            enrolment_id=enrolment.id,
        )
        owed += row is not None
    return owed
