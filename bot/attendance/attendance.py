"""Attendance: the register of a session, recording it, check-ins and flags for repeated absence.

Plain rules over the database and `now`; the Slack shell lives in `handlers/*/attendance.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.attendance.fields import reason_field
from bot.attendance.messages import AbsenceFlag, CheckInPrompt, RecordPrompt
from bot.attendance.register import Register, RegisterEntry, recorded_fingerprint
from bot.core import outbox
from bot.core.audit import record_change, record_read
from bot.core.concurrency import require_unchanged
from bot.core.errors import InvalidInput, NotFound, PermissionDenied
from bot.core.roles import role_holders
from bot.core.timefmt import format_when
from bot.programmes.programmes import find_session, programme_zone
from bot.reminders.reminders import reachable
from bot.reminders.rsvp import owned_invitation, person_zone
from db.enums import AttendanceStatus, Role, RsvpStatus, SessionKind, SessionStatus
from db.models import Cohort, Enrolment, Invitation, Person, ProgrammeSession

RECORD_PROMPT_KIND = "attendance_prompt"
CHECK_IN_KIND = outbox.CHECK_IN_KIND
ABSENCE_FLAG_KIND = "absence_flag"
# Check-in opens this long before a session starts (people arrive early).
CHECK_IN_OPENS_BEFORE = timedelta(minutes=15)
# How far ahead the clock puts check-ins and prompts in the outbox, to be sent when due.
PLANNING_HORIZON = timedelta(hours=1)
# Sessions that ended longer ago than this get no prompt: after a long outage, or on first
# deployment, nobody wants prompts for last year's sessions.
PROMPT_LOOKBACK = timedelta(days=7)
# Unexplained absences in one programme at which coordinators are alerted (and at each one after).
ABSENCES_TO_FLAG = 2
RECORDABLE = (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED)


@dataclass(frozen=True)
class Mark:
    """One invitee's attendance as a recorder sets it."""

    status: AttendanceStatus
    reason: str | None = None


def prefilled(invitation: Invitation) -> Mark:
    """What the recording form starts with: what was recorded, else what the person replied."""
    if invitation.attendance != AttendanceStatus.UNKNOWN:
        return Mark(invitation.attendance, invitation.attendance_reason)
    if invitation.rsvp == RsvpStatus.ATTENDING:
        return Mark(AttendanceStatus.PRESENT)
    if invitation.rsvp == RsvpStatus.NOT_ATTENDING:
        return Mark(AttendanceStatus.EXCUSED, invitation.rsvp_reason)
    return Mark(AttendanceStatus.ABSENT)


def may_record(programme_session: ProgrammeSession, slack_user_id: str, roles: set[Role]) -> bool:
    """Whether this person may record the session's attendance: coordinators and its facilitator."""
    facilitator = programme_session.facilitator
    return Role.COORDINATOR in roles or (
        facilitator is not None and facilitator.slack_user_id == slack_user_id
    )


def require_recorder(
    programme_session: ProgrammeSession, slack_user_id: str, roles: set[Role]
) -> None:
    """Raise `PermissionDenied` unless this person may record the session's attendance."""
    if not may_record(programme_session, slack_user_id, roles):
        raise PermissionDenied(
            "Sorry, only the session's facilitator or a coordinator can record its attendance."
        )


def may_view(programme_session: ProgrammeSession, slack_user_id: str, roles: set[Role]) -> bool:
    """Whether this person may see the register: recorders, and the steering group (to read)."""
    return may_record(programme_session, slack_user_id, roles) or Role.STEERING in roles


def _invitations(session: Session, session_id: int) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation)
            .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
            .join(Person, Enrolment.person_id == Person.id)
            .where(Invitation.session_id == session_id)
            .order_by(Person.name, Invitation.id)
        )
    )


def register(
    session: Session, session_ref: str, *, slack_user_id: str, roles: set[Role], now: datetime
) -> Register:
    """The register of the session named `session_ref` ('12' or '#12'), for someone allowed to see it."""
    programme_session = find_session(session, session_ref)
    if not may_view(programme_session, slack_user_id, roles):
        raise PermissionDenied(
            "Sorry, only coordinators, the session's facilitator and the steering group "
            "can see its register."
        )
    seen = register_of(
        session, programme_session, can_record=may_record(programme_session, slack_user_id, roles)
    )
    record_read(
        session,
        actor=slack_user_id,
        what="attendance_register",
        scope=f"session:{programme_session.id}",
        rows=len(seen.entries),
        now=now,
    )
    return seen


def register_of(
    session: Session, programme_session: ProgrammeSession, *, can_record: bool
) -> Register:
    """Every invitee of the session with their reply, their attendance and the form's pre-fill."""
    tz = programme_zone(programme_session.cohort)
    entries = tuple(
        _entry(invitation, tz) for invitation in _invitations(session, programme_session.id)
    )
    return Register(
        session_id=programme_session.id,
        title=programme_session.title,
        when=format_when(programme_session.starts_at, tz),
        cancelled=programme_session.status == SessionStatus.CANCELLED,
        entries=entries,
        can_record=can_record,
    )


def _entry(invitation: Invitation, tz: ZoneInfo) -> RegisterEntry:
    person, start = invitation.enrolment.person, prefilled(invitation)
    return RegisterEntry(
        invitation_id=invitation.id,
        name=person.name,
        slack_user_id=person.slack_user_id,
        rsvp=invitation.rsvp,
        rsvp_reason=invitation.rsvp_reason,
        attendance=invitation.attendance,
        attendance_reason=invitation.attendance_reason,
        checked_in=_local_time(invitation.checked_in_at, tz),
        prefill=start.status,
        prefill_reason=start.reason,
    )


def _local_time(instant: datetime | None, tz: ZoneInfo) -> str | None:
    return None if instant is None else f"{instant.astimezone(tz):%H:%M}"


def recordable_session(
    session: Session, session_ref: str, *, slack_user_id: str, roles: set[Role], now: datetime
) -> ProgrammeSession:
    """The session, if this person may record its attendance now (it has started, not cancelled)."""
    programme_session = find_session(session, session_ref)
    require_recorder(programme_session, slack_user_id, roles)
    if programme_session.status == SessionStatus.CANCELLED:
        raise InvalidInput(
            f"#{programme_session.id} {programme_session.title} was cancelled, "
            "so there is no attendance to record."
        )
    if now < programme_session.starts_at:
        raise InvalidInput(
            f"#{programme_session.id} {programme_session.title} has not started yet: "
            "record attendance once it has."
        )
    if not programme_session.invitations:
        raise InvalidInput(
            f"Nobody is invited to #{programme_session.id} {programme_session.title}, "
            "so there is no attendance to record."
        )
    return programme_session


def record_attendance(
    session: Session,
    *,
    session_id: int,
    marks: Mapping[int, Mark],
    actor: str,
    roles: set[Role],
    now: datetime,
    expected: str | None = None,
) -> int:
    """Record invitees' attendance (by invitation id), all or nothing; returns how many changed.

    `expected` is the fingerprint of what the form showed as recorded for these invitees: if
    someone recorded them meanwhile (another recorder, a check-in), nothing is saved
    (`bot.core.concurrency`).
    """
    # Audited per invitation; anyone reaching ABSENCES_TO_FLAG unexplained absences is flagged.
    programme_session = recordable_session(
        session, str(session_id), slack_user_id=actor, roles=roles, now=now
    )
    # Locked and read afresh: recorders of one register (and check-ins) take turns, whichever
    # web process they reach.
    invitations = {
        invitation.id: invitation
        for invitation in session.scalars(
            select(Invitation)
            .where(Invitation.session_id == programme_session.id)
            .order_by(Invitation.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    shown = [invitations[i] for i in marks if i in invitations]
    require_unchanged(
        expected,
        recorded_fingerprint((i.id, i.attendance, i.attendance_reason) for i in shown),
        what="The register",
        now_is=_recorded_summary(shown),
    )
    cleaned: dict[int, Mark] = {}
    for invitation_id, mark in marks.items():
        if invitation_id not in invitations:
            raise NotFound("Someone in that form is no longer invited: open the register again.")
        if mark.status not in RECORDABLE:
            raise InvalidInput(
                "Choose present, absent or excused.", field=reason_field(invitation_id)
            )
        reason = (mark.reason or "").strip() or None
        if mark.status == AttendanceStatus.EXCUSED and reason is None:
            raise InvalidInput(
                "Please give the reason they were excused.", field=reason_field(invitation_id)
            )
        cleaned[invitation_id] = Mark(
            mark.status, None if mark.status == AttendanceStatus.PRESENT else reason
        )
    changed = []
    for invitation_id, mark in cleaned.items():
        invitation = invitations[invitation_id]
        before = _attendance_snapshot(invitation)
        if (invitation.attendance, invitation.attendance_reason) == (mark.status, mark.reason):
            continue
        invitation.attendance, invitation.attendance_reason = mark.status, mark.reason
        invitation.attendance_recorded_by = actor
        if mark.status != AttendanceStatus.PRESENT:
            invitation.checked_in_at = None
        record_change(
            session,
            actor=actor,
            action="invitation.attendance",
            entity=invitation,
            before=before,
            after=_attendance_snapshot(invitation),
            now=now,
        )
        changed.append(invitation)
    session.flush()
    flag_repeated_absences(session, [invitation.enrolment for invitation in changed], now)
    return len(changed)


def _recorded_summary(invitations: Sequence[Invitation]) -> str:
    return "; ".join(
        f"{invitation.enrolment.person.name} {invitation.attendance.value.replace('_', ' ')}"
        for invitation in invitations
    )


def _attendance_snapshot(invitation: Invitation) -> dict[str, str | None]:
    return {
        "attendance": invitation.attendance.value,
        "reason": invitation.attendance_reason,
        "recorded_by": invitation.attendance_recorded_by,
    }


@dataclass(frozen=True)
class CheckedIn:
    """A check-in as the person sees it: the session and the time, in their zone."""

    title: str
    time: str


def check_in(
    session: Session, *, invitation_id: int, slack_user_id: str, now: datetime
) -> CheckedIn:
    """Mark the invitee present, during the session window only (from 15 minutes before)."""
    invitation = owned_invitation(session, invitation_id, slack_user_id)
    programme_session = invitation.session
    tz = person_zone(invitation)
    if programme_session.status == SessionStatus.CANCELLED:
        raise InvalidInput("That session was cancelled, so there is nothing to check in to.")
    opens = programme_session.starts_at - CHECK_IN_OPENS_BEFORE
    if now < opens:
        raise InvalidInput(
            f"Check-in for {programme_session.title} opens at {format_when(opens, tz)}, "
            "15 minutes before it starts. See you then!"
        )
    if now > programme_session.ends_at:
        raise InvalidInput(
            f"{programme_session.title} has finished, so check-in is closed. "
            "The facilitator will record who was there."
        )
    if invitation.checked_in_at is None or invitation.attendance != AttendanceStatus.PRESENT:
        before = _attendance_snapshot(invitation)
        invitation.attendance, invitation.attendance_reason = AttendanceStatus.PRESENT, None
        invitation.attendance_recorded_by = slack_user_id
        invitation.checked_in_at = now
        record_change(
            session,
            actor=slack_user_id,
            action="invitation.check_in",
            entity=invitation,
            before=before,
            after={**_attendance_snapshot(invitation), "checked_in_at": now.isoformat()},
            now=now,
        )
    checked_in_at = invitation.checked_in_at or now
    return CheckedIn(programme_session.title, f"{checked_in_at.astimezone(tz):%H:%M}")


def unexplained_absences(
    session: Session, person_id: int, programme_id: int
) -> list[ProgrammeSession]:
    """Sessions of the programme the person was absent from without an excuse, earliest first."""
    return list(
        session.scalars(
            select(ProgrammeSession)
            .join(Invitation, Invitation.session_id == ProgrammeSession.id)
            .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
            .join(Cohort, ProgrammeSession.cohort_id == Cohort.id)
            .where(
                Enrolment.person_id == person_id,
                Cohort.programme_id == programme_id,
                ProgrammeSession.status == SessionStatus.SCHEDULED,
                Invitation.attendance == AttendanceStatus.ABSENT,
            )
            .order_by(ProgrammeSession.starts_at)
        )
    )


def flag_repeated_absences(session: Session, enrolments: Sequence[Enrolment], now: datetime) -> int:
    """Alert coordinators about each person reaching a new count of unexplained absences."""
    flagged = 0
    coordinators = role_holders(session)[Role.COORDINATOR]
    for enrolment in dict.fromkeys(enrolments):
        programme = enrolment.cohort.programme
        missed = unexplained_absences(session, enrolment.person_id, programme.id)
        if len(missed) < ABSENCES_TO_FLAG or enrolment.person.slack_user_id is None:
            continue
        tz = programme_zone(enrolment.cohort)
        message = AbsenceFlag(
            slack_user_id=enrolment.person.slack_user_id,
            programme=programme.name,
            count=len(missed),
            sessions=tuple(
                f"#{row.id} {row.title} ({format_when(row.starts_at, tz)})" for row in missed
            ),
        )
        for coordinator in coordinators:
            # One alert per person, programme and count: correcting and re-recording never repeats it.
            key = f"{ABSENCE_FLAG_KIND}:{enrolment.person_id}:{programme.id}:{len(missed)}:{coordinator}"
            row = outbox.enqueue(
                session,
                recipient=coordinator,
                kind=ABSENCE_FLAG_KIND,
                message=message,
                due_at=now,
                idempotency_key=key,
                enrolment_id=enrolment.id,
            )
            flagged += row is not None
    return flagged


def _key_time(instant: datetime) -> str:
    return f"{instant:%Y%m%dT%H%M%z}"


def owe_record_prompts(session: Session, now: datetime) -> int:
    """Owe each ending session's facilitator (else the coordinators) a 'Record attendance' DM."""
    rows = session.scalars(
        select(ProgrammeSession).where(
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            # Nobody attends planned coaching; a session imported after it ended is history.
            ProgrammeSession.kind != SessionKind.COACHING,
            ProgrammeSession.past_when_added.is_(False),
            ProgrammeSession.ends_at <= now + PLANNING_HORIZON,
            ProgrammeSession.ends_at > now - PROMPT_LOOKBACK,
        )
    ).all()
    owed = 0
    coordinators = role_holders(session)[Role.COORDINATOR]
    for programme_session in rows:
        facilitator = programme_session.facilitator
        recipients = (
            [facilitator.slack_user_id]
            if facilitator is not None and facilitator.slack_user_id
            else coordinators
        )
        tz = programme_zone(programme_session.cohort)
        message = RecordPrompt(
            programme_session.id,
            programme_session.title,
            format_when(programme_session.starts_at, tz),
        )
        for recipient in recipients:
            row = outbox.enqueue(
                session,
                recipient=recipient,
                kind=RECORD_PROMPT_KIND,
                message=message,
                due_at=programme_session.ends_at,
                idempotency_key=(
                    f"{RECORD_PROMPT_KIND}:{programme_session.id}:"
                    f"{_key_time(programme_session.ends_at)}:{recipient}"
                ),
                session_id=programme_session.id,
            )
            owed += row is not None
    return owed


def owe_check_ins(session: Session, now: datetime) -> int:
    """Owe each invitee reachable today a 'Check in' DM due when their session starts."""
    rows = session.execute(
        select(Invitation, Person.slack_user_id)
        .join(ProgrammeSession, Invitation.session_id == ProgrammeSession.id)
        .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
        .join(Person, Enrolment.person_id == Person.id)
        .where(
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ProgrammeSession.starts_at <= now + PLANNING_HORIZON,
            ProgrammeSession.ends_at > now,
            Invitation.rsvp != RsvpStatus.NOT_ATTENDING,
            Invitation.checked_in_at.is_(None),
            *reachable(now.date()),
        )
    ).all()
    owed = 0
    for invitation, slack_user_id in rows:
        programme_session = invitation.session
        tz = person_zone(invitation)
        message = CheckInPrompt(
            invitation_id=invitation.id,
            title=programme_session.title,
            when=format_when(programme_session.starts_at, tz),
            ends=f"{programme_session.ends_at.astimezone(tz):%H:%M}",
        )
        row = outbox.enqueue(
            session,
            recipient=str(slack_user_id),
            kind=CHECK_IN_KIND,
            message=message,
            due_at=programme_session.starts_at,
            idempotency_key=(
                f"{CHECK_IN_KIND}:{invitation.id}:{_key_time(programme_session.starts_at)}"
            ),
            session_id=programme_session.id,
            enrolment_id=invitation.enrolment_id,
        )
        owed += row is not None
    return owed
