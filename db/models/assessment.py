"""Final assessment results (nine-box grid) and career outcomes after the programme."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import (
    SLACK_ID_LENGTH,
    Base,
    CreatedAtMixin,
    JSONType,
    UTCDateTime,
    enum_column_type,
)
from db.enums import Level, OutcomeKind, Readiness

if TYPE_CHECKING:
    from db.models.people import Enrolment, Person

__all__ = ["AssessmentResult", "Outcome"]


class AssessmentResult(CreatedAtMixin, Base):
    """The panel's view of a participant at the final assessment.

    A participant who did not attend gets a row with ``did_not_attend_reason`` and
    no grading; a later, rescheduled assessment gets a row of its own.
    """

    __tablename__ = "assessment_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    assessed_on: Mapped[date | None]
    # Panel members as free text (they are often not Slack users).
    panel: Mapped[str | None] = mapped_column(sa.Text)
    readiness: Mapped[Readiness | None] = mapped_column(enum_column_type(Readiness))
    performance: Mapped[Level | None] = mapped_column(enum_column_type(Level))
    potential: Mapped[Level | None] = mapped_column(enum_column_type(Level))
    # A list of short development area strings.
    development_areas: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    feedback_given: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    did_not_attend_reason: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by: Mapped[str] = mapped_column(sa.String(SLACK_ID_LENGTH))

    enrolment: Mapped[Enrolment] = relationship(back_populates="assessment_results")

    __table_args__ = (
        sa.CheckConstraint(
            "did_not_attend_reason IS NOT NULL OR "
            "(readiness IS NOT NULL AND performance IS NOT NULL AND potential IS NOT NULL)",
            name="graded_or_did_not_attend",
        ),
    )


class Outcome(CreatedAtMixin, Base):
    """A career move reported for a person, optionally confirmed by a coordinator."""

    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NO ACTION: outcomes are the programme's evidence of impact.
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    # Which participation the outcome is credited to, when known.
    enrolment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enrolment.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[OutcomeKind] = mapped_column(enum_column_type(OutcomeKind))
    role_title: Mapped[str | None] = mapped_column(sa.String(200))
    started_on: Mapped[date | None]
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    note: Mapped[str | None] = mapped_column(sa.Text)
    reported_by: Mapped[str] = mapped_column(sa.String(SLACK_ID_LENGTH))
    confirmed_by: Mapped[str | None] = mapped_column(sa.String(SLACK_ID_LENGTH))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(back_populates="outcomes")
    enrolment: Mapped[Enrolment | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(confirmed_by IS NULL) = (confirmed_at IS NULL)", name="confirmation_complete"
        ),
        sa.Index(None, "kind", "started_on"),
    )
