"""The log of one-to-one coaching sessions a participant has used."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import SLACK_ID_LENGTH, Base, CreatedAtMixin

if TYPE_CHECKING:
    from db.models.people import Enrolment, Person

__all__ = ["CoachingSession"]


class CoachingSession(CreatedAtMixin, Base):
    """One coaching session held, counted against the enrolment's allowance."""

    __tablename__ = "coaching_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"))
    held_on: Mapped[date]
    # The coach may be someone the bot knows, or just a name (external coaches).
    coach_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    coach_name: Mapped[str | None] = mapped_column(sa.String(200))
    # Logistics only (e.g. "rescheduled from May"); coaching content stays confidential.
    note: Mapped[str | None] = mapped_column(sa.Text)
    logged_by: Mapped[str] = mapped_column(sa.String(SLACK_ID_LENGTH))

    enrolment: Mapped[Enrolment] = relationship(back_populates="coaching_sessions")
    coach: Mapped[Person | None] = relationship()

    __table_args__ = (sa.Index(None, "enrolment_id", "held_on"),)
