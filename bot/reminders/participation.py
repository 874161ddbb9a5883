"""Chasing replies: plain rules over the database and `now`.

The reminder policy's changes, follow-ups to non-responders, and non-responder lists and quorum
alerts for coordinators. Being away and leave are in `bot.reminders.leave`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.core import outbox
from bot.core.audit import record_change
from bot.core.errors import InvalidInput
from bot.core.mrkdwn import Mrkdwn, mention
from bot.core.notice import Notice
from bot.core.render import render
from bot.core.roles import role_holders
from bot.core.timefmt import format_when
from bot.programmes.programmes import find_programme, programme_zone
from bot.reminders.messages import ReminderFollowUp
from bot.reminders.policy import ReminderPolicy, point, policy_or_default
from bot.reminders.reminders import reachable, reminder_moment
from bot.reminders.rsvp import person_zone, reminder_view
from db.enums import (
    EnrolmentStatus,
    OutboundState,
    Role,
    RsvpStatus,
    SessionKind,
    SessionStatus,
)
from db.models import (
    Cohort,
    Enrolment,
    Invitation,
    OutboundMessage,
    Person,
    Programme,
    ProgrammeSession,
)

NON_RESPONDERS_KIND = "non_responders"
QUORUM_ALERT_KIND = "quorum_alert"
FOLLOW_UP_DAYS = 7
NON_RESPONDER_DAYS = 2
QUORUM_DAYS = 7


def _start_key(starts_at: datetime) -> str:
    return f"{starts_at.astimezone(UTC):%Y%m%dT%H%MZ}"


def _policy(programme: Programme) -> ReminderPolicy:
    return policy_or_default(programme.reminder_policy)


# Reminder policy


def show_policy(session: Session, programme_name: str) -> tuple[Programme, ReminderPolicy]:
    """The named programme and its reminder policy."""
    programme = find_programme(session, programme_name)
    return programme, _policy(programme)


def change_policy(
    session: Session, programme_name: str, words: Sequence[str], *, actor: str, now: datetime
) -> tuple[Programme, ReminderPolicy]:
    """Change a programme's policy: `<kind|all> <days>`, `hours <from-to>` or `quorum <share>`."""
    programme = find_programme(session, programme_name)
    stored = dict(programme.reminder_policy or {})
    # From the defaults if the stored policy is unreadable, so a change repairs it.
    before = _policy(programme)
    if len(words) != 2:
        raise InvalidInput(
            "Say what to change: a session kind (or all) and days such as 21,7,2,0; "
            "hours 08:30-16:30; or quorum 50%."
        )
    what, value = words
    if what.lower() == "hours":
        after = before.with_hours(value)
    elif what.lower() == "quorum":
        after = before.with_quorum(value)
    else:
        after = before.with_days(what, value)
    programme.reminder_policy = after.to_json()
    session.flush()
    record_change(
        session,
        actor=actor,
        action="programme.reminder_policy",
        entity=programme,
        before=stored,
        after=after.to_json(),
        now=now,
    )
    return programme, after


# Follow-ups and non-responders


def follow_up_moment(
    starts_at: datetime, policy: ReminderPolicy, kind: SessionKind, tz: ZoneInfo
) -> datetime | None:
    """When a non-responder is chased: 7 days before, or halfway from the first reminder if sooner."""
    hours = policy.hours
    first = max(policy.days_for(kind), default=0)
    first_moment = reminder_moment(starts_at, point(first), tz, hours)
    halfway = hours.next_moment(first_moment + (starts_at - first_moment) / 2, tz)
    week_before = reminder_moment(starts_at, point(FOLLOW_UP_DAYS), tz, hours)
    moment = min(week_before, halfway) if week_before > first_moment else halfway
    # Chasing on the day of the session itself only adds noise to the on-the-day reminder.
    before_the_day = moment.astimezone(tz).date() < starts_at.astimezone(tz).date()
    return moment if first_moment < moment and before_the_day else None


def _reminded(session: Session, invitations: Sequence[Invitation]) -> set[tuple[int, int]]:
    """(session id, enrolment id) of the invitations whose people have been sent a reminder."""
    session_ids = {i.session_id for i in invitations}
    if not session_ids:
        return set()
    rows = session.execute(
        select(OutboundMessage.session_id, OutboundMessage.enrolment_id).where(
            OutboundMessage.session_id.in_(session_ids),
            OutboundMessage.state == OutboundState.SENT,
            OutboundMessage.idempotency_key.startswith("reminder:"),
        )
    )
    return {(int(s), int(e)) for s, e in rows if s is not None and e is not None}


def _owed_keys(session: Session, invitations: Sequence[Invitation], prefix: str) -> set[str]:
    session_ids = {i.session_id for i in invitations}
    if not session_ids:
        return set()
    return set(
        session.scalars(
            select(OutboundMessage.idempotency_key).where(
                OutboundMessage.session_id.in_(session_ids),
                OutboundMessage.idempotency_key.startswith(prefix),
            )
        )
    )


def _unanswered(session: Session, now: datetime, horizon: datetime) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation)
            .join(ProgrammeSession, Invitation.session_id == ProgrammeSession.id)
            .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
            .join(Person, Enrolment.person_id == Person.id)
            .where(
                ProgrammeSession.status == SessionStatus.SCHEDULED,
                ProgrammeSession.starts_at > now,
                ProgrammeSession.starts_at <= horizon,
                Invitation.rsvp == RsvpStatus.NONE,
                *reachable(now.date()),
            )
            .order_by(ProgrammeSession.starts_at, Invitation.id)
            .options(
                selectinload(Invitation.enrolment).selectinload(Enrolment.person),
                selectinload(Invitation.session)
                .selectinload(ProgrammeSession.cohort)
                .selectinload(Cohort.programme),
            )
        )
    )


def _longest_lead(session: Session) -> int:
    stored = session.scalars(select(Programme.reminder_policy))
    return max((policy_or_default(s).longest_lead for s in stored), default=0)


def owe_follow_ups(session: Session, now: datetime) -> int:
    """Chase, once, each person reminded of a session who has not replied; returns how many."""
    horizon = now + timedelta(days=max(_longest_lead(session), FOLLOW_UP_DAYS) + 7)
    unanswered = _unanswered(session, now, horizon)
    reminded = _reminded(session, unanswered)
    owed_already = _owed_keys(session, unanswered, "follow-up:")
    owed = 0
    for invitation in unanswered:
        programme_session = invitation.session
        key = f"follow-up:{invitation.id}:{_start_key(programme_session.starts_at)}"
        if key in owed_already or (invitation.session_id, invitation.enrolment_id) not in reminded:
            continue
        policy = _policy(programme_session.cohort.programme)
        tz = person_zone(invitation)
        moment = follow_up_moment(programme_session.starts_at, policy, programme_session.kind, tz)
        if moment is None or moment > now:
            continue
        later_reminders = [
            reminder_moment(programme_session.starts_at, p, tz, policy.hours)
            for p in policy.points_for(programme_session.kind)
        ]
        if any(moment < later <= now for later in later_reminders):
            # A later reminder is already due (after downtime): it asks the same question.
            continue
        row = outbox.enqueue(
            session,
            recipient=str(invitation.enrolment.person.slack_user_id),
            kind=outbox.SESSION_REMINDER_KIND,
            message=ReminderFollowUp(reminder_view(session, invitation, now, tz)),
            due_at=moment,
            idempotency_key=key,
            session_id=programme_session.id,
            enrolment_id=invitation.enrolment_id,
        )
        owed += row is not None
    return owed


def _coordinator_alert(
    session: Session,
    recipients: Sequence[str],
    *,
    kind: str,
    key: str,
    text: str,
    programme_session: ProgrammeSession,
    now: datetime,
) -> int:
    owed = 0
    for recipient in dict.fromkeys(recipients):
        row = outbox.enqueue(
            session,
            recipient=recipient,
            kind=kind,
            message=Notice(text),
            due_at=now,
            idempotency_key=f"{key}:{recipient}",
            session_id=programme_session.id,
        )
        owed += row is not None
    return owed


def _who(person: Person) -> str:
    return mention(person.slack_user_id) if person.slack_user_id else person.name


def owe_non_responder_lists(session: Session, now: datetime) -> int:
    """List, for the coordinators, who has still not replied 2 days before each session."""
    horizon = now + timedelta(days=NON_RESPONDER_DAYS + 7)
    unanswered = _unanswered(session, now, horizon)
    reminded = _reminded(session, unanswered)
    by_session: dict[int, list[Invitation]] = {}
    for invitation in unanswered:
        # Someone never reminded (e.g. just back from leave) has had no chance to reply.
        if (invitation.session_id, invitation.enrolment_id) in reminded:
            by_session.setdefault(invitation.session_id, []).append(invitation)
    coordinators = role_holders(session)[Role.COORDINATOR]
    owed = 0
    for invitations in by_session.values():
        programme_session = invitations[0].session
        policy = _policy(programme_session.cohort.programme)
        tz = programme_zone(programme_session.cohort)
        moment = reminder_moment(
            programme_session.starts_at, point(NON_RESPONDER_DAYS), tz, policy.hours
        )
        if moment > now:
            continue
        text = render(
            "participation/non_responders.j2",
            title=programme_session.title,
            when=format_when(programme_session.starts_at, tz),
            people=Mrkdwn(", ".join(_who(i.enrolment.person) for i in invitations)),
            count=len(invitations),
        )
        owed += _coordinator_alert(
            session,
            coordinators,
            kind=NON_RESPONDERS_KIND,
            key=f"non-responders:{programme_session.id}:{_start_key(programme_session.starts_at)}",
            text=text,
            programme_session=programme_session,
            now=now,
        )
    return owed


# Quorum


@dataclass(frozen=True)
class Quorum:
    """How many of a session's invitees have said they will come, against the policy's share."""

    invited: int
    coming: int
    share: float

    @property
    def met(self) -> bool:
        """Whether enough have said they will come."""
        return self.coming >= self.share * self.invited


def owe_quorum_alerts(session: Session, now: datetime) -> int:
    """Alert facilitator and coordinators, once, about action learning sets short of quorum.

    Checked from 7 days before until the non-responder list goes out 2 days before.
    """
    sessions = session.scalars(
        select(ProgrammeSession)
        .where(
            ProgrammeSession.kind == SessionKind.ACTION_LEARNING_SET,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ProgrammeSession.starts_at > now,
            ProgrammeSession.starts_at <= now + timedelta(days=QUORUM_DAYS + 7),
        )
        .order_by(ProgrammeSession.starts_at)
    )
    coordinators = role_holders(session)[Role.COORDINATOR]
    owed = 0
    for programme_session in sessions:
        policy = _policy(programme_session.cohort.programme)
        tz = programme_zone(programme_session.cohort)
        moment = reminder_moment(programme_session.starts_at, point(QUORUM_DAYS), tz, policy.hours)
        # From 2 days before, the non-responder list and absence alerts say the same thing.
        closes = reminder_moment(
            programme_session.starts_at, point(NON_RESPONDER_DAYS), tz, policy.hours
        )
        invitations = [
            i
            for i in programme_session.invitations
            if i.enrolment.status == EnrolmentStatus.ENROLLED
        ]
        coming = [i for i in invitations if i.rsvp == RsvpStatus.ATTENDING]
        quorum = Quorum(invited=len(invitations), coming=len(coming), share=policy.quorum)
        if not moment <= now < closes or not invitations or quorum.met:
            continue
        facilitator = programme_session.facilitator
        recipients = [
            *([facilitator.slack_user_id] if facilitator and facilitator.slack_user_id else []),
            *coordinators,
        ]
        text = render(
            "participation/quorum.j2",
            title=programme_session.title,
            when=format_when(programme_session.starts_at, tz),
            quorum=quorum,
            percent=f"{policy.quorum:.0%}",
            declined=_people(i for i in invitations if i.rsvp == RsvpStatus.NOT_ATTENDING),
            silent=_people(i for i in invitations if i.rsvp == RsvpStatus.NONE),
        )
        owed += _coordinator_alert(
            session,
            recipients,
            kind=QUORUM_ALERT_KIND,
            key=f"quorum:{programme_session.id}:{_start_key(programme_session.starts_at)}",
            text=text,
            programme_session=programme_session,
            now=now,
        )
    return owed


def _people(invitations: Any) -> Mrkdwn:
    return Mrkdwn(", ".join(_who(i.enrolment.person) for i in invitations))
