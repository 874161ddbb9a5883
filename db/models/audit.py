"""The append-only audit trail of changes made through the bot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONType, UTCDateTime, utcnow

__all__ = ["SYSTEM_ACTOR", "AuditEvent", "AuditPersonalValue", "AuditPseudonym"]

# Actor recorded for changes made by the scheduler or other automation.
SYSTEM_ACTOR = "system"


class AuditEvent(Base):
    """Who did what to which record, with before and after snapshots.

    No foreign keys: the trail must survive deletion of what it describes.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # A person's pseudonym (`someone:<AuditPseudonym.id>`), never their Slack id; or a
    # non-personal actor such as SYSTEM_ACTOR.
    actor: Mapped[str] = mapped_column(sa.String(64), index=True)
    # E.g. "application.status_changed", "session.moved".
    action: Mapped[str] = mapped_column(sa.String(100))
    entity_type: Mapped[str] = mapped_column(sa.String(64))
    # A string so non-integer keys fit too; a row keyed by a Slack id is named by its pseudonym.
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    __table_args__ = (sa.Index(None, "entity_type", "entity_id"),)


class AuditPersonalValue(Base):
    """The values of an audit event about a person's records, kept apart so erasure can remove them.

    The audit event itself is append-only and keeps only references (what, which record, who,
    when); this row, which the database lets erasure delete, holds the before and after values.
    """

    __tablename__ = "audit_personal_value"

    audit_event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("audit_event.id", ondelete="NO ACTION"), primary_key=True
    )
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class AuditPseudonym(Base):
    """The one place the audit trail's pseudonym for a person meets their Slack id.

    Events name people as `someone:<id>`; while this row exists the trail can say who, and
    erasure deletes it, after which nothing in the append-only trail leads back to them.
    """

    __tablename__ = "audit_pseudonym"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
