"""The life of an owed message once it is due: claimed, sent, refused, withdrawn or held back.

A pass of the clock claims due rows under its own `claimant` token and commits before calling Slack.
Every later change to a claimed row is conditional on that claim (`state = 'sending' AND
claimed_by = :claimant`), so two passes can never both settle one row: a pass that takes over a
stuck send first re-claims it, and only the pass whose claim succeeded goes on to look for it in
Slack and queue it again. The conditional updates report whether they applied; a caller whose claim
was lost leaves the row alone.

Withdrawal (a session moved or cancelled, a person withdrawn) cancels every row not yet sent. A
row whose send is in doubt (claimed by a pass that died, or Slack's answer lost) cannot simply be
cancelled, since Slack may have it: it is flagged `withdrawn_at`, and reconciliation then records it
as sent if Slack has it, and as cancelled if not, never sending it again.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Update, exists, select, update
from sqlalchemy.orm import Session

from bot.core.outbox import EXPIRE_WHEN_SESSION_ENDS, EXPIRE_WHEN_SESSION_STARTS
from db.enums import OutboundState
from db.models import OutboundMessage, UnreachableRecipient

# Slack answers these when retrying can never help: the row fails and a person must look.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "user_disabled",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "cannot_dm_bot",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
        "invalid_auth",
        "not_authed",
        "missing_scope",
    }
)
# Of those, the ones that say the person is gone: nothing more is tried for them until they are back.
RECIPIENT_GONE_ERRORS = frozenset({"account_inactive", "user_not_found", "user_disabled"})
WITHDRAWN = "withdrawn"

UNSENT_STATES = (OutboundState.PENDING, OutboundState.UNDELIVERABLE)


def new_claimant() -> str:
    """A token naming one pass of the clock, for its claims."""
    return secrets.token_hex(16)


def cancel_pending(
    session: Session,
    *,
    now: datetime,
    session_id: int | None = None,
    enrolment_id: int | None = None,
) -> int:
    """Withdraw every message about a session and/or an enrolment not confirmed sent.

    Rows not yet sent are cancelled; rows whose send is in doubt are flagged for reconciliation to
    settle. Returns how many were withdrawn either way.
    """
    if session_id is None and enrolment_id is None:
        raise ValueError("say which session or enrolment the messages are about")
    about = []
    if session_id is not None:
        about.append(OutboundMessage.session_id == session_id)
    if enrolment_id is not None:
        about.append(OutboundMessage.enrolment_id == enrolment_id)
    cancelled = _changed(
        session,
        update(OutboundMessage)
        .where(*about, OutboundMessage.state.in_(UNSENT_STATES))
        .values(state=OutboundState.CANCELLED, last_error=WITHDRAWN),
    )
    in_doubt = _changed(
        session,
        update(OutboundMessage)
        .where(
            *about,
            OutboundMessage.state == OutboundState.SENDING,
            OutboundMessage.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now),
    )
    return cancelled + in_doubt


def cancel_unsent(session: Session, outbox_ids: Sequence[int], why: str) -> int:
    """Cancel those of these messages not yet sent (pending, or held for an unreachable person)."""
    if not outbox_ids:
        return 0
    return _changed(
        session,
        update(OutboundMessage)
        .where(OutboundMessage.id.in_(outbox_ids), OutboundMessage.state.in_(UNSENT_STATES))
        .values(state=OutboundState.CANCELLED, last_error=why),
    )


def expired(row: OutboundMessage, now: datetime) -> bool:
    """Whether sending `row` now would be useless (its session started or ended, as it needs)."""
    if row.session is None:
        return False
    if row.kind in EXPIRE_WHEN_SESSION_STARTS:
        return row.session.starts_at <= now
    if row.kind in EXPIRE_WHEN_SESSION_ENDS:
        return row.session.ends_at <= now
    return False


def claim_due(session: Session, now: datetime, limit: int, *, claimant: str) -> list[int]:
    """Move up to `limit` due messages from pending to sending; returns their ids, oldest first.

    The caller commits before calling Slack, so a crash leaves the row in 'sending', never
    'pending' (which would send it again blindly). Messages to unreachable people are held back
    (see `hold_back_unreachable`). On PostgreSQL the rows are locked while claimed.
    """
    unreachable = exists().where(UnreachableRecipient.recipient == OutboundMessage.recipient)
    query = (
        select(OutboundMessage)
        .where(
            OutboundMessage.state == OutboundState.PENDING,
            OutboundMessage.due_at <= now,
            ~unreachable,
        )
        .order_by(OutboundMessage.due_at, OutboundMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    for row in rows:
        row.state = OutboundState.SENDING
        row.attempts += 1
        row.claimed_at = now
        row.claimed_by = claimant
    return [row.id for row in rows]


def take_over(
    session: Session, outbox_id: int, *, previous: str | None, claimant: str, now: datetime
) -> bool:
    """Re-claim a stuck send from the claim that left it; False if someone else already did."""
    return _settle(
        session,
        outbox_id,
        previous,
        claimed_by=claimant,
        claimed_at=now,
    )


def cancel(session: Session, outbox_id: int, why: str, *, claimant: str) -> bool:
    """Cancel one claimed message that is no longer worth sending."""
    return _settle(session, outbox_id, claimant, state=OutboundState.CANCELLED, last_error=why)


def mark_sent(
    session: Session, outbox_id: int, *, claimant: str, channel_id: str, ts: str, now: datetime
) -> bool:
    """Record where Slack put the message."""
    return _settle(
        session,
        outbox_id,
        claimant,
        state=OutboundState.SENT,
        channel_id=channel_id,
        ts=ts,
        sent_at=now,
        last_error=None,
    )


def mark_failed(session: Session, outbox_id: int, error: str, *, claimant: str) -> bool:
    """Give up on a message Slack will never accept."""
    return _settle(session, outbox_id, claimant, state=OutboundState.FAILED, last_error=error)


def retry_later(
    session: Session, outbox_id: int, error: str, retry_at: datetime, *, claimant: str
) -> bool:
    """Put a claimed message back in the queue, known not to have been posted.

    A message withdrawn while its send was in doubt is cancelled instead: it is now known unsent.
    """
    withdrawn = session.scalar(
        select(OutboundMessage.withdrawn_at).where(OutboundMessage.id == outbox_id)
    )
    if withdrawn is not None:
        return cancel(session, outbox_id, WITHDRAWN, claimant=claimant)
    return _settle(
        session,
        outbox_id,
        claimant,
        state=OutboundState.PENDING,
        last_error=error,
        due_at=retry_at,
    )


def note_error(session: Session, outbox_id: int, error: str, *, claimant: str) -> bool:
    """Record why a claimed send is in doubt, leaving it claimed for reconciliation."""
    return _settle(session, outbox_id, claimant, last_error=error)


def _settle(session: Session, outbox_id: int, claimant: str | None, **values: Any) -> bool:
    """Apply `values` to the row if it is still 'sending' under `claimant`'s claim."""
    changed = _changed(
        session,
        update(OutboundMessage)
        .where(
            OutboundMessage.id == outbox_id,
            OutboundMessage.state == OutboundState.SENDING,
            OutboundMessage.claimed_by.is_not_distinct_from(claimant),
        )
        .values(**values),
    )
    return changed == 1


def mark_unreachable(session: Session, recipient: str, reason: str, now: datetime) -> bool:
    """Record that `recipient` cannot receive messages and hold back what they are owed.

    Returns False if they were already known to be unreachable.
    """
    if session.get(UnreachableRecipient, recipient) is not None:
        return False
    session.add(UnreachableRecipient(recipient=recipient, reason=reason, since=now))
    hold_back_unreachable(session, recipient)
    return True


def hold_back_unreachable(session: Session, recipient: str | None = None) -> int:
    """Mark what is owed to unreachable people as undeliverable (listed for coordinators)."""
    unreachable = exists().where(UnreachableRecipient.recipient == OutboundMessage.recipient)
    conditions = [OutboundMessage.state == OutboundState.PENDING, unreachable]
    if recipient is not None:
        conditions.append(OutboundMessage.recipient == recipient)
    return _changed(
        session,
        update(OutboundMessage).where(*conditions).values(state=OutboundState.UNDELIVERABLE),
    )


def mark_reachable(session: Session, recipient: str) -> int | None:
    """`recipient` can receive messages again: queue what was held back for them.

    Returns how many messages were queued again, or None if they were not marked unreachable.
    Messages whose moment has passed are cancelled when their turn comes, as for anyone.
    """
    row = session.get(UnreachableRecipient, recipient)
    if row is None:
        return None
    session.delete(row)
    session.flush()
    return _changed(
        session,
        update(OutboundMessage)
        .where(
            OutboundMessage.recipient == recipient,
            OutboundMessage.state == OutboundState.UNDELIVERABLE,
        )
        .values(state=OutboundState.PENDING),
    )


def _changed(session: Session, statement: Update) -> int:
    """Run a bulk UPDATE and say how many rows it changed.

    Objects the session already holds are expired, so none of them shows a state from before.
    """
    result = cast(
        CursorResult[Any],
        session.execute(statement.execution_options(synchronize_session=False)),
    )
    session.expire_all()
    return result.rowcount or 0
