"""Who is due a reminder of which session, and when: plain rules over the database and `now`.

Each invited participant is reminded as the programme's policy says for the session's kind (by default
14 days before, 2 days before and on the morning of a session), inside the policy's working hours in
their own time zone. A reminder whose moment passed while the bot was down is
still sent late if it is the latest one due (worded for when it is sent), unless another one falls
later the same day, so nobody gets two in a day; it is dropped once the session has started.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.working_hours import WorkingHours
from bot.reminders.messages import ReminderView, SessionReminder
from bot.reminders.policy import (
    DEFAULT_DAYS,
    ReminderPoint,
    ReminderPolicy,
    point,
    policy_or_default,
)
from bot.reminders.rsvp import alternative_dates, session_reminder_view
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


DEFAULT_POINTS: tuple[ReminderPoint, ...] = tuple(point(days) for days in DEFAULT_DAYS)


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
    # The reply so far, which the reminder shows.
    rsvp: RsvpStatus = RsvpStatus.NONE
    rsvp_reason: str | None = None

    @cached_property
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


def reachable(today: date) -> tuple[ColumnElement[bool], ...]:
    """Who may be reminded today: enrolled, in Slack, not away or on leave, and wanting to hear."""
    # Conditions over a query joining Invitation, ProgrammeSession, Enrolment and Person.
    on_leave = exists().where(
        LeavePeriod.enrolment_id == Enrolment.id,
        LeavePeriod.starts_on <= today,
        or_(LeavePeriod.ends_on.is_(None), LeavePeriod.ends_on >= today),
    )
    return (
        Enrolment.status == EnrolmentStatus.ENROLLED,
        Person.slack_user_id.is_not(None),
        or_(Enrolment.away_until.is_(None), Enrolment.away_until < today),
        ~on_leave,
        or_(
            ProgrammeSession.compulsory.is_(True),
            Enrolment.optional_sessions == SessionNotificationPreference.ALL,
        ),
    )


def due_reminders(
    session: Session,
    now: datetime,
    *,
    hours: WorkingHours | None = None,
    points: Sequence[ReminderPoint] | None = None,
) -> list[DueReminder]:
    """Every reminder due by `now` that is still useful, at most one per invitation.

    `hours` and `points` override every programme's policy (for tests and tools).
    """
    policies = {
        programme_id: policy_or_default(stored)
        for programme_id, stored in session.execute(select(Programme.id, Programme.reminder_policy))
    }
    longest = max(
        [p.days_before for p in points or ()]
        + [policy.longest_lead for policy in policies.values()],
        default=0,
    )
    horizon = now + timedelta(days=longest + 7)
    rows = session.execute(
        # Columns, not entities: thousands of rows at the busiest moments, and building a
        # ProgrammeSession object for each was a quarter of the planner's time.
        select(
            Invitation.id,
            ProgrammeSession.id,
            ProgrammeSession.starts_at,
            ProgrammeSession.kind,
            Enrolment.id,
            Person.slack_user_id,
            Person.slack_tz,
            Programme.timezone,
            Programme.id,
            Invitation.rsvp,
            Invitation.rsvp_reason,
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
            Invitation.rsvp != RsvpStatus.NOT_ATTENDING,
            *reachable(now.date()),
        )
        .order_by(ProgrammeSession.starts_at, Invitation.id)
    ).all()
    owed = []
    latest_by_session: dict[tuple[object, ...], tuple[ReminderPoint, datetime] | None] = {}
    for (
        invitation_id,
        session_id,
        starts_at,
        kind,
        enrolment_id,
        slack_user_id,
        slack_tz,
        programme_tz,
        programme_id,
        rsvp,
        rsvp_reason,
    ) in rows:
        tz = _zone(slack_tz, programme_tz)
        policy = policies.get(programme_id, ReminderPolicy())
        # Everyone invited to a session in one time zone is due at the same moments.
        asked = (starts_at, tz, hours or policy.hours, kind)
        if asked not in latest_by_session:
            latest_by_session[asked] = _latest_passed(
                starts_at,
                points or policy.points_for(kind),
                tz,
                hours or policy.hours,
                now,
            )
        latest_passed = latest_by_session[asked]
        if latest_passed is None:
            continue
        latest, moment = latest_passed
        owed.append(
            DueReminder(
                invitation_id=invitation_id,
                session_id=session_id,
                enrolment_id=enrolment_id,
                recipient=str(slack_user_id),
                point=latest.name,
                due_at=moment,
                starts_at=starts_at,
                tz=tz,
                rsvp=rsvp,
                rsvp_reason=rsvp_reason,
            )
        )
    return owed


def _latest_passed(
    starts_at: datetime,
    points: Sequence[ReminderPoint],
    tz: ZoneInfo,
    hours: WorkingHours,
    now: datetime,
) -> tuple[ReminderPoint, datetime] | None:
    """The latest reminder point whose moment has come by `now`, with that moment; None if none.

    None too when another point falls later today: a late reminder now would make two in a day.
    """
    moments = [
        (due_point, reminder_moment(starts_at, due_point, tz, hours)) for due_point in points
    ]
    passed = [(due_point, moment) for due_point, moment in moments if moment <= now]
    today = now.astimezone(tz).date()
    if any(later > now and later.astimezone(tz).date() == today for _, later in moments):
        return None
    # Only the latest reminder that is due: after downtime the earlier ones are stale.
    return max(passed, key=lambda pair: pair[1]) if passed else None


def _zone(slack_tz: str | None, programme_tz: str) -> ZoneInfo:
    for name in (slack_tz, programme_tz):
        if name:
            try:
                return ZoneInfo(name)
            except (KeyError, ValueError, OSError):
                continue
    return ZoneInfo("Europe/London")


def owe_due_reminders(session: Session, now: datetime, *, limit: int | None = None) -> int:
    """Put every reminder now due into the outbox (once each); returns how many were new.

    A handful of queries however many people are due: the planner runs every few minutes over a
    whole national programme, and its busiest call owes thousands of reminders at once. With
    `limit`, at most that many, the soonest sessions first, so a later call carries on from there.
    """
    due = due_reminders(session, now)
    already = outbox.owed_keys(session, [reminder.idempotency_key for reminder in due])
    new = [reminder for reminder in due if reminder.idempotency_key not in already][:limit]
    if not new:
        return 0
    session_ids = {reminder.session_id for reminder in new}
    sessions = {
        programme_session.id: programme_session
        for programme_session in session.scalars(
            select(ProgrammeSession).where(ProgrammeSession.id.in_(session_ids))
        )
    }
    alternatives = alternative_dates(session, session_ids, now)
    # Everyone invited to a session, in one time zone and with the same reply so far, is told
    # the same thing: the wording is worked out once and only the invitation differs.
    wordings: dict[tuple[int, str, RsvpStatus, str | None], ReminderView] = {}

    def view_of(reminder: DueReminder) -> ReminderView:
        wording = (reminder.session_id, reminder.tz.key, reminder.rsvp, reminder.rsvp_reason)
        view = wordings.get(wording)
        if view is None:
            view = wordings[wording] = session_reminder_view(
                sessions[reminder.session_id],
                invitation_id=0,
                rsvp=reminder.rsvp,
                rsvp_reason=reminder.rsvp_reason,
                now=now,
                tz=reminder.tz,
                alternative=alternatives.get(reminder.session_id),
            )
        return dataclasses.replace(view, invitation_id=reminder.invitation_id)

    outbox.enqueue_new(
        session,
        [
            outbox.Owed(
                recipient=reminder.recipient,
                kind=REMINDER_KIND,
                message=SessionReminder(view_of(reminder)),
                # Due now, not at the (past) moment: after a move, the 'moved' notice owed
                # earlier must reach people before the re-planned reminder does.
                due_at=max(reminder.due_at, now),
                idempotency_key=reminder.idempotency_key,
                session_id=reminder.session_id,
                enrolment_id=reminder.enrolment_id,
            )
            for reminder in new
        ],
    )
    return len(new)
