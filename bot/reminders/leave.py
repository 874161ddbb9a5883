"""Being away, leave (with coaching extended by it) and how much people hear about optional sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.audit import record_change
from bot.core.dates import parse_date
from bot.core.errors import InvalidInput, NotFound
from bot.core.months import add_months
from bot.core.mrkdwn import shorten
from bot.core.people import person_by_slack_id, zone_of
from bot.core.timefmt import day_with_year
from db.enums import (
    EnrolmentStatus,
    LeaveKind,
    OutboundState,
    SessionNotificationPreference,
)
from db.models import (
    Enrolment,
    LeavePeriod,
    OutboundMessage,
    Person,
)

# Enrolments a person still has a stake in: their settings apply to these.
LIVE_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING, EnrolmentStatus.DEFERRED)
# Reminders (and follow-ups, which share their kind) pause while someone is away; notices of
# changes do not.
PAUSED_KINDS = (outbox.SESSION_REMINDER_KIND,)
# Longer absences are leave, which a coordinator records (and can extend coaching by).
MAX_AWAY_MONTHS = 12


def live_enrolments(session: Session, slack_user_id: str) -> list[Enrolment]:
    """The enrolments of the person with this Slack id that are still live."""
    person = person_by_slack_id(session, slack_user_id)
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


def last_day_away_allowed(today: date) -> date:
    """The furthest ahead someone may say they are away until: a year from `today`."""
    return add_months(today, MAX_AWAY_MONTHS)


def their_today(session: Session, slack_user_id: str, now: datetime) -> date:
    """The date it is for the person now: in their Slack time zone, else their programme's."""
    enrolments = live_enrolments(session, slack_user_id)
    zone = zone_of(enrolments[0]) if enrolments else ZoneInfo("Europe/London")
    return now.astimezone(zone).date()


def read_last_day_away(
    session: Session, slack_user_id: str, text: str, *, now: datetime
) -> date | None:
    """The last day away as typed ('23 Feb' is the next 23 February), or None for 'off'."""
    if text.strip().lower() in {"off", "back"}:
        return None
    today = their_today(session, slack_user_id, now)
    return parse_date(text, "date", on_or_after=today)


def set_away(
    session: Session, slack_user_id: str, until: date | None, *, now: datetime
) -> list[Enrolment]:
    """Say the person is away until `until` (inclusive), or back (None); returns their enrolments."""
    today = their_today(session, slack_user_id, now)
    if until is not None and until < today:
        raise InvalidInput(
            "That date has passed: give the last day you will be away.", field="date"
        )
    latest = last_day_away_allowed(today)
    if until is not None and until > latest:
        raise InvalidInput(
            "That is more than a year away: give a last day away no later than "
            f"{day_with_year(latest)}, and set it again nearer the time if you need longer.",
            field="date",
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
        raise InvalidInput(
            f"'{shorten(text)}' is not a kind of leave. Choose from: {choices}."
        ) from None


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


def away_or_on_leave(enrolment: Enrolment, today: date) -> bool:
    """Whether `enrolment` is marked away or inside a leave period on `today` (needs `leave_periods`)."""
    if enrolment.away_until is not None and enrolment.away_until >= today:
        return True
    return any(
        period.starts_on <= today and (period.ends_on is None or period.ends_on >= today)
        for period in enrolment.leave_periods
    )


def back_on(enrolment: Enrolment, today: date) -> date | None:
    """The first day from `today` on which `enrolment` is neither away nor on leave.

    None while on leave with no end date. Needs `leave_periods`.
    """
    day = today
    # Away and leave periods can follow on from one another, so step over each in turn.
    while away_or_on_leave(enrolment, day):
        ends = (
            [enrolment.away_until] if enrolment.away_until and enrolment.away_until >= day else []
        )
        for period in enrolment.leave_periods:
            if period.starts_on <= day and (period.ends_on is None or period.ends_on >= day):
                if period.ends_on is None:
                    return None
                ends.append(period.ends_on)
        day = max(ends) + timedelta(days=1)
    return day
