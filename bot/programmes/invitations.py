"""Invitations: every live participant is invited to every session that applies to them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import AttendanceStatus, EnrolmentStatus, RsvpStatus, SessionKind, SessionStatus
from db.models import Enrolment, Invitation, ProgrammeSession


def session_applies_to(programme_session: ProgrammeSession, enrolment: Enrolment) -> bool:
    """Whether `programme_session` is for the whole cohort or for the enrolment's group."""
    if programme_session.cohort_id != enrolment.cohort_id:
        return False
    group_id = programme_session.action_learning_group_id
    return group_id is None or group_id == enrolment.action_learning_group_id


def ensure_invitations(session: Session, *, cohort_id: int) -> int:
    """Create the missing invitations for the cohort's enrolled people; returns how many."""
    enrolments = session.scalars(
        select(Enrolment).where(
            Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED
        )
    ).all()
    sessions = session.scalars(
        select(ProgrammeSession).where(
            ProgrammeSession.cohort_id == cohort_id,
            # A session still to be dated is on people's timetables too; planned coaching
            # ("to commence by") is a deadline, not something to attend.
            ProgrammeSession.status.in_((SessionStatus.SCHEDULED, SessionStatus.DATE_TBC)),
            ProgrammeSession.kind != SessionKind.COACHING,
        )
    ).all()
    existing = {
        (session_id, enrolment_id)
        for session_id, enrolment_id in session.execute(
            select(Invitation.session_id, Invitation.enrolment_id)
            .join(ProgrammeSession, Invitation.session_id == ProgrammeSession.id)
            .where(ProgrammeSession.cohort_id == cohort_id)
        )
    }
    created = 0
    for enrolment in enrolments:
        for programme_session in sessions:
            key = (programme_session.id, enrolment.id)
            if key in existing or not session_applies_to(programme_session, enrolment):
                continue
            session.add(Invitation(session_id=programme_session.id, enrolment_id=enrolment.id))
            existing.add(key)
            created += 1
    session.flush()
    return created


def prune_invitations(session: Session, *, cohort_id: int) -> int:
    """Remove untouched invitations that no longer apply (after a group change); returns how many."""
    rows = session.scalars(
        select(Invitation)
        .join(ProgrammeSession, Invitation.session_id == ProgrammeSession.id)
        .where(
            ProgrammeSession.cohort_id == cohort_id,
            Invitation.rsvp == RsvpStatus.NONE,
            Invitation.attendance == AttendanceStatus.UNKNOWN,
        )
    ).all()
    removed = 0
    for invitation in rows:
        if not session_applies_to(invitation.session, invitation.enrolment):
            session.delete(invitation)
            removed += 1
    session.flush()
    return removed
