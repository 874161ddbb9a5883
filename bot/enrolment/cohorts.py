"""Saving a cohort where enrolment must follow: places a raised capacity frees go to the queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.enrolment.enrolment import offer_free_places
from bot.programmes import programmes
from bot.programmes.programmes import CohortDetails
from db.models import Cohort


def save_cohort(
    session: Session,
    details: CohortDetails,
    *,
    programme_id: int,
    cohort_id: int | None,
    actor: str,
    now: datetime,
    expected: str | None = None,
) -> Cohort:
    """Create or change a cohort (audited); new places go to its waiting list first, as offers."""
    # Locked first, so the capacity read here is the one the save replaces.
    existing = (
        session.get(Cohort, cohort_id, with_for_update=True, populate_existing=True)
        if cohort_id is not None
        else None
    )
    # Read before saving, which overwrites it; a missing cohort is left for the save to refuse.
    capacity_before = existing.capacity if existing is not None else None
    cohort = programmes.save_cohort(
        session,
        details,
        programme_id=programme_id,
        cohort_id=cohort_id,
        actor=actor,
        now=now,
        expected=expected,
    )
    if capacity_before is not None and details.capacity > capacity_before:
        offer_free_places(session, cohort_id=cohort.id, now=now)
    return cohort
