"""Who is due a reminder of which session, and when: plain rules over the database and `now`.

Each invited participant is reminded 14 days before, 2 days before and on the morning of a session,
inside working hours in their own time zone. A reminder whose moment passed while the bot was down is
still sent late if it is the latest one due, and dropped once the session has started.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.blocks.reminders import reminder_message
from bot.rsvp import reminder_view
from bot.working_hours import WorkingHours
from db.enums import EnrolmentStatus, RsvpStatus, SessionNotificationPreference, SessionStatus
from db.models import (
    Cohort,
    Enrolment,
    Invitation,
    LeavePeriod,
    Person,
    Programme,
    ProgrammeSession,
)

REMINDER_KIND = outbox.SESSION_REMINDER_KIND


@dataclass(frozen=True)
class ReminderPoint:
    """A reminder `days_before` a session (0: on the day)."""

    name: str
    days_before: int


DEFAULT_POINTS: tuple[ReminderPoint, ...] = (
    ReminderPoint("14-days", 14),
    ReminderPoint("2-days", 2),
    ReminderPoint("on-the-day", 0),
)


@dataclass(frozen=True)
class DueReminder:
    """One reminder owed to one person about one session."""

    invitation_id: int
    session_id: int
    enrolment_id: int
    recipient: str
    point: str
    due_at: datetime
    starts_at: datetime
    tz: ZoneInfo

    @property
    def idempotency_key(self) -> str:
        """Unique per invitation, point and start time, so a moved session is reminded afresh."""
        return f"reminder:{self.invitation_id}:{self.point}:{self.starts_at:%Y%m%dT%H%M%z}"


def reminder_moment(
    starts_at: datetime, point: ReminderPoint, tz: ZoneInfo, hours: WorkingHours
) -> datetime:
    """When `point` falls for a session starting at `starts_at`, for someone in `tz`."""
    start_day = starts_at.astimezone(tz).date()
    day = hours.last_working_day_on_or_before(start_day - timedelta(days=point.days_before))
    moment = datetime.combine(day, hours.start, tzinfo=tz)
    if point.days_before == 0 and moment >= starts_at:
        # A session that starts before the working day does: remind an hour before instead.
        moment = starts_at - timedelta(hours=1)
    return moment


def due_reminders(
    session: Session,
    now: datetime,
    *,
    hours: WorkingHours | None = None,
    points: Sequence[ReminderPoint] = DEFAULT_POINTS,
) -> list[DueReminder]:
    """Every reminder due by `now` that is still useful, at most one per invitation."""
    hours = hours or WorkingHours()
    horizon = now + timedelta(days=max(p.days_before for p in points) + 7)
    today = now.date()
    on_leave = exists().where(
        LeavePeriod.enrolment_id == Enrolment.id,
        LeavePeriod.starts_on <= today,
        or_(LeavePeriod.ends_on.is_(None), LeavePeriod.ends_on >= today),
    )
    rows = session.execute(
        select(
            Invitation.id,
            ProgrammeSession,
            Enrolment.id,
            Person.slack_user_id,
            Person.slack_tz,
            Programme.timezone,
        )
        .join(ProgrammeSession, Invitation.session_id == ProgrammeSession.id)
        .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
        .join(Person, Enrolment.person_id == Person.id)
        .join(Cohort, Enrolment.cohort_id == Cohort.id)
        .join(Programme, Cohort.programme_id == Programme.id)
        .where(
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ProgrammeSession.starts_at > now,
            ProgrammeSession.starts_at <= horizon,
            Enrolment.status == EnrolmentStatus.ENROLLED,
            Person.slack_user_id.is_not(None),
            Invitation.rsvp != RsvpStatus.NOT_ATTENDING,
            or_(Enrolment.away_until.is_(None), Enrolment.away_until < today),
            ~on_leave,
            or_(
                ProgrammeSession.compulsory.is_(True),
                Enrolment.optional_sessions == SessionNotificationPreference.ALL,
            ),
        )
        .order_by(ProgrammeSession.starts_at, Invitation.id)
    ).all()
    owed = []
    for (
        invitation_id,
        programme_session,
        enrolment_id,
        slack_user_id,
        slack_tz,
        programme_tz,
    ) in rows:
        tz = _zone(slack_tz, programme_tz)
        moments = [
            (point, reminder_moment(programme_session.starts_at, point, tz, hours))
            for point in points
        ]
        passed = [(point, moment) for point, moment in moments if moment <= now]
        if not passed:
            continue
        # Only the latest reminder that is due: after downtime the earlier ones are stale.
        point, moment = max(passed, key=lambda pair: pair[1])
        owed.append(
            DueReminder(
                invitation_id=invitation_id,
                session_id=programme_session.id,
                enrolment_id=enrolment_id,
                recipient=str(slack_user_id),
                point=point.name,
                due_at=moment,
                starts_at=programme_session.starts_at,
                tz=tz,
            )
        )
    return owed


def _zone(slack_tz: str | None, programme_tz: str) -> ZoneInfo:
    for name in (slack_tz, programme_tz):
        if name:
            try:
                return ZoneInfo(name)
            except (KeyError, ValueError):
                continue
    return ZoneInfo("Europe/London")


def owe_due_reminders(session: Session, now: datetime) -> int:
    """Put every reminder now due into the outbox (once each); returns how many were new."""
    owed = 0
    for due in due_reminders(session, now):
        invitation = session.get_one(Invitation, due.invitation_id)
        message = reminder_message(reminder_view(session, invitation, now, due.tz))
        row = outbox.enqueue(
            session,
            recipient=due.recipient,
            kind=REMINDER_KIND,
            message=message,
            due_at=due.due_at,
            idempotency_key=due.idempotency_key,
            session_id=due.session_id,
            enrolment_id=due.enrolment_id,
        )
        owed += row is not None
    return owed
