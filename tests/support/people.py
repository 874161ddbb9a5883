"""Programme data made directly in the database, for tests of rules that come after enrolment."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from db.enums import EnrolmentStatus, SessionKind
from db.models import Cohort, Enrolment, Invitation, Person, Programme, ProgrammeSession


def programme_with_session(
    session: Session,
    *,
    starts_at: datetime,
    compulsory: bool = True,
    people: dict[str, str | None] | None = None,
    kind: SessionKind = SessionKind.ACTION_LEARNING_SET,
) -> tuple[ProgrammeSession, list[Invitation]]:
    """A programme, a cohort, one session and an invitation for each person (Slack id: tz)."""
    programme = Programme(name="Aspiring Directors")
    cohort = Cohort(programme=programme, name="2017", capacity=15)
    programme_session = ProgrammeSession(
        cohort=cohort,
        kind=kind,
        title="Action learning set 1",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        location="Leeds",
        compulsory=compulsory,
    )
    session.add_all([programme, cohort, programme_session])
    invitations = []
    for index, (slack_user_id, tz) in enumerate((people or {"UPART001": None}).items()):
        person = Person(slack_user_id=slack_user_id, name=f"Person {index}", slack_tz=tz)
        enrolment = Enrolment(person=person, cohort=cohort, status=EnrolmentStatus.ENROLLED)
        invitation = Invitation(session=programme_session, enrolment=enrolment)
        session.add_all([person, enrolment, invitation])
        invitations.append(invitation)
    session.flush()
    return programme_session, invitations
