"""Scheduled programme sessions, their change history, and invitations to them."""

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
from db.enums import (
    AttendanceStatus,
    DatePrecision,
    RsvpStatus,
    SessionChangeKind,
    SessionKind,
    SessionStatus,
)

if TYPE_CHECKING:
    from db.models.people import Enrolment, Person
    from db.models.programme import ActionLearningGroup, Cohort

__all__ = ["Invitation", "ProgrammeSession", "SessionChange"]


class ProgrammeSession(CreatedAtMixin, Base):
    """A workshop, action learning set or other session (not a database session)."""

    __tablename__ = "programme_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sessions are part of a cohort's timetable and go with it; a cohort that still
    # has enrolments cannot be deleted anyway.
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"))
    # Null means the whole cohort. NO ACTION: turning a group session into a
    # whole-cohort one by deleting the group would invite the wrong people.
    action_learning_group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("action_learning_group.id"), index=True
    )
    kind: Mapped[SessionKind] = mapped_column(enum_column_type(SessionKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # All day: planned by the day, with no times (starts at midnight, ends at the midnight after
    # its last day, in the programme's time zone).
    all_day: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # With status DATE_TBC, the week or month the session falls in (starts_at .. ends_at).
    date_precision: Mapped[DatePrecision] = mapped_column(
        enum_column_type(DatePrecision),
        default=DatePrecision.DAY,
        server_default=DatePrecision.DAY.value,
    )
    # Added after it had ended (a programme brought in under way): history, so nothing is
    # sent about it (no attendance prompt, evaluation or commitment follow-up).
    past_when_added: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    location: Mapped[str | None] = mapped_column(sa.String(300))
    video_url: Mapped[str | None] = mapped_column(sa.String(1000))
    compulsory: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    facilitator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[SessionStatus] = mapped_column(
        enum_column_type(SessionStatus),
        default=SessionStatus.SCHEDULED,
        server_default=SessionStatus.SCHEDULED.value,
    )
    # Why the session was last moved or cancelled (history is in SessionChange).
    change_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Set on an alternative date offered for the same session.
    alternative_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_session.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="sessions")
    group: Mapped[ActionLearningGroup | None] = relationship()
    facilitator: Mapped[Person | None] = relationship()
    alternative_of: Mapped[ProgrammeSession | None] = relationship(
        remote_side="ProgrammeSession.id", back_populates="alternatives"
    )
    alternatives: Mapped[list[ProgrammeSession]] = relationship(
        back_populates="alternative_of", passive_deletes=True
    )
    changes: Mapped[list[SessionChange]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SessionChange.changed_at",
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        sa.Index(None, "cohort_id", "starts_at"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )


class SessionChange(Base):
    """A record of a session being moved, cancelled or otherwise changed."""

    __tablename__ = "session_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme_session.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[SessionChangeKind] = mapped_column(enum_column_type(SessionChangeKind))
    old_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    old_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    new_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    new_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(sa.Text)
    changed_by: Mapped[str] = mapped_column(sa.String(SLACK_ID_LENGTH))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    session: Mapped[ProgrammeSession] = relationship(back_populates="changes")


class Invitation(CreatedAtMixin, Base):
    """An enrolment's invitation to a session, with RSVP and attendance."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme_session.id", ondelete="CASCADE")
    )
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    rsvp: Mapped[RsvpStatus] = mapped_column(
        enum_column_type(RsvpStatus), default=RsvpStatus.NONE, server_default=RsvpStatus.NONE.value
    )
    rsvp_reason: Mapped[str | None] = mapped_column(sa.Text)
    rsvp_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attendance: Mapped[AttendanceStatus] = mapped_column(
        enum_column_type(AttendanceStatus),
        default=AttendanceStatus.UNKNOWN,
        server_default=AttendanceStatus.UNKNOWN.value,
    )
    attendance_reason: Mapped[str | None] = mapped_column(sa.Text)
    attendance_recorded_by: Mapped[str | None] = mapped_column(sa.String(SLACK_ID_LENGTH))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    session: Mapped[ProgrammeSession] = relationship(back_populates="invitations")
    enrolment: Mapped[Enrolment] = relationship(back_populates="invitations")

    __table_args__ = (sa.UniqueConstraint("session_id", "enrolment_id"),)
