"""Two people changing one record at once: both changes, or a clear word to the second, never a
silent overwrite.

A form that edits a record (a cohort, a session's details, an attendance register) carries the
`fingerprint` of the record as the form showed it. On saving, the service locks the record's row
(`SELECT ... FOR UPDATE` on PostgreSQL, so two web processes saving at once take turns; SQLite
writes one transaction at a time anyway) and compares the fingerprint of what is stored now. If
someone else saved in between, the second save is refused with what the record is now, and the
coordinator can look again and decide. Fingerprints of the audit snapshots, not version columns:
the snapshot is already what a person sees of the record, so only a change that matters to them
counts as a conflict, and no schema change or version bump can be forgotten on some path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from bot.core.errors import InvalidInput, NotFound

_Model = TypeVar("_Model")
CHANGED_MEANWHILE = "changed by someone else a moment ago"


class ChangedMeanwhile(InvalidInput):
    """The record changed after the form was opened; nothing was saved."""


def fingerprint(snapshot: Mapping[str, Any]) -> str:
    """A short digest of a record's snapshot, stable across processes."""
    canonical = json.dumps(snapshot, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def locked(session: Session, model: type[_Model], row_id: int, missing: str) -> _Model:
    """The row, locked until the transaction ends (on PostgreSQL), read afresh."""
    row = session.get(model, row_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(missing)
    return row


def require_unchanged(expected: str | None, current: str, *, what: str, now_is: str) -> None:
    """Refuse to save over a change made since the form showed `expected` (None: no check).

    `current` is the fingerprint of the record as stored now, read under its lock.
    """
    if expected is not None and current != expected:
        raise ChangedMeanwhile(
            f"{what} was {CHANGED_MEANWHILE}, so your change was not saved. "
            f"Here is what it is now: {now_is}. Close this form and open it again to change it."
        )
