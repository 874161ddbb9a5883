"""Slack requests acknowledged by the web process whose work the worker process still owes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime

__all__ = ["HandedOffRequest"]


class HandedOffRequest(Base):
    """One acknowledged Slack request, as received, until the worker has run its listener.

    The web process writes it before it answers Slack, so work owed for an acknowledged
    request survives a restart of either process. The row holds what Slack sent (user ids,
    what was typed), so it lives only until its work is done and is never read for anything else.
    """

    __tablename__ = "handed_off_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The raw request body and the headers the listeners read (content type, Slack's retry).
    body: Mapped[str] = mapped_column(sa.Text)
    headers: Mapped[str] = mapped_column(sa.Text)
    # How many times a worker has taken it: a second take means the first worker stopped mid-way.
    attempts: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    # A worker's claim lasts until then; after it, another worker may take the row.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
