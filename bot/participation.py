"""Chasing replies and respecting absence: plain rules over the database and `now`.

Follow-ups to non-responders, non-responder lists and quorum alerts for coordinators, being away,
leave (with coaching extended by it) and how much people hear about optional sessions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from bot import outbox
from bot.audit import record_change
from bot.blocks import mrkdwn_notice
from bot.blocks.participation import day_with_year, follow_up_message
from bot.errors import InvalidInput, NotFound
from bot.mrkdwn import Mrkdwn, mention
from bot.programmes import find_programme, programme_zone
from bot.reminder_policy import ReminderPolicy, point, policy_or_default
from bot.reminders import reachable, reminder_moment
from bot.render import render
from bot.roles import role_holders
from bot.rsvp import person_zone, reminder_view
from bot.timefmt import format_when
from db.enums import (
    EnrolmentStatus,
    LeaveKind,
    OutboundState,
    Role,
    RsvpStatus,
    SessionKind,
    SessionNotificationPreference,
    SessionStatus,
)
from db.models import (
    Cohort,
    Enrolment,
    Invitation,
    LeavePeriod,
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
# Enrolments a person still has a stake in: their settings apply to these.
LIVE_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING, EnrolmentStatus.DEFERRED)
# Reminders (and follow-ups, which share their kind) pause while someone is away; notices of
# changes do not.
PAUSED_KINDS = (outbox.SESSION_REMINDER_KIND,)


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
            message=follow_up_message(reminder_view(session, invitation, now, tz)),
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
            message=mrkdwn_notice(text),
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


# Away, leave and notification preferences


def _person(session: Session, slack_user_id: str) -> Person | None:
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def live_enrolments(session: Session, slack_user_id: str) -> list[Enrolment]:
    """The enrolments of the person with this Slack id that are still live."""
    person = _person(session, slack_user_id)
    if person is None:
        return []
    return [e for e in person.enrolments if e.status in LIVE_STATUSES]


def _require_enrolments(session: Session, slack_user_id: str, *, yourself: bool) -> list[Enrolment]:
    enrolments = live_enrolments(session, slack_user_id)
    if not enrolments:
        who = "You are" if yourself else "They are"
        raise NotFound(f"{who} not on any programme at the moment, so there is nothing to change.")
    return enrolments


def _pause_reminders(session: Session, enrolment: Enrolment) -> int:
    """Cancel reminders owed but not yet sent to someone who has just gone away."""
    ids = list(
        session.scalars(
            select(OutboundMessage.id).where(
                OutboundMessage.enrolment_id == enrolment.id,
                OutboundMessage.state == OutboundState.PENDING,
                OutboundMessage.kind.in_(PAUSED_KINDS),
            )
        )
    )
    if ids:
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_(ids))
            .values(state=OutboundState.CANCELLED, last_error="recipient away")
        )
    return len(ids)


def set_away(
    session: Session, slack_user_id: str, until: date | None, *, now: datetime
) -> list[Enrolment]:
    """Say the person is away until `until` (inclusive), or back (None); returns their enrolments."""
    if until is not None and until < now.date():
        raise InvalidInput(
            "That date has passed: give the last day you will be away.", field="date"
        )
    enrolments = _require_enrolments(session, slack_user_id, yourself=True)
    for enrolment in enrolments:
        before = {"away_until": _iso(enrolment.away_until)}
        enrolment.away_until = until
        session.flush()
        if until is not None:
            _pause_reminders(session, enrolment)
        record_change(
            session,
            actor=slack_user_id,
            action="enrolment.away",
            entity=enrolment,
            before=before,
            after={"away_until": _iso(until)},
            now=now,
        )
    return enrolments


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def leave_kind(text: str) -> LeaveKind:
    """Read a kind of leave (away, maternity, parental, sick, other)."""
    cleaned = text.strip().lower()
    try:
        return LeaveKind(cleaned)
    except ValueError:
        choices = ", ".join(k.value for k in LeaveKind)
        raise InvalidInput(f"'{text}' is not a kind of leave. Choose from: {choices}.") from None


@dataclass(frozen=True)
class LeaveRecorded:
    """What recording leave did."""

    person: Person
    periods: list[LeavePeriod]
    coaching_deadlines: list[date]


def record_leave(
    session: Session,
    slack_user_id: str,
    *,
    starts_on: date,
    ends_on: date | None,
    kind: LeaveKind,
    extend_coaching: bool,
    actor: str,
    now: datetime,
) -> LeaveRecorded:
    """Record leave for each of the person's live enrolments, optionally extending coaching."""
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput("The leave must end on or after the day it starts.", field="to")
    if extend_coaching and ends_on is None:
        raise InvalidInput(
            "I can only extend coaching by leave with an end date: record it with an end date, "
            "or add --extend-coaching when you know it.",
            field="to",
        )
    enrolments = _require_enrolments(session, slack_user_id, yourself=False)
    if extend_coaching and any(e.coaching_deadline is None for e in enrolments):
        raise InvalidInput("They have no coaching deadline yet, so there is nothing to extend.")
    for enrolment in enrolments:
        for existing in enrolment.leave_periods:
            if _overlaps(existing, starts_on, ends_on):
                ends = f"to {day_with_year(existing.ends_on)}" if existing.ends_on else "(open)"
                raise InvalidInput(
                    "That overlaps leave already recorded: "
                    f"{day_with_year(existing.starts_on)} {ends}."
                )
    periods, deadlines = [], []
    for enrolment in enrolments:
        period = LeavePeriod(
            enrolment=enrolment, starts_on=starts_on, ends_on=ends_on, kind=kind, recorded_by=actor
        )
        session.add(period)
        session.flush()
        record_change(
            session,
            actor=actor,
            action="leave.record",
            entity=period,
            before=None,
            after={
                "enrolment_id": enrolment.id,
                "starts_on": starts_on.isoformat(),
                "ends_on": _iso(ends_on),
                "kind": kind.value,
            },
            now=now,
        )
        if starts_on <= now.date() and (ends_on is None or ends_on >= now.date()):
            _pause_reminders(session, enrolment)
        if extend_coaching and ends_on is not None and enrolment.coaching_deadline is not None:
            before = enrolment.coaching_deadline
            enrolment.coaching_deadline = before + (ends_on - starts_on + timedelta(days=1))
            record_change(
                session,
                actor=actor,
                action="enrolment.coaching_deadline",
                entity=enrolment,
                before={"coaching_deadline": before.isoformat()},
                after={"coaching_deadline": enrolment.coaching_deadline.isoformat()},
                now=now,
            )
            deadlines.append(enrolment.coaching_deadline)
        periods.append(period)
    return LeaveRecorded(enrolments[0].person, periods, deadlines)


def _overlaps(period: LeavePeriod, starts_on: date, ends_on: date | None) -> bool:
    return (period.ends_on is None or period.ends_on >= starts_on) and (
        ends_on is None or ends_on >= period.starts_on
    )


def set_notifications(
    session: Session, slack_user_id: str, choice: SessionNotificationPreference, *, now: datetime
) -> list[Enrolment]:
    """Choose whether to hear about optional sessions, for all the person's live enrolments."""
    enrolments = _require_enrolments(session, slack_user_id, yourself=True)
    for enrolment in enrolments:
        before = enrolment.optional_sessions
        enrolment.optional_sessions = choice
        session.flush()
        record_change(
            session,
            actor=slack_user_id,
            action="enrolment.notifications",
            entity=enrolment,
            before={"optional_sessions": before.value},
            after={"optional_sessions": choice.value},
            now=now,
        )
    return enrolments
