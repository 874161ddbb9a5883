"""People, their enrolments in cohorts, and periods away from the programme."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from db.base import (
    SLACK_ID_LENGTH,
    Base,
    CreatedAtMixin,
    UTCDateTime,
    enum_column_type,
    utcnow,
)
from db.enums import EnrolmentStatus, LeaveKind, OrganisationType, SessionNotificationPreference

if TYPE_CHECKING:
    from db.models.applications import Application
    from db.models.assessment import AssessmentResult, Outcome
    from db.models.coaching import CoachingSession
    from db.models.programme import ActionLearningGroup, Cohort
    from db.models.sessions import Invitation

__all__ = ["Enrolment", "LeavePeriod", "Person", "normalise_email"]


def normalise_email(email: str | None) -> str | None:
    """Return an email address trimmed and lower-cased (None and blank give None)."""
    if email is None:
        return None
    cleaned = email.strip().lower()
    return cleaned or None


class Person(CreatedAtMixin, Base):
    """Anyone the bot knows about: applicants, participants, coaches, facilitators."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null until the person is matched to a Slack account.
    slack_user_id: Mapped[str | None] = mapped_column(sa.String(SLACK_ID_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # Always stored lower-cased (see the validator and the CHECK constraint) so the
    # unique constraint is effectively case-insensitive on both backends.
    email: Mapped[str | None] = mapped_column(sa.String(320), unique=True)
    job_title: Mapped[str | None] = mapped_column(sa.String(200))
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    organisation_type: Mapped[OrganisationType | None] = mapped_column(
        enum_column_type(OrganisationType)
    )
    # Regions are configurable per deployment, so this is free text, not an enum.
    region: Mapped[str | None] = mapped_column(sa.String(100))
    # IANA zone name reported by Slack, e.g. "Europe/London".
    slack_tz: Mapped[str | None] = mapped_column(sa.String(64))
    # Set when the person was erased (bot.privacy.erasure): the row stays as an anonymous unit so
    # that counts stay right, with nothing left that names them.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # passive_deletes="all": deleting a person with history is refused by the
    # database (NO ACTION), not "fixed" by the ORM nulling out foreign keys.
    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="person", foreign_keys="Enrolment.person_id", passive_deletes="all"
    )
    applications: Mapped[list[Application]] = relationship(
        back_populates="person", foreign_keys="Application.person_id", passive_deletes="all"
    )
    outcomes: Mapped[list[Outcome]] = relationship(back_populates="person", passive_deletes="all")

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lower_case"),)

    @validates("email")
    def _normalise_email(self, _key: str, value: str | None) -> str | None:
        return normalise_email(value)


class Enrolment(CreatedAtMixin, Base):
    """A person's place (or waiting-list place) in a cohort."""

    __tablename__ = "enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NO ACTION on person and cohort: removing either with enrolments must be an
    # explicit decision (e.g. an erasure request), not a side effect.
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id"))
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("application.id", ondelete="SET NULL"), index=True
    )
    action_learning_group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("action_learning_group.id", ondelete="SET NULL"), index=True
    )
    # The coach assigned by a coordinator: only they (besides the participant and coordinators)
    # may log coaching for this place.
    coach_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[EnrolmentStatus] = mapped_column(
        enum_column_type(EnrolmentStatus), default=EnrolmentStatus.ENROLLED
    )
    # 1-based position on the cohort's waiting list; null unless status is waiting.
    waiting_position: Mapped[int | None]
    # Set while a waiting person holds the offer of a freed place they have not yet answered;
    # their waiting position is kept until they accept or decline.
    place_offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Overrides Programme.coaching_allowance for this person when set.
    coaching_allowance: Mapped[int | None]
    coaching_deadline: Mapped[date | None]
    away_until: Mapped[date | None]
    optional_sessions: Mapped[SessionNotificationPreference] = mapped_column(
        enum_column_type(SessionNotificationPreference),
        default=SessionNotificationPreference.ALL,
        server_default=SessionNotificationPreference.ALL.value,
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship(back_populates="enrolments", foreign_keys=[person_id])
    coach: Mapped[Person | None] = relationship(foreign_keys=[coach_person_id])
    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    group: Mapped[ActionLearningGroup | None] = relationship(back_populates="enrolments")
    application: Mapped[Application | None] = relationship()
    leave_periods: Mapped[list[LeavePeriod]] = relationship(
        back_populates="enrolment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="LeavePeriod.starts_on",
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="enrolment", cascade="all, delete-orphan", passive_deletes=True
    )
    coaching_sessions: Mapped[list[CoachingSession]] = relationship(
        back_populates="enrolment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CoachingSession.held_on",
    )
    assessment_results: Mapped[list[AssessmentResult]] = relationship(
        back_populates="enrolment", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        sa.UniqueConstraint("person_id", "cohort_id"),
        sa.Index(None, "cohort_id", "status"),
        sa.CheckConstraint(
            "waiting_position IS NULL OR waiting_position > 0", name="waiting_position_positive"
        ),
        sa.CheckConstraint(
            "coaching_allowance IS NULL OR coaching_allowance >= 0",
            name="coaching_allowance_not_negative",
        ),
    )


class LeavePeriod(CreatedAtMixin, Base):
    """A period when a participant is away (e.g. maternity leave) and not chased."""

    __tablename__ = "leave_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date]
    # Null when the return date is not yet known.
    ends_on: Mapped[date | None]
    kind: Mapped[LeaveKind] = mapped_column(enum_column_type(LeaveKind), default=LeaveKind.AWAY)
    recorded_by: Mapped[str] = mapped_column(sa.String(SLACK_ID_LENGTH))

    enrolment: Mapped[Enrolment] = relationship(back_populates="leave_periods")

    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )
