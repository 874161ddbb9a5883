"""Role grants: who may do what, globally or for one programme."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import SLACK_ID_LENGTH, Base, UTCDateTime, enum_column_type, utcnow
from db.enums import Role

if TYPE_CHECKING:
    from db.models.programme import Programme

__all__ = ["RoleGrant"]


class RoleGrant(Base):
    """A role given to a Slack user, for one programme or (programme null) globally."""

    __tablename__ = "role_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(sa.String(SLACK_ID_LENGTH), index=True)
    role: Mapped[Role] = mapped_column(enum_column_type(Role))
    # A programme-scoped grant means nothing without its programme.
    programme_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    granted_by: Mapped[str] = mapped_column(sa.String(SLACK_ID_LENGTH))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    programme: Mapped[Programme | None] = relationship()

    __table_args__ = (
        # A plain UNIQUE (slack_user_id, role, programme_id) would let the same global
        # grant be inserted twice, because NULLs are distinct on both backends. Two
        # partial unique indexes cover the scoped and the global case.
        sa.Index(
            "uq_role_grant_programme",
            "slack_user_id",
            "role",
            "programme_id",
            unique=True,
            sqlite_where=sa.text("programme_id IS NOT NULL"),
            postgresql_where=sa.text("programme_id IS NOT NULL"),
        ),
        sa.Index(
            "uq_role_grant_global",
            "slack_user_id",
            "role",
            unique=True,
            sqlite_where=sa.text("programme_id IS NULL"),
            postgresql_where=sa.text("programme_id IS NULL"),
        ),
    )
