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


READ_PREFIX = "read."


def record_read(
    session: Session, *, actor: str, what: str, scope: str, rows: int, now: datetime
) -> AuditEvent:
    """Add an audit event for a view or export of personal data: who, what, when, how many rows.

    `scope` names what was read by reference ("cohort:3", "session:12", "all"), never by value.
    """
    event = AuditEvent(
        at=now,
        actor=actor,
        action=READ_PREFIX + what,
        entity_type="read",
        entity_id=scope[:64],
        before=None,
        after={"rows": rows},
    )
    session.add(event)
    return event
