"""The outbox of Slack messages to send, and Slack events already processed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import (
    SLACK_ID_LENGTH,
    Base,
    CreatedAtMixin,
    JSONType,
    UTCDateTime,
    enum_column_type,
    utcnow,
)
from db.enums import OutboundState

if TYPE_CHECKING:
    from db.models.people import Enrolment
    from db.models.sessions import ProgrammeSession

__all__ = ["OutboundMessage", "ProcessedEvent", "UnreachableRecipient"]


class OutboundMessage(CreatedAtMixin, Base):
    """A Slack message to send at or after ``due_at`` (the transactional outbox).

    Rows are written in the same transaction as the change that causes them and sent
    later by a worker, so a rolled-back change never sends and a crash never loses a
    message. ``idempotency_key`` makes scheduling the same reminder twice a no-op.
    """

    __tablename__ = "outbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Slack user id (sent as a DM) or channel id.
    recipient: Mapped[str] = mapped_column(sa.String(SLACK_ID_LENGTH))
    # E.g. "session_reminder", "evaluation_request"; a string so new kinds need no migration.
    kind: Mapped[str] = mapped_column(sa.String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    idempotency_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    state: Mapped[OutboundState] = mapped_column(
        enum_column_type(OutboundState),
        default=OutboundState.PENDING,
        server_default=OutboundState.PENDING.value,
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    # The Slack error code or exception type; never the message text.
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    # {"text": ..., "blocks": [...], "files": [...]} as passed to the Slack API.
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Where and when Slack says it was posted, for later chat.update / threading.
    channel_id: Mapped[str | None] = mapped_column(sa.String(SLACK_ID_LENGTH))
    ts: Mapped[str | None] = mapped_column(sa.String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when a worker moves the row to "sending"; lets a stuck claim be recovered.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The pass that claimed it: every change after the claim is made only by that claim, so a pass
    # that took over a stuck send can never race another over the same row.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(32))
    # Set when what the message is about moved or was cancelled while a send of it was in doubt:
    # reconciliation then settles it as sent (Slack has it) or withdrawn, never sends it again.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # What the message is about, so pending reminders can be cancelled when the
    # session moves or the person withdraws. SET NULL: sent history stays.
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_session.id", ondelete="SET NULL"), index=True
    )
    enrolment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enrolment.id", ondelete="SET NULL"), index=True
    )

    session: Mapped[ProgrammeSession | None] = relationship()
    enrolment: Mapped[Enrolment | None] = relationship()

    __table_args__ = (
        # "state = 'pending' AND due_at <= now ORDER BY due_at" is an index range scan;
        # it also serves "state = 'sending' AND claimed_at < ..." well enough.
        sa.Index(None, "state", "due_at"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )


class ProcessedEvent(Base):
    """A Slack Events API event id already handled, to ignore Slack's retries."""

    __tablename__ = "processed_event"

    event_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class UnreachableRecipient(Base):
    """A person Slack said can no longer receive messages (deactivated, deleted, disabled).

    Nothing more is sent to them until Slack says they are back (a ``user_change`` event without
    ``deleted``) or a coordinator says so, so an unreachable person costs no more Web API calls.
    """

    __tablename__ = "unreachable_recipient"

    recipient: Mapped[str] = mapped_column(sa.String(SLACK_ID_LENGTH), primary_key=True)
    # The Slack error code (or "deleted" from a user_change event) that showed it.
    reason: Mapped[str] = mapped_column(sa.String(64))
    since: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def id(self) -> str:
        """The key the audit trail names it by."""
        return self.recipient
