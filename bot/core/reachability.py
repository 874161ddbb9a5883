"""Who Slack says cannot receive messages, and bringing them back.

Slack tells us in two ways that a person is gone: a send refused with `account_inactive`,
`user_not_found` or `user_disabled` (the dispatcher marks them at once, see `outbox_claims`), and a
`user_change` event whose user is `deleted`. From then on nothing is attempted for them: what they
are owed waits as undeliverable, listed for coordinators, so an unreachable person costs no Web API
calls however many passes run. Sending resumes when Slack says they are back (a `user_change` event
without `deleted`) or a coordinator says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core import outbox_claims
from bot.core.audit import record_change
from bot.core.errors import InvalidInput
from db.enums import OutboundState
from db.models import OutboundMessage, UnreachableRecipient

# The reason recorded when a `user_change` event says the account was deleted or deactivated.
DELETED = "deleted"


@dataclass(frozen=True)
class Unreachable:
    """One person nothing is being sent to, and how many messages wait for them."""

    recipient: str
    reason: str
    since: datetime
    held: int


def unreachable_people(session: Session) -> Sequence[Unreachable]:
    """Everyone marked unreachable, longest first, with the messages held back for each."""
    held = (
        select(OutboundMessage.recipient, func.count().label("held"))
        .where(OutboundMessage.state == OutboundState.UNDELIVERABLE)
        .group_by(OutboundMessage.recipient)
        .subquery()
    )
    rows = session.execute(
        select(UnreachableRecipient, func.coalesce(held.c.held, 0))
        .outerjoin(held, held.c.recipient == UnreachableRecipient.recipient)
        .order_by(UnreachableRecipient.since, UnreachableRecipient.recipient)
    )
    return [Unreachable(row.recipient, row.reason, row.since, int(count)) for row, count in rows]


def slack_says_changed(session: Session, user_id: str, *, deleted: bool, now: datetime) -> bool:
    """Apply a `user_change` event; True if it changed whether the person is reachable."""
    if deleted:
        changed = outbox_claims.mark_unreachable(session, user_id, DELETED, now)
    else:
        changed = outbox_claims.mark_reachable(session, user_id) is not None
    if changed:
        record_change(
            session,
            actor="slack",
            action="person.unreachable" if deleted else "person.reachable",
            entity=UnreachableRecipient(recipient=user_id, reason=DELETED, since=now),
            before=None,
            after={"deleted": deleted},
            now=now,
        )
    return changed


def resume_sending(session: Session, user_id: str, *, actor: str, now: datetime) -> int:
    """A coordinator says the person can be reached again; returns how many messages are queued."""
    row = session.get(UnreachableRecipient, user_id)
    if row is None:
        raise InvalidInput(
            "Nothing is being held back for them: they are not marked unreachable.", field="user"
        )
    before = {"reason": row.reason, "since": row.since.isoformat()}
    queued = outbox_claims.mark_reachable(session, user_id) or 0
    record_change(
        session,
        actor=actor,
        action="person.reachable",
        entity=row,
        before=before,
        after={"queued": queued},
        now=now,
    )
    return queued
