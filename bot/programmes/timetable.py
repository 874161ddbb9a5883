"""Sessions: checking a plan (errors and warnings), saving it, and moving or cancelling sessions."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import outbox, outbox_claims
from bot.core.audit import record_change
from bot.core.concurrency import fingerprint, locked, require_unchanged
from bot.core.dates import local_instant, parse_date, parse_time
from bot.core.errors import CohortbotError, InvalidInput
from bot.core.notice import Notice
from bot.core.people import person_by_slack_id
from bot.core.render import render
from bot.core.timefmt import format_day, format_when
from bot.programmes.fields import Field
from bot.programmes.invitations import ensure_invitations, prune_invitations
from bot.programmes.programmes import programme_window, programme_zone
from db.enums import (
    DatePrecision,
    EnrolmentStatus,
    SessionChangeKind,
    SessionKind,
    SessionStatus,
)
from db.models import ActionLearningGroup, Cohort, Person, ProgrammeSession, SessionChange

_T = TypeVar("_T")

KIND_LABELS: dict[SessionKind, str] = {
    SessionKind.WORKSHOP: "Workshop",
    SessionKind.ACTION_LEARNING_SET: "Action learning set",
    SessionKind.ORGANISATIONAL_DEVELOPMENT: "Organisational development",
    SessionKind.ASSESSMENT: "Assessment",
    SessionKind.COACHING: "Coaching",
    SessionKind.OTHER: "Other",
}
# An all-day session is the working day, so reminders, check-in and overlaps treat it as people do.
ALL_DAY_STARTS = time(9, 0)
ALL_DAY_ENDS = time(17, 0)
# Planned before the cohort's workshop, these look wrong: the workshop launches the programme.
AFTER_THE_WORKSHOP = {
    SessionKind.ACTION_LEARNING_SET: "This action learning set is",
    SessionKind.COACHING: "Coaching is planned to commence",
}


class NeedsConfirmation(CohortbotError):
    """The plan is possible but suspicious: the coordinator must confirm the warnings first."""

    def __init__(self, warnings: Sequence[str]) -> None:
        super().__init__("Please check: " + " ".join(warnings))
        self.warnings = tuple(warnings)


@dataclass(frozen=True)
class SessionDetails:
    """What a coordinator says about a session (times are aware datetimes)."""

    kind: SessionKind
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str | None = None
    video_url: str | None = None
    compulsory: bool = True
    group_id: int | None = None
    facilitator_id: int | None = None
    all_day: bool = False


_LABELS = {
    Field.START_DATE: "Start date",
    Field.START_TIME: "Start time",
    Field.END_DATE: "End date",
    Field.END_TIME: "End time",
}


def _read(parse: Callable[[str, str], _T], text: str, field: Field) -> _T:
    try:
        return parse(text, field)
    except InvalidInput as error:
        # The service names the field; people read its label.
        raise InvalidInput(
            str(error).replace(f"{field}:", f"{_LABELS[field]}:"), field=field
        ) from None


def read_times(
    start_date: str, start_time: str, end_date: str, end_time: str, tz: ZoneInfo
) -> tuple[datetime, datetime]:
    """Start and end from what was typed or picked; impossible dates and end-before-start refused."""
    start_day = _read(parse_date, start_date, Field.START_DATE)
    starts = local_instant(start_day, _read(parse_time, start_time, Field.START_TIME), tz)
    end_day = _read(parse_date, end_date, Field.END_DATE) if end_date.strip() else start_day
    ends = local_instant(end_day, _read(parse_time, end_time, Field.END_TIME), tz)
    check_times(starts, ends)
    return starts, ends


def read_planned_times(
    start_date: str, start_time: str, end_date: str, end_time: str, tz: ZoneInfo
) -> tuple[datetime, datetime, bool]:
    """As `read_times`, but both times left empty is an all-day session (the working day)."""
    if start_time.strip() or end_time.strip():
        if not (start_time.strip() and end_time.strip()):
            field = Field.END_TIME if start_time.strip() else Field.START_TIME
            raise InvalidInput(
                "Give both times, or leave both empty for an all-day session.", field=field
            )
        return (*read_times(start_date, start_time, end_date, end_time, tz), False)
    start_day = _read(parse_date, start_date, Field.START_DATE)
    end_day = _read(parse_date, end_date, Field.END_DATE) if end_date.strip() else start_day
    if end_day < start_day:
        raise InvalidInput("The end must be after the start.", field=Field.END_DATE)
    starts = local_instant(start_day, ALL_DAY_STARTS, tz)
    return starts, local_instant(end_day, ALL_DAY_ENDS, tz), True


def check_times(starts_at: datetime, ends_at: datetime) -> None:
    """Refuse an end that is not after the start, naming the end field."""
    if ends_at <= starts_at:
        field = Field.END_DATE if ends_at.date() < starts_at.date() else Field.END_TIME
        raise InvalidInput("The end must be after the start.", field=field)


def _days(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> list[date]:
    first = starts_at.astimezone(tz).date()
    # A session ending at midnight does not touch the next day.
    last = (ends_at.astimezone(tz) - timedelta(microseconds=1)).date()
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _shares_people(group_a: int | None, group_b: int | None) -> bool:
    return group_a is None or group_b is None or group_a == group_b


@dataclass(frozen=True)
class Pending:
    """Another session planned alongside (a timetable import's other rows), not yet saved."""

    label: str
    kind: SessionKind
    starts_at: datetime
    ends_at: datetime
    group_id: int | None
    title: str = ""


def plan_warnings(
    session: Session,
    cohort: Cohort,
    details: SessionDetails,
    *,
    session_id: int | None = None,
    pending: Sequence[Pending] = (),
    window_only: bool = False,
) -> list[str]:
    """Suspicious but possible things about a planned session, as sentences to confirm.

    `pending` are sessions planned with it (an import's other rows); `window_only` checks only
    the programme's window (for a session whose day is still to be confirmed).
    """
    tz = programme_zone(cohort)
    warnings: list[str] = []
    others = [
        Pending(
            label=f"#{other.id} {other.title}",
            kind=other.kind,
            starts_at=other.starts_at,
            ends_at=other.ends_at,
            group_id=other.action_learning_group_id,
            title=other.title,
        )
        for other in session.scalars(
            select(ProgrammeSession).where(
                ProgrammeSession.cohort_id == cohort.id,
                ProgrammeSession.status == SessionStatus.SCHEDULED,
            )
        )
        if other.id != session_id
    ] + list(pending)
    if details.kind in AFTER_THE_WORKSHOP and not window_only:
        workshops = [o for o in others if o.kind == SessionKind.WORKSHOP]
        if workshops and min(w.starts_at for w in workshops) > details.starts_at:
            first = min(workshops, key=lambda w: w.starts_at)
            warnings.append(
                f"{AFTER_THE_WORKSHOP[details.kind]} before the cohort's workshop "
                f"({first.title or first.label}, {format_when(first.starts_at, tz)})."
            )
    window = programme_window(cohort)
    days = _days(details.starts_at, details.ends_at, tz)
    if window is not None and (days[0] < window[0] or days[-1] > window[1]):
        warnings.append(
            f"This is outside the programme's window "
            f"({format_day(window[0])} {window[0].year} to {format_day(window[1])} {window[1].year})."
        )
    if window_only:
        return warnings
    for other in others:
        if SessionKind.COACHING in (other.kind, details.kind):
            continue  # planned coaching is a deadline: nobody is in a room for it
        overlapping = other.starts_at < details.ends_at and details.starts_at < other.ends_at
        if overlapping and _shares_people(other.group_id, details.group_id):
            warnings.append(
                f"It overlaps {other.label} ({format_when(other.starts_at, tz)}) "
                "for the same people."
            )
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years={d.year for d in days})
    for day in days:
        if day in bank_holidays:
            warnings.append(
                f"{format_day(day)} {day.year} is a bank holiday ({bank_holidays[day]})."
            )
        elif day.weekday() >= 5:
            warnings.append(f"{format_day(day)} {day.year} is a weekend.")
    return warnings


def require_accepted(warnings: Sequence[str], accepted: Collection[str]) -> None:
    """Raise `NeedsConfirmation` unless the coordinator has seen and accepted every warning."""
    # Accepting warnings about one plan must not wave through a different one.
    if any(warning not in accepted for warning in warnings):
        raise NeedsConfirmation(warnings)


def session_snapshot(row: ProgrammeSession) -> dict[str, Any]:
    """The session as the audit trail records it."""
    return {
        "kind": row.kind.value,
        "title": row.title,
        "starts_at": row.starts_at.isoformat(),
        "ends_at": row.ends_at.isoformat(),
        "location": row.location,
        "video_url": row.video_url,
        "compulsory": row.compulsory,
        "group_id": row.action_learning_group_id,
        "facilitator_id": row.facilitator_id,
        "status": row.status.value,
    }


def facilitator_person(session: Session, slack_user_id: str, name: str) -> Person:
    """The person record for a Slack user chosen as facilitator (created if new)."""
    person = person_by_slack_id(session, slack_user_id)
    if person is None:
        person = Person(slack_user_id=slack_user_id, name=name)
        session.add(person)
        session.flush()
    return person


def save_session(
    session: Session,
    details: SessionDetails,
    *,
    cohort_id: int,
    session_id: int | None,
    accepted: Collection[str] = (),
    actor: str,
    now: datetime,
    expected: str | None = None,
) -> ProgrammeSession:
    """Add a session (`session_id` None) or edit one; `NeedsConfirmation` for unaccepted warnings.

    `expected` is the fingerprint of the session as the form showed it (`bot.core.concurrency`).
    """
    cohort = session.get_one(Cohort, cohort_id)
    if not details.title.strip():
        raise InvalidInput("Give the session a title.", field=Field.TITLE)
    check_times(details.starts_at, details.ends_at)
    if details.group_id is not None:
        group = session.get(ActionLearningGroup, details.group_id)
        if group is None or group.cohort_id != cohort_id:
            raise InvalidInput("That group is not in this cohort.", field=Field.AUDIENCE)
    if session_id is None:
        row, before = ProgrammeSession(cohort_id=cohort_id), None
    else:
        row = locked(session, ProgrammeSession, session_id, "That session no longer exists.")
        before = session_snapshot(row)
        require_unchanged(
            expected,
            fingerprint(before),
            what=f"#{row.id} {row.title}",
            now_is=f"{row.title}, {format_when(row.starts_at, programme_zone(cohort))}, "
            + (row.location or "no location"),
        )
    times_changed = before is None or (row.starts_at, row.ends_at) != (
        details.starts_at,
        details.ends_at,
    )
    if before is not None and times_changed:
        raise InvalidInput("Use `/cohort session move` to change a session's times.")
    warnings = plan_warnings(session, cohort, details, session_id=session_id)
    if times_changed or row.action_learning_group_id != details.group_id:
        require_accepted(warnings, accepted)
    if before is None:
        session.add(row)
    row.kind, row.title = details.kind, details.title.strip()
    row.starts_at, row.ends_at = details.starts_at, details.ends_at
    row.location, row.video_url = details.location, details.video_url
    row.compulsory, row.action_learning_group_id = details.compulsory, details.group_id
    row.facilitator_id = details.facilitator_id
    if before is None:
        row.all_day = details.all_day
    session.flush()
    record_change(
        session,
        actor=actor,
        action="session.create" if before is None else "session.edit",
        entity=row,
        before=before,
        after=session_snapshot(row),
        now=now,
    )
    prune_invitations(session, cohort_id=cohort_id)
    ensure_invitations(session, cohort_id=cohort_id)
    return row


def _tell_invited(
    session: Session, row: ProgrammeSession, change: SessionChange, *, kind: str, text: str
) -> int:
    told = 0
    for invitation in row.invitations:
        enrolment = invitation.enrolment
        slack_user_id = enrolment.person.slack_user_id
        if enrolment.status != EnrolmentStatus.ENROLLED or slack_user_id is None:
            continue
        outbox.enqueue(
            session,
            recipient=slack_user_id,
            kind=kind,
            message=Notice(text),
            due_at=change.changed_at,
            idempotency_key=f"{kind}:{change.id}:{enrolment.id}",
            session_id=row.id,
            enrolment_id=enrolment.id,
        )
        told += 1
    return told


def _record(
    session: Session,
    row: ProgrammeSession,
    kind: SessionChangeKind,
    *,
    new_times: tuple[datetime, datetime] | None,
    reason: str,
    actor: str,
    now: datetime,
) -> SessionChange:
    change = SessionChange(
        session=row,
        kind=kind,
        old_starts_at=row.starts_at,
        old_ends_at=row.ends_at,
        new_starts_at=new_times[0] if new_times else None,
        new_ends_at=new_times[1] if new_times else None,
        reason=reason,
        changed_by=actor,
        changed_at=now,
    )
    session.add(change)
    return change


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise InvalidInput("Say why, so the people invited know.", field=Field.REASON)
    return reason.strip()


def move_session(
    session: Session,
    session_id: int,
    *,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    accepted: Collection[str] = (),
    actor: str,
    now: datetime,
    all_day: bool | None = None,
) -> int:
    """Move a session, record why, and tell everyone invited; returns how many were told.

    A session whose day was still to be confirmed gets its day, and from then on is reminded.
    """
    row = session.get_one(ProgrammeSession, session_id)
    if row.status == SessionStatus.CANCELLED:
        raise InvalidInput(f"#{row.id} {row.title} is cancelled, so it cannot be moved.")
    reason = _require_reason(reason)
    check_times(starts_at, ends_at)
    details = SessionDetails(
        kind=row.kind,
        title=row.title,
        starts_at=starts_at,
        ends_at=ends_at,
        group_id=row.action_learning_group_id,
    )
    warnings = plan_warnings(session, row.cohort, details, session_id=row.id)
    require_accepted(warnings, accepted)
    tz = programme_zone(row.cohort)
    before = session_snapshot(row)
    change = _record(
        session,
        row,
        SessionChangeKind.MOVED,
        new_times=(starts_at, ends_at),
        reason=reason,
        actor=actor,
        now=now,
    )
    text = render(
        "programmes/session_moved.j2",
        title=row.title,
        old_when=format_when(row.starts_at, tz),
        new_when=format_when(starts_at, tz),
        reason=reason,
    )
    row.starts_at, row.ends_at, row.change_reason = starts_at, ends_at, reason
    if all_day is not None:
        row.all_day = all_day
    if row.status == SessionStatus.DATE_TBC:
        row.status, row.date_precision = SessionStatus.SCHEDULED, DatePrecision.DAY
    session.flush()
    ensure_invitations(session, cohort_id=row.cohort_id)
    outbox_claims.cancel_pending(session, session_id=row.id, now=now)
    record_change(
        session,
        actor=actor,
        action="session.move",
        entity=row,
        before=before,
        after=session_snapshot(row),
        now=now,
    )
    return _tell_invited(session, row, change, kind="session_moved", text=text)


def cancel_session(
    session: Session, session_id: int, *, reason: str, actor: str, now: datetime
) -> int:
    """Cancel a session, record why, and tell everyone invited; returns how many were told."""
    row = session.get_one(ProgrammeSession, session_id)
    if row.status == SessionStatus.CANCELLED:
        raise InvalidInput(f"#{row.id} {row.title} is already cancelled.")
    reason = _require_reason(reason)
    before = session_snapshot(row)
    change = _record(
        session,
        row,
        SessionChangeKind.CANCELLED,
        new_times=None,
        reason=reason,
        actor=actor,
        now=now,
    )
    row.status, row.change_reason = SessionStatus.CANCELLED, reason
    session.flush()
    outbox_claims.cancel_pending(session, session_id=row.id, now=now)
    record_change(
        session,
        actor=actor,
        action="session.cancel",
        entity=row,
        before=before,
        after=session_snapshot(row),
        now=now,
    )
    text = render(
        "programmes/session_cancelled.j2",
        title=row.title,
        old_when=format_when(row.starts_at, programme_zone(row.cohort)),
        reason=reason,
    )
    return _tell_invited(session, row, change, kind="session_cancelled", text=text)
