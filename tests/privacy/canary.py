"""A person with something in every kind of record the bot holds, each value marked "canary"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.core.audit import record_change
from db.enums import (
    ApplicationStatus,
    LeaveKind,
    Level,
    OrganisationType,
    OutboundState,
    OutcomeKind,
    QuestionType,
    Readiness,
    Role,
)
from db.models import (
    Application,
    ApplicationStatusChange,
    AssessmentResult,
    Base,
    CoachingSession,
    CommitmentFollowUp,
    EvaluationAnswer,
    EvaluationDraft,
    EvaluationRequest,
    EvaluationResponse,
    Invitation,
    LeavePeriod,
    OutboundMessage,
    Outcome,
    RoleGrant,
    UnreachableRecipient,
)
from tests.support.evaluations import Q, make_form
from tests.support.programmes import make_cohort, make_person, make_session

CANARY = "canary"
NAME = "Quentin Canaryfield"
EMAIL = "quentin.canary@example.nhs.uk"
SLACK_ID = "UCANARY01"
COORDINATOR = "UCOORD01"
AT = datetime(2017, 3, 1, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Canary:
    """Ids of the canary person and of someone else who must be left alone."""

    person_id: int
    enrolment_id: int
    other_person_id: int


def build(session: Session) -> Canary:
    """The canary person, enrolled, with a record of every kind; and another participant."""
    cohort = make_cohort(session)
    enrolment = make_person(
        session, cohort, NAME, slack_user_id=SLACK_ID, organisation="Canary Trust", region="North"
    )
    person = enrolment.person
    person.email = EMAIL
    person.job_title = "Head of canary services"
    other = make_person(session, cohort, "Olive Other", slack_user_id="UOTHER001")
    other.coach_person_id = person.id
    application = Application(
        programme=cohort.programme,
        person=person,
        status=ApplicationStatus.ACCEPTED,
        job_title="Canary job title",
        organisation="Canary Trust",
        organisation_type=OrganisationType.ACUTE,
        region="North",
        current_level="canary level",
        professional_accreditation="canary accreditation",
        supporting_statement="My canary statement",
        diversity_consent=True,
        gender="canary gender",
        ethnicity="canary ethnicity",
        screening_reason="canary screening",
        submitted_at=AT,
    )
    session.add(application)
    session.flush()
    enrolment.application_id = application.id
    enrolment.status_reason = "canary status reason"
    session.add_all(
        [
            ApplicationStatusChange(
                application=application,
                to_status=ApplicationStatus.ACCEPTED,
                changed_by=COORDINATOR,
                reason="canary decision",
                feedback="canary feedback",
            ),
            LeavePeriod(
                enrolment=enrolment,
                starts_on=date(2017, 4, 1),
                kind=LeaveKind.SICK,
                recorded_by=COORDINATOR,
            ),
            CoachingSession(
                enrolment=enrolment,
                held_on=date(2017, 3, 1),
                note="canary coaching note",
                logged_by=COORDINATOR,
            ),
            CoachingSession(
                enrolment=other,
                held_on=date(2017, 3, 2),
                coach=person,
                coach_name=NAME,
                logged_by=COORDINATOR,
            ),
            AssessmentResult(
                enrolment=enrolment,
                assessed_on=date(2017, 6, 1),
                panel="canary panel",
                readiness=Readiness.READY_NOW,
                performance=Level.HIGH,
                potential=Level.HIGH,
                development_areas=["canary area"],
                recorded_by=COORDINATOR,
            ),
            Outcome(
                person=person,
                enrolment=enrolment,
                kind=OutcomeKind.PERMANENT_DIRECTOR,
                role_title="Canary director",
                organisation="Canary Trust",
                note="canary outcome note",
                reported_by=SLACK_ID,
            ),
            UnreachableRecipient(recipient=SLACK_ID, reason="canary_reason"),
        ]
    )
    workshop = make_session(session, cohort, "Workshop")
    workshop.facilitator_id = person.id
    session.add(
        Invitation(
            session=workshop,
            enrolment=enrolment,
            rsvp_reason="canary rsvp",
            attendance_reason="canary absence",
        )
    )
    form = make_form(
        session,
        questions=[
            Q("overall", QuestionType.RATING5, options=("Excellent", "Good")),
            Q("commitment", QuestionType.FREE_TEXT),
        ],
    )
    request = EvaluationRequest(form=form, enrolment=enrolment, session=workshop, cohort=cohort)
    response = EvaluationResponse(
        form=form,
        session=workshop,
        cohort=cohort,
        enrolment=enrolment,
        submitted_on=date(2017, 3, 7),
    )
    session.add_all([request, response])
    session.flush()
    overall, commitment = form.questions
    session.add_all(
        [
            EvaluationAnswer(response=response, question=overall, value_number=5),
            EvaluationAnswer(
                response=response, question=commitment, value_text="My canary commitment"
            ),
            EvaluationDraft(request=request, answers={"commitment": "canary draft"}),
            CommitmentFollowUp(
                enrolment=enrolment,
                session=workshop,
                due_on=date(2017, 5, 1),
                note="canary follow-up",
            ),
            OutboundMessage(
                recipient=SLACK_ID,
                kind="test",
                due_at=AT,
                idempotency_key=f"dm:{SLACK_ID}",
                payload={"text": "Hello canary"},
            ),
            OutboundMessage(
                recipient=COORDINATOR,
                kind="test",
                due_at=AT,
                idempotency_key="named",
                state=OutboundState.SENT,
                payload={"text": f"{NAME} (<@{SLACK_ID}>) withdrew; Quentinella stayed"},
            ),
        ]
    )
    session.flush()
    record_change(
        session,
        actor=COORDINATOR,
        action="enrolment.changed",
        entity=enrolment,
        before={"status_reason": None},
        after={"status_reason": "canary audited reason"},
        now=AT,
    )
    # What they did themselves, and Slack's word about them, are in the trail too.
    invitation = session.scalars(
        sa.select(Invitation).where(Invitation.enrolment == enrolment)
    ).one()
    record_change(
        session,
        actor=SLACK_ID,
        action="invitation.rsvp",
        entity=invitation,
        before=None,
        after={"rsvp_reason": "canary rsvp"},
        now=AT,
    )
    unreachable = session.get_one(UnreachableRecipient, SLACK_ID)
    record_change(
        session,
        actor="slack",
        action="recipient.unreachable",
        entity=unreachable,
        before=None,
        after={"reason": "canary_reason"},
        now=AT,
    )
    grant = RoleGrant(slack_user_id=SLACK_ID, role=Role.COACH, granted_by=COORDINATOR)
    session.add(grant)
    session.flush()
    record_change(
        session,
        actor=COORDINATOR,
        action="role.grant",
        entity=grant,
        before=None,
        after={"slack_user_id": SLACK_ID, "role": "coach"},
        now=AT,
    )
    session.flush()
    return Canary(person_id=person.id, enrolment_id=enrolment.id, other_person_id=other.person.id)


def canary_cells(session: Session) -> list[tuple[str, str, Any]]:
    """Every (table, column, value) in the database holding the canary's name, address, id or "canary"."""
    found: list[tuple[str, str, Any]] = []
    needles = (CANARY, SLACK_ID.lower(), "quentin ")
    for table in Base.metadata.sorted_tables:
        for row in session.execute(sa.select(table)).mappings():
            for column, value in row.items():
                if value is not None and any(needle in str(value).lower() for needle in needles):
                    found.append((table.name, column, value))
    return found
