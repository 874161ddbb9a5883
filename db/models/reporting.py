"""What the steering group was last told, so the next digest can say what changed."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, CreatedAtMixin, JSONType

if TYPE_CHECKING:
    from db.models.programme import Programme

__all__ = ["DigestSnapshot", "ErasedDiversityProfile"]


class DigestSnapshot(CreatedAtMixin, Base):
    """The headline figures a programme's weekly digest reported, one row per digest week.

    Only figures already fit to publish (after disclosure control) are kept, so a
    week-on-week change computed from two snapshots never reveals a suppressed count.
    """

    __tablename__ = "digest_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    # The Monday (programme timezone) of the week the digest covers.
    week_of: Mapped[date]
    figures: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    programme: Mapped[Programme] = relationship()

    __table_args__ = (sa.UniqueConstraint("programme_id", "week_of"),)


def _random_id() -> str:
    return uuid.uuid4().hex


class ErasedDiversityProfile(Base):
    """How an erased person counted in a programme's diversity tables, with no link to them.

    Erasure removes gender and ethnicity from the person's applications, yet the digest's figures
    must not change: the person's contribution moves here, as the labels the tables count. No
    foreign key to a person, no timestamp and a random id, so nothing joins or orders it back to
    the anonymised records it came from.
    """

    __tablename__ = "erased_diversity_profile"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=_random_id)
    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    # Whether they counted among the programme's applicants, and among its participants.
    applicant: Mapped[bool]
    participant: Mapped[bool]
    gender: Mapped[str] = mapped_column(sa.String(64))
    ethnicity: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str] = mapped_column(sa.String(100))
    organisation_type: Mapped[str] = mapped_column(sa.String(100))
