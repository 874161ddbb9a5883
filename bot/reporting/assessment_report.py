"""Reporting final assessments: each enrolment's current assessment and a cohort's report.

The *current* assessment of an enrolment is its latest graded row (latest `assessed_on`, then
latest recorded): a rescheduled assessment adds a row rather than editing one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.labels import READINESS_LABELS
from bot.programmes.programmes import cohort_label
from bot.reporting.assessments import ASSESSABLE, box_name
from db.enums import Level, Readiness
from db.models import AssessmentResult, Cohort, Enrolment, Person


@dataclass(frozen=True)
class CurrentAssessment:
    """An enrolment's current (latest graded) assessment, with what the digest groups by."""

    result_id: int
    enrolment_id: int
    cohort_id: int
    person_id: int
    region: str | None
    assessed_on: date | None
    readiness: Readiness
    performance: Level
    potential: Level


@dataclass(frozen=True)
class AssessmentLine:
    """One participant in a coordinator's assessment report."""

    name: str
    slack_user_id: str | None
    state: str  # "assessed", "did_not_attend" or "not_assessed"
    readiness: str | None = None
    box: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class AssessmentReport:
    """A cohort's assessments: who stands where, readiness counts and the nine-box counts."""

    label: str
    lines: Sequence[AssessmentLine]
    readiness_counts: dict[Readiness, int] = field(default_factory=dict)
    # (performance, potential) -> how many.
    grid: dict[tuple[Level, Level], int] = field(default_factory=dict)

    def count(self, state: str) -> int:
        """How many participants are in `state`."""
        return sum(1 for line in self.lines if line.state == state)


def current_assessments(
    session: Session, *, cohort_ids: Collection[int] | None = None
) -> list[CurrentAssessment]:
    """Every enrolment's current assessment (its latest graded row), in one query."""
    ranked = select(
        AssessmentResult.id.label("result_id"),
        func.row_number()
        .over(
            partition_by=AssessmentResult.enrolment_id,
            order_by=(AssessmentResult.assessed_on.desc().nulls_last(), AssessmentResult.id.desc()),
        )
        .label("rank"),
    ).where(AssessmentResult.did_not_attend_reason.is_(None))
    latest = ranked.subquery()
    query = (
        select(AssessmentResult, Enrolment.cohort_id, Person.id, Person.region)
        .join(latest, latest.c.result_id == AssessmentResult.id)
        .join(Enrolment, AssessmentResult.enrolment_id == Enrolment.id)
        .join(Person, Enrolment.person_id == Person.id)
        .where(latest.c.rank == 1)
        .order_by(Enrolment.cohort_id, AssessmentResult.enrolment_id)
    )
    if cohort_ids is not None:
        query = query.where(Enrolment.cohort_id.in_(list(cohort_ids)))
    return [
        CurrentAssessment(
            result_id=row.id,
            enrolment_id=row.enrolment_id,
            cohort_id=cohort_id,
            person_id=person_id,
            region=region,
            assessed_on=row.assessed_on,
            readiness=row.readiness,
            performance=row.performance,
            potential=row.potential,
        )
        for row, cohort_id, person_id, region in session.execute(query)
        # Always true of a graded row (the table's check constraint); narrows the types.
        if row.readiness and row.performance and row.potential
    ]


def cohort_assessments(session: Session, cohort: Cohort) -> AssessmentReport:
    """Who in `cohort` is assessed (and where), who missed it (and why), and who is still to be."""
    enrolments = session.execute(
        select(Enrolment.id, Person.name, Person.slack_user_id)
        .join(Person, Enrolment.person_id == Person.id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(ASSESSABLE))
        .order_by(Person.name, Enrolment.id)
    ).all()
    current = {a.enrolment_id: a for a in current_assessments(session, cohort_ids=[cohort.id])}
    missed: dict[int, str] = {}
    for enrolment_id, reason in session.execute(
        select(AssessmentResult.enrolment_id, AssessmentResult.did_not_attend_reason)
        .join(Enrolment, AssessmentResult.enrolment_id == Enrolment.id)
        .where(
            Enrolment.cohort_id == cohort.id, AssessmentResult.did_not_attend_reason.is_not(None)
        )
        .order_by(AssessmentResult.id)
    ):
        missed[enrolment_id] = str(reason)  # the latest reason wins
    lines = []
    readiness: Counter[Readiness] = Counter()
    grid: Counter[tuple[Level, Level]] = Counter()
    for enrolment_id, name, slack_user_id in enrolments:
        assessment = current.get(enrolment_id)
        if assessment is not None:
            readiness[assessment.readiness] += 1
            grid[(assessment.performance, assessment.potential)] += 1
            lines.append(
                AssessmentLine(
                    name,
                    slack_user_id,
                    "assessed",
                    readiness=READINESS_LABELS[assessment.readiness],
                    box=box_name(assessment.performance, assessment.potential),
                )
            )
        elif enrolment_id in missed:
            lines.append(
                AssessmentLine(name, slack_user_id, "did_not_attend", reason=missed[enrolment_id])
            )
        else:
            lines.append(AssessmentLine(name, slack_user_id, "not_assessed"))
    return AssessmentReport(
        label=cohort_label(cohort), lines=lines, readiness_counts=dict(readiness), grid=dict(grid)
    )
