"""De-duplication of Slack Events API deliveries, which Slack retries up to three times."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import ProcessedEvent

# Slack's last retry comes about five minutes after the first attempt; a day is ample.
KEEP_FOR = timedelta(days=1)


def record_event(session: Session, event_id: str, now: datetime) -> bool:
    """Record that `event_id` arrived; False if it had arrived before (from any process)."""
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(event_id=event_id, received_at=now))
    except IntegrityError:
        return False
    return True


def purge_processed_events(session: Session, now: datetime) -> int:
    """Forget events old enough that Slack will not retry them; returns how many."""
    stale = delete(ProcessedEvent).where(ProcessedEvent.received_at < now - KEEP_FOR)
    result = cast(CursorResult[Any], session.execute(stale))
    return result.rowcount or 0
