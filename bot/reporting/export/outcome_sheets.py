"""The export's sheets of what the programme led to: final assessments and new roles.

Like `sheets`, plain columns by one query each, with values made plain for a spreadsheet.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.core.tables import Table
from bot.reporting.export.labels import label, yes_no
from bot.reporting.export.sheets import DEFAULT_ZONE, in_cohort, local_time, rows_of
from db.models import (
    AssessmentResult,
    Cohort,
    Enrolment,
    Outcome,
    Person,
    Programme,
)


def assessments(session: Session, *, cohort_id: int | None = None) -> Table:
    """Final assessment results, including who could not attend and why."""
    query = (
        select(
            Person.name,
            Programme.name,
            Cohort.name,
            AssessmentResult.assessed_on,
            AssessmentResult.panel,
            AssessmentResult.readiness,
            AssessmentResult.performance,
            AssessmentResult.potential,
            AssessmentResult.development_areas,
            AssessmentResult.feedback_given,
            AssessmentResult.did_not_attend_reason,
        )
        .select_from(AssessmentResult)
        .join(AssessmentResult.enrolment)
        .join(Enrolment.person)
        .join(Enrolment.cohort)
        .join(Cohort.programme)
        .order_by(Programme.name, Cohort.name, Person.name, AssessmentResult.assessed_on)
        .order_by(AssessmentResult.id)
    )
    rows = [
        (
            person,
            programme,
            cohort,
            assessed_on,
            panel,
            label(readiness),
            label(performance),
            label(potential),
            "; ".join(str(area) for area in development_areas or ()) or None,
            yes_no(feedback_given),
            did_not_attend_reason,
        )
        for (
            person,
            programme,
            cohort,
            assessed_on,
            panel,
            readiness,
            performance,
            potential,
            development_areas,
            feedback_given,
            did_not_attend_reason,
        ) in rows_of(session, in_cohort(query, cohort_id))
    ]
    return Table(
        "Assessments",
        (
            "Participant",
            "Programme",
            "Cohort",
            "Assessed on",
            "Panel",
            "Readiness",
            "Performance",
            "Potential",
            "Development areas",
            "Feedback given",
            "Did not attend because",
        ),
        rows,
    )


def outcomes(session: Session, *, cohort_id: int | None = None) -> Table:
    """Career moves reported for people, and whether a coordinator has confirmed each."""
    confirmer = aliased(Person)
    query = (
        select(
            Person.name,
            Programme.name,
            Cohort.name,
            Outcome.kind,
            Outcome.role_title,
            Outcome.organisation,
            Outcome.started_on,
            func.coalesce(confirmer.name, Outcome.confirmed_by),
            Outcome.confirmed_at,
            Programme.timezone,
            Outcome.note,
        )
        .select_from(Outcome)
        .join(Outcome.person)
        .outerjoin(Outcome.enrolment)
        .outerjoin(Enrolment.cohort)
        .outerjoin(Cohort.programme)
        .outerjoin(confirmer, confirmer.slack_user_id == Outcome.confirmed_by)
        .order_by(Person.name, Outcome.started_on, Outcome.id)
    )
    if cohort_id is not None:
        in_cohort = select(Enrolment.person_id).where(Enrolment.cohort_id == cohort_id)
        query = query.where(Outcome.person_id.in_(in_cohort))
    rows = [
        (
            person,
            programme,
            cohort,
            label(kind),
            role_title,
            organisation,
            started_on,
            confirmed_by,
            local_time(confirmed_at, zone or DEFAULT_ZONE),
            note,
        )
        for (
            person,
            programme,
            cohort,
            kind,
            role_title,
            organisation,
            started_on,
            confirmed_by,
            confirmed_at,
            zone,
            note,
        ) in rows_of(session, query)
    ]
    return Table(
        "Outcomes",
        (
            "Person",
            "Programme",
            "Cohort",
            "Outcome",
            "Role",
            "Organisation",
            "Started on",
            "Confirmed by",
            "Confirmed at",
            "Note",
        ),
        rows,
    )
