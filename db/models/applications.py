"""Applications to a programme and the history of their status changes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import (
    SLACK_ID_LENGTH,
    Base,
    CreatedAtMixin,
    UTCDateTime,
    enum_column_type,
    utcnow,
)
from db.enums import ApplicationStatus, OrganisationType, ScreeningResult

if TYPE_CHECKING:
    from db.models.people import Person
    from db.models.programme import AdvertisingRound, Programme

__all__ = ["LIVE_APPLICATION_INDEX", "Application", "ApplicationStatusChange"]

# Name of the partial unique index allowing one live application per person per
# programme; services can recognise it in an IntegrityError.
LIVE_APPLICATION_INDEX = "uq_application_one_live_per_programme"


class Application(CreatedAtMixin, Base):
    """One person's application to a programme, with their answers as submitted.

    The applicant's answers are copied here rather than read from Person, because
    they are evidence for selection and must not change if the person's profile does.
    """

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"))
    round_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("advertising_round.id", ondelete="SET NULL"), index=True
    )
    # NO ACTION: applications are records of selection decisions.
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column_type(ApplicationStatus), default=ApplicationStatus.RECEIVED
    )

    job_title: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str] = mapped_column(sa.String(200))
    organisation_type: Mapped[OrganisationType] = mapped_column(enum_column_type(OrganisationType))
    region: Mapped[str | None] = mapped_column(sa.String(100))
    # E.g. "deputy director"; free text because banding differs across organisations.
    current_level: Mapped[str | None] = mapped_column(sa.String(100))
    recent_provider_experience: Mapped[bool | None]
    professional_accreditation: Mapped[str | None] = mapped_column(sa.String(200))
    supporting_statement: Mapped[str | None] = mapped_column(sa.Text)

    # Diversity monitoring is optional and only kept with explicit consent
    # (enforced by a CHECK constraint below).
    diversity_consent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    gender: Mapped[str | None] = mapped_column(sa.String(64))
    ethnicity: Mapped[str | None] = mapped_column(sa.String(100))

    screening_result: Mapped[ScreeningResult | None] = mapped_column(
        enum_column_type(ScreeningResult)
    )
    screening_reason: Mapped[str | None] = mapped_column(sa.Text)
    screened_by: Mapped[str | None] = mapped_column(sa.String(SLACK_ID_LENGTH))
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Links a re-application to the person's earlier attempt.
    previous_application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("application.id", ondelete="SET NULL"), index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The cohort named in an offer, so accepting it knows where to enrol the person.
    offered_cohort_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="SET NULL"), index=True
    )

    programme: Mapped[Programme] = relationship()
    round: Mapped[AdvertisingRound | None] = relationship()
    person: Mapped[Person] = relationship(back_populates="applications", foreign_keys=[person_id])
    previous_application: Mapped[Application | None] = relationship(
        remote_side="Application.id", foreign_keys=[previous_application_id]
    )
    status_changes: Mapped[list[ApplicationStatusChange]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ApplicationStatusChange.changed_at",
    )

    __table_args__ = (
        sa.Index(None, "programme_id", "status"),
        sa.CheckConstraint(
            "diversity_consent OR (gender IS NULL AND ethnicity IS NULL)",
            name="diversity_needs_consent",
        ),
    )


_LIVE_STATUSES_SQL = ", ".join(f"'{status.value}'" for status in sorted(ApplicationStatus.live()))
_LIVE_PREDICATE = sa.text(f"status IN ({_LIVE_STATUSES_SQL})")

# One live application per person per programme. Closed applications (withdrawn,
# unsuccessful, ...) do not count, so people can re-apply in a later round. Changing
# ApplicationStatus.live() means a migration to rebuild this index.
sa.Index(
    LIVE_APPLICATION_INDEX,
    Application.programme_id,
    Application.person_id,
    unique=True,
    sqlite_where=_LIVE_PREDICATE,
    postgresql_where=_LIVE_PREDICATE,
)


class ApplicationStatusChange(Base):
    """One step in an application's history, with the reason and any feedback given."""

    __tablename__ = "application_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"))
    # Null for the first entry, recording the application being received.
    from_status: Mapped[ApplicationStatus | None] = mapped_column(
        enum_column_type(ApplicationStatus)
    )
    to_status: Mapped[ApplicationStatus] = mapped_column(enum_column_type(ApplicationStatus))
    # Slack user id of whoever made the change, or "system".
    changed_by: Mapped[str] = mapped_column(sa.String(SLACK_ID_LENGTH))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    # Feedback shared with the applicant, kept apart from the internal reason.
    feedback: Mapped[str | None] = mapped_column(sa.Text)

    application: Mapped[Application] = relationship(back_populates="status_changes")

    __table_args__ = (sa.Index(None, "application_id", "changed_at"),)
