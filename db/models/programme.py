"""Programmes, their advertising rounds, cohorts and action learning groups."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import SLACK_ID_LENGTH, Base, CreatedAtMixin, JSONType

if TYPE_CHECKING:
    from db.models.people import Enrolment
    from db.models.sessions import ProgrammeSession

__all__ = ["ActionLearningGroup", "AdvertisingRound", "Cohort", "Programme"]


class Programme(CreatedAtMixin, Base):
    """A development programme, run as one or more cohorts."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    length_months: Mapped[int] = mapped_column(default=12, server_default=sa.text("12"))
    coaching_allowance: Mapped[int] = mapped_column(default=4, server_default=sa.text("4"))
    steering_channel_id: Mapped[str | None] = mapped_column(sa.String(SLACK_ID_LENGTH))
    timezone: Mapped[str] = mapped_column(
        sa.String(64), default="Europe/London", server_default="Europe/London"
    )
    # A list of criterion strings applicants must meet to pass screening.
    non_negotiables: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    # Overrides of the default reminder schedule, keyed by reminder kind.
    reminder_policy: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    rounds: Mapped[list[AdvertisingRound]] = relationship(
        back_populates="programme",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AdvertisingRound.opens_on",
    )
    # passive_deletes="all" on NO ACTION links: the ORM must not null out children
    # (or load them) when a parent is deleted; the database refuses instead.
    cohorts: Mapped[list[Cohort]] = relationship(
        back_populates="programme", passive_deletes="all", order_by="Cohort.start_date"
    )

    __table_args__ = (
        sa.CheckConstraint("length_months > 0", name="length_months_positive"),
        sa.CheckConstraint("coaching_allowance >= 0", name="coaching_allowance_not_negative"),
    )


class AdvertisingRound(CreatedAtMixin, Base):
    """A period during which a programme is advertised and takes applications."""

    __tablename__ = "advertising_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Rounds are part of the programme's definition, so they go with it.
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    opens_on: Mapped[date]
    closes_on: Mapped[date]

    programme: Mapped[Programme] = relationship(back_populates="rounds")

    __table_args__ = (
        sa.UniqueConstraint("programme_id", "name"),
        sa.CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
    )


class Cohort(CreatedAtMixin, Base):
    """A group of (about fifteen) participants going through a programme together."""

    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NO ACTION: a programme with cohorts is history and must not vanish by accident.
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    capacity: Mapped[int] = mapped_column(default=15, server_default=sa.text("15"))
    start_date: Mapped[date | None]

    programme: Mapped[Programme] = relationship(back_populates="cohorts")
    groups: Mapped[list[ActionLearningGroup]] = relationship(
        back_populates="cohort",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ActionLearningGroup.name",
    )
    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="cohort", passive_deletes="all"
    )
    sessions: Mapped[list[ProgrammeSession]] = relationship(
        back_populates="cohort",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ProgrammeSession.starts_at",
    )

    __table_args__ = (
        sa.UniqueConstraint("programme_id", "name"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
    )


class ActionLearningGroup(CreatedAtMixin, Base):
    """A small peer group within a cohort that meets for action learning sets."""

    __tablename__ = "action_learning_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))

    cohort: Mapped[Cohort] = relationship(back_populates="groups")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="group")

    __table_args__ = (sa.UniqueConstraint("cohort_id", "name"),)
