"""Final assessments: recording the panel's grading, or why someone missed it and another date.

A participant may have several rows: one per assessment they were booked on. A row either grades
them (readiness and a nine-box position) or records why they did not attend. The *current*
assessment of an enrolment is its latest graded row (latest `assessed_on`, then latest recorded), so
a rescheduled assessment simply adds a row and supersedes nothing by editing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.audit import record_change
from bot.core.errors import InvalidInput, NotFound, PermissionDenied
from bot.core.labels import LEVEL_LABELS, READINESS_LABELS
from bot.programmes.invitations import session_applies_to
from bot.programmes.programmes import programme_zone
from bot.reminders.messages import SessionReminder
from bot.reminders.rsvp import person_zone, reminder_view
from bot.reporting.assessment_fields import AssessmentField
from db.enums import EnrolmentStatus, Level, Readiness, Role, SessionKind, SessionStatus
from db.models import (
    AssessmentResult,
    Enrolment,
    Invitation,
    Person,
    ProgrammeSession,
)

OFFER_KIND = "assessment_offer"
MAX_PANEL_LENGTH = 500
MAX_NOTE_LENGTH = 500
MAX_OTHER_AREAS_LENGTH = 300
# Enrolments that can be assessed: still on the programme, or finished it.
ASSESSABLE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)

DEVELOPMENT_AREAS: tuple[str, ...] = (
    "Strategic thinking",
    "Financial management",
    "System leadership",
    "Influencing",
    "Resilience",
    "Board-level presence",
    "Change leadership",
)
NON_ATTENDANCE_REASONS: dict[str, str] = {
    "already_appointed": "Already appointed",
    "leave": "Leave",
    "work_commitments": "Work commitments",
    "illness": "Illness",
    "other": "Other",
}


def box_name(performance: Level, potential: Level) -> str:
    """The nine-box cell in words: 'High performance, medium potential'."""
    return f"{LEVEL_LABELS[performance]} performance, {LEVEL_LABELS[potential].lower()} potential"


@dataclass(frozen=True)
class AssessmentEntry:
    """What a coordinator typed into the assessment modal (nothing checked yet)."""

    attended: bool
    assessed_on: date | None = None
    panel: str | None = None
    readiness: Readiness | None = None
    performance: Level | None = None
    potential: Level | None = None
    development_areas: Sequence[str] = ()
    other_areas: str | None = None
    feedback_given: bool = False
    reason: str | None = None
    reason_note: str | None = None


@dataclass(frozen=True)
class OtherSession:
    """An assessment session a non-attender could be offered instead."""

    session_id: int
    title: str
    starts_at: datetime


@dataclass(frozen=True)
class RecordedAssessment:
    """What the confirmation shows once an assessment is stored (and, if missed, what to offer)."""

    result_id: int
    enrolment_id: int
    name: str
    attended: bool
    box: str | None
    readiness: str | None
    reason: str | None
    other_sessions: Sequence[OtherSession]
    tz: ZoneInfo


@dataclass(frozen=True)
class OfferedDate:
    """The assessment session someone was invited to instead, in their own time zone."""

    name: str
    title: str
    starts_at: datetime
    tz: ZoneInfo


# Finding who


def enrolment_to_assess(session: Session, slack_user_id: str) -> Enrolment:
    """The person's latest place that can be assessed (enrolled or completed), or `NotFound`."""
    enrolment = session.scalar(
        select(Enrolment)
        .join(Person, Enrolment.person_id == Person.id)
        .where(Person.slack_user_id == slack_user_id, Enrolment.status.in_(ASSESSABLE))
        .order_by(Enrolment.enrolled_at.desc().nulls_last(), Enrolment.id.desc())
        .limit(1)
    )
    if enrolment is None:
        raise NotFound(
            "They are not on a programme (enrolled or completed), so there is nothing to assess."
        )
    return enrolment


def _require_coordinator(roles: Collection[Role]) -> None:
    if Role.COORDINATOR not in roles:
        raise PermissionDenied(
            "Sorry, only programme coordinators can record or offer assessments."
        )


def _assessable(session: Session, enrolment_id: int) -> Enrolment:
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.status not in ASSESSABLE:
        raise NotFound(
            "That place on a programme no longer exists or is not active; nothing was recorded."
        )
    return enrolment


# Recording


def record_assessment(
    session: Session,
    *,
    enrolment_id: int,
    actor: str,
    roles: Collection[Role],
    entry: AssessmentEntry,
    now: datetime,
) -> RecordedAssessment:
    """Store one assessment row (graded, or missed with a reason), checking everything first."""
    _require_coordinator(roles)
    enrolment = _assessable(session, enrolment_id)
    today = now.astimezone(programme_zone(enrolment.cohort)).date()
    if entry.assessed_on is not None and entry.assessed_on > today:
        raise InvalidInput(
            "That date is in the future: record an assessment once it has happened.",
            field=AssessmentField.DATE,
        )
    panel = _text(entry.panel, MAX_PANEL_LENGTH, AssessmentField.PANEL, "the panel")
    row = AssessmentResult(enrolment=enrolment, panel=panel, recorded_by=actor)
    if entry.attended:
        _grade(row, entry)
    else:
        row.assessed_on = entry.assessed_on
        row.did_not_attend_reason = _reason(entry)
    session.add(row)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="assessment.record",
        entity=row,
        before=None,
        after=_snapshot(row),
        now=now,
    )
    others = [] if entry.attended else other_assessment_sessions(session, enrolment, now)
    return RecordedAssessment(
        result_id=row.id,
        enrolment_id=enrolment.id,
        name=enrolment.person.name,
        attended=entry.attended,
        box=box_name(row.performance, row.potential) if row.performance and row.potential else None,
        readiness=READINESS_LABELS[row.readiness] if row.readiness else None,
        reason=row.did_not_attend_reason,
        other_sessions=[OtherSession(s.id, s.title, s.starts_at) for s in others],
        tz=programme_zone(enrolment.cohort),
    )


def _grade(row: AssessmentResult, entry: AssessmentEntry) -> None:
    if entry.assessed_on is None:
        raise InvalidInput("Pick the date of the assessment.", field=AssessmentField.DATE)
    if entry.readiness is None:
        raise InvalidInput(
            "Choose how ready they are for a director role.", field=AssessmentField.READINESS
        )
    if entry.performance is None:
        raise InvalidInput(
            "Choose their performance (low, medium or high).", field=AssessmentField.PERFORMANCE
        )
    if entry.potential is None:
        raise InvalidInput(
            "Choose their potential (low, medium or high).", field=AssessmentField.POTENTIAL
        )
    unknown = [area for area in entry.development_areas if area not in DEVELOPMENT_AREAS]
    if unknown:
        raise InvalidInput("Choose development areas from the list.", field=AssessmentField.AREAS)
    other = _text(
        entry.other_areas, MAX_OTHER_AREAS_LENGTH, AssessmentField.OTHER_AREAS, "other areas"
    )
    extra = [part.strip() for part in (other or "").split(",") if part.strip()]
    row.assessed_on = entry.assessed_on
    row.readiness = entry.readiness
    row.performance = entry.performance
    row.potential = entry.potential
    row.development_areas = list(dict.fromkeys([*entry.development_areas, *extra]))
    row.feedback_given = entry.feedback_given


def _reason(entry: AssessmentEntry) -> str:
    if entry.reason not in NON_ATTENDANCE_REASONS:
        raise InvalidInput("Choose why they did not attend.", field=AssessmentField.REASON)
    note = _text(entry.reason_note, MAX_NOTE_LENGTH, AssessmentField.REASON_NOTE, "the note")
    if entry.reason == "other" and note is None:
        raise InvalidInput(
            "Say briefly what the other reason was.", field=AssessmentField.REASON_NOTE
        )
    label = NON_ATTENDANCE_REASONS[entry.reason]
    return f"{label}: {note}" if note else label


def _text(value: str | None, limit: int, field_id: str, what: str) -> str | None:
    cleaned = (value or "").strip() or None
    if cleaned is not None and len(cleaned) > limit:
        raise InvalidInput(f"Keep {what} to {limit} characters.", field=field_id)
    return cleaned


def _snapshot(row: AssessmentResult) -> dict[str, object]:
    return {
        "enrolment_id": row.enrolment_id,
        "assessed_on": row.assessed_on.isoformat() if row.assessed_on else None,
        "panel": row.panel,
        "readiness": row.readiness.value if row.readiness else None,
        "performance": row.performance.value if row.performance else None,
        "potential": row.potential.value if row.potential else None,
        "development_areas": list(row.development_areas or ()),
        "feedback_given": row.feedback_given,
        "did_not_attend_reason": row.did_not_attend_reason,
    }


# Offering another date


def other_assessment_sessions(
    session: Session, enrolment: Enrolment, now: datetime
) -> list[ProgrammeSession]:
    """Scheduled assessment sessions of the enrolment's cohort still to come, soonest first."""
    rows = session.scalars(
        select(ProgrammeSession)
        .where(
            ProgrammeSession.cohort_id == enrolment.cohort_id,
            ProgrammeSession.kind == SessionKind.ASSESSMENT,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ProgrammeSession.starts_at > now,
        )
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    ).all()
    return [row for row in rows if session_applies_to(row, enrolment)]


def offer_another_date(
    session: Session,
    *,
    enrolment_id: int,
    session_id: int,
    actor: str,
    roles: Collection[Role],
    now: datetime,
) -> OfferedDate:
    """Invite the participant to another assessment session; they get the usual invitation DM."""
    _require_coordinator(roles)
    enrolment = _assessable(session, enrolment_id)
    target = session.get(ProgrammeSession, session_id)
    field_id = AssessmentField.OFFER_SESSION
    if target is None:
        raise NotFound(f"No session #{session_id}.")
    if target.kind != SessionKind.ASSESSMENT:
        raise InvalidInput(f"Session #{target.id} is not an assessment session.", field=field_id)
    if not session_applies_to(target, enrolment):
        raise InvalidInput(
            f"Session #{target.id} is not one of their cohort's sessions.", field=field_id
        )
    if target.status != SessionStatus.SCHEDULED or target.starts_at <= now:
        raise InvalidInput(
            f"Session #{target.id} is cancelled or already past: offer a later one.", field=field_id
        )
    recipient = enrolment.person.slack_user_id
    if recipient is None:
        raise InvalidInput(
            "They are not in Slack, so I can't send them the invitation.", field=field_id
        )
    invitation = session.scalar(
        select(Invitation).where(
            Invitation.session_id == target.id, Invitation.enrolment_id == enrolment.id
        )
    )
    if invitation is None:
        invitation = Invitation(session=target, enrolment=enrolment)
        session.add(invitation)
        session.flush()
    tz = person_zone(invitation)
    view = reminder_view(session, invitation, now, tz)
    owed = outbox.enqueue(
        session,
        recipient=recipient,
        kind=OFFER_KIND,
        message=SessionReminder(view),
        due_at=now,
        idempotency_key=f"{OFFER_KIND}:{invitation.id}",
        session_id=target.id,
        enrolment_id=enrolment.id,
    )
    if owed is None:
        raise InvalidInput(f"They have already been offered session #{target.id}.", field=field_id)
    record_change(
        session,
        actor=actor,
        action="assessment.offer",
        entity=invitation,
        before=None,
        after={"enrolment_id": enrolment.id, "session_id": target.id},
        now=now,
    )
    return OfferedDate(enrolment.person.name, target.title, target.starts_at, tz)
