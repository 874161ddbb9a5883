"""The audit trail: every change of programme data says who, when, what, before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from db.models import AuditEvent


def record_change(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime,
) -> AuditEvent:
    """Add an audit event for a change to `entity` (a mapped object with an `id`)."""
    event = AuditEvent(
        at=now,
        actor=actor,
        action=action,
        entity_type=type(entity).__name__,
        entity_id=str(entity.id),
        before=before,
        after=after,
    )
    session.add(event)
    return event
