"""What the steering group was last told, so the next digest can say what changed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, CreatedAtMixin, JSONType

if TYPE_CHECKING:
    from db.models.programme import Programme

__all__ = ["DigestSnapshot"]


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
