"""Replies to reminders: who is coming, who is not and why, and what the reminder then shows."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot.core import outbox
from bot.core.audit import record_change
from bot.core.errors import InvalidInput, NotFound, PermissionDenied
from bot.core.mrkdwn import mention
from bot.core.notice import Notice
from bot.core.render import render
from bot.core.roles import role_holders
from bot.core.timefmt import format_span, format_when
from bot.reminders.fields import ReplyField
from bot.reminders.messages import ReminderView
from db.enums import Role, RsvpStatus, SessionStatus
from db.models import Cohort, Enrolment, Invitation, ProgrammeSession

ABSENCE_ALERT_KIND = "absence_alert"


def owned_invitation(session: Session, invitation_id: int, slack_user_id: str) -> Invitation:
    """The invitation behind a reminder, if it was sent to `slack_user_id` (forwarded ones are not)."""
    # With whose it is and what it is about in the same query: a reply reads them all.
    invitation = session.scalar(
        select(Invitation)
        .where(Invitation.id == invitation_id)
        .options(
            joinedload(Invitation.enrolment, innerjoin=True).joinedload(
                Enrolment.person, innerjoin=True
            ),
            joinedload(Invitation.session, innerjoin=True)
            .joinedload(ProgrammeSession.cohort, innerjoin=True)
            .joinedload(Cohort.programme, innerjoin=True),
        )
    )
    if invitation is None:
        raise NotFound("That session is no longer in the timetable.")
    if invitation.enrolment.person.slack_user_id != slack_user_id:
        raise PermissionDenied(
            "This reminder was sent to someone else, so only they can reply to it."
        )
    return invitation


def record_reply(
    session: Session,
    *,
    invitation_id: int,
    slack_user_id: str,
    attending: bool,
    reason: str | None,
    now: datetime,
) -> ReminderView:
    """Record whether the person is coming (with a reason if not); returns the updated reminder."""
    # Locked and read afresh: a double click reaching two web processes is answered twice but
    # recorded once, the second seeing the first's answer.
    session.get(Invitation, invitation_id, with_for_update=True, populate_existing=True)
    invitation = owned_invitation(session, invitation_id, slack_user_id)
    programme_session = invitation.session
    if programme_session.status == SessionStatus.CANCELLED:
        raise InvalidInput("That session has been cancelled, so there is nothing to reply to.")
    reason = (reason or "").strip() or None
    if not attending and reason is None:
        raise InvalidInput("Please say briefly why you can't come.", field=ReplyField.REASON)
    before = {"rsvp": invitation.rsvp.value, "reason": invitation.rsvp_reason}
    answer = RsvpStatus.ATTENDING if attending else RsvpStatus.NOT_ATTENDING
    if (invitation.rsvp, invitation.rsvp_reason) == (answer, None if attending else reason):
        return reminder_view(session, invitation, now, person_zone(invitation))  # said already
    invitation.rsvp = answer
    invitation.rsvp_reason = None if attending else reason
    invitation.rsvp_at = now
    record_change(
        session,
        actor=slack_user_id,
        action="invitation.reply",
        entity=invitation,
        before=before,
        after={"rsvp": invitation.rsvp.value, "reason": invitation.rsvp_reason},
        now=now,
    )
    tz = person_zone(invitation)
    view = reminder_view(session, invitation, now, tz)
    if not attending and programme_session.compulsory:
        alert_coordinators_of_absence(session, invitation, view, now)
    return view


def reminder_view(
    session: Session,
    invitation: Invitation,
    now: datetime,
    tz: ZoneInfo,
    *,
    alternatives: Mapping[int, ProgrammeSession] | None = None,
) -> ReminderView:
    """What a reminder about `invitation` says as of `now`, in the reader's time zone."""
    programme_session = invitation.session
    if alternatives is None:
        alternatives = alternative_dates(session, [programme_session.id], now)
    return session_reminder_view(
        programme_session,
        invitation_id=invitation.id,
        rsvp=invitation.rsvp,
        rsvp_reason=invitation.rsvp_reason,
        now=now,
        tz=tz,
        alternative=alternatives.get(programme_session.id),
    )


def session_reminder_view(
    programme_session: ProgrammeSession,
    *,
    invitation_id: int,
    rsvp: RsvpStatus,
    rsvp_reason: str | None,
    now: datetime,
    tz: ZoneInfo,
    alternative: ProgrammeSession | None,
) -> ReminderView:
    """What a reminder of `programme_session` says to one invitee, from the parts it is made of."""
    start_local = programme_session.starts_at.astimezone(tz)
    end_local = programme_session.ends_at.astimezone(tz)
    return ReminderView(
        invitation_id=invitation_id,
        title=programme_session.title,
        lead=lead_time(start_local.date(), now.astimezone(tz).date()),
        when=format_span(programme_session.starts_at, programme_session.ends_at, tz, all_day=True)
        if programme_session.all_day
        else format_when(programme_session.starts_at, tz),
        ends=None
        if programme_session.all_day
        else format_when(programme_session.ends_at, tz)
        if end_local.date() != start_local.date()
        else f"{end_local:%H:%M}",
        location=programme_session.location,
        video_url=programme_session.video_url,
        compulsory=programme_session.compulsory,
        rsvp=rsvp.value,
        rsvp_reason=rsvp_reason,
        alternative=format_when(alternative.starts_at, tz) if alternative is not None else None,
    )


def alternative_dates(
    session: Session, session_ids: Collection[int], now: datetime
) -> dict[int, ProgrammeSession]:
    """For each session, its earliest alternative date still to come, in one query."""
    found: dict[int, ProgrammeSession] = {}
    if not session_ids:
        return found
    rows = session.scalars(
        select(ProgrammeSession)
        .where(
            ProgrammeSession.alternative_of_id.in_(session_ids),
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ProgrammeSession.starts_at > now,
        )
        .order_by(ProgrammeSession.starts_at)
    )
    for alternative in rows:
        found.setdefault(int(alternative.alternative_of_id or 0), alternative)
    return found


def lead_time(session_day: date, today: date) -> str:
    """'today', 'tomorrow' or 'in 14 days'."""
    days = (session_day - today).days
    if days <= 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"


def person_zone(invitation: Invitation) -> ZoneInfo:
    """The reader's Slack time zone, else the programme's."""
    for name in (
        invitation.enrolment.person.slack_tz,
        invitation.session.cohort.programme.timezone,
    ):
        if name:
            try:
                return ZoneInfo(name)
            except (KeyError, ValueError, OSError):
                continue
    return ZoneInfo("Europe/London")


def alert_coordinators_of_absence(
    session: Session, invitation: Invitation, view: ReminderView, now: datetime
) -> None:
    """Tell the coordinators that someone will miss a compulsory session, and why."""
    person = invitation.enrolment.person
    text = render(
        "reminders/absence_alert.j2",
        person=mention(str(person.slack_user_id)),
        title=view.title,
        when=view.when,
        reason=view.rsvp_reason,
        alternative=view.alternative,
    )
    for coordinator in role_holders(session)[Role.COORDINATOR]:
        outbox.enqueue(
            session,
            recipient=coordinator,
            kind=ABSENCE_ALERT_KIND,
            message=Notice(text),
            due_at=now,
            idempotency_key=f"{ABSENCE_ALERT_KIND}:{invitation.id}:{now.isoformat()}:{coordinator}",
            session_id=invitation.session_id,
        )
