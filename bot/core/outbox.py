"""The outbox: every message the bot owes someone is a row before it is sent.

Rows are added in the same transaction as the change that causes them, so a rolled-back change
never sends anything and a crash never loses a message; the clock process sends what is due.

Areas know nothing of Block Kit: what they owe is plain data, a frozen dataclass per kind of
message (a `Notice`, a reminder, a digest...). The Slack layer installs the one renderer that turns
such data into a Slack payload (`install_renderer`, called by `bot.slack.rendering.install` when
a process starts), and `enqueue` renders at once, storing the payload itself. Rendering when the
row is written, not when it is sent, keeps the promise exact: the row holds the very message that
will go out, so a template or code change between owing and sending cannot alter a message already
owed, reconciliation can compare what Slack has against what was stored, and the clock process can
send rows without knowing what kind of message they are. A process that owes a message with no
renderer installed has a wiring bug, and fails loudly rather than owing an empty message.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Table, cast, func, insert, literal, select
from sqlalchemy.orm import Session

from db.models import OutboundMessage


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: a calendar (.ics), a CSV, a chart (PNG) or a workbook (.xlsx).

    Binary content is kept base64-encoded, because the outbox payload is JSON.
    `alt_text` describes an image for people who cannot see it.
    """

    filename: str
    title: str
    content: str | bytes
    alt_text: str | None = None

    def as_dict(self) -> dict[str, str]:
        """As stored in the outbox payload."""
        stored = {"filename": self.filename, "title": self.title}
        if isinstance(self.content, bytes):
            stored["content_base64"] = base64.b64encode(self.content).decode("ascii")
        else:
            stored["content"] = self.content
        if self.alt_text:
            stored["alt_text"] = self.alt_text
        return stored

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Attachment:
        """The attachment `as_dict` stored."""
        encoded = stored.get("content_base64")
        content = base64.b64decode(encoded) if encoded is not None else str(stored["content"])
        return cls(
            filename=str(stored["filename"]),
            title=str(stored["title"]),
            content=content,
            alt_text=stored.get("alt_text"),
        )


PayloadRenderer = Callable[[object], dict[str, Any]]
_renderer: PayloadRenderer | None = None


def install_renderer(renderer: PayloadRenderer) -> None:
    """Set how owed messages (plain data) become Slack payloads; the Slack layer calls this."""
    global _renderer
    _renderer = renderer


def render_payload(message: object) -> dict[str, Any]:
    """The Slack payload (text, blocks, metadata) for an owed message."""
    if _renderer is None:
        raise RuntimeError(
            "no message renderer is installed: call bot.slack.rendering.install() at start-up"
        )
    return _renderer(message)


def enqueue(
    session: Session,
    *,
    recipient: str,
    kind: str,
    message: object,
    due_at: datetime,
    idempotency_key: str,
    attachments: Sequence[Attachment] = (),
    session_id: int | None = None,
    enrolment_id: int | None = None,
) -> OutboundMessage | None:
    """Owe `recipient` (a user id for a DM, or a channel id) `message`; None if already owed."""
    existing = session.scalar(
        select(OutboundMessage.id).where(OutboundMessage.idempotency_key == idempotency_key)
    )
    if existing is not None:
        return None
    payload = render_payload(message)
    if attachments:
        payload["files"] = [attachment.as_dict() for attachment in attachments]
    row = OutboundMessage(
        recipient=recipient,
        kind=kind,
        due_at=due_at,
        idempotency_key=idempotency_key,
        payload=payload,
        session_id=session_id,
        enrolment_id=enrolment_id,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Owed:
    """One message to owe, for `enqueue_new`."""

    recipient: str
    kind: str
    message: object
    due_at: datetime
    idempotency_key: str
    session_id: int | None = None
    enrolment_id: int | None = None


def owed_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of `keys` the outbox already holds (sent or not), in one query however many keys.

    The keys travel as one JSON array, unpacked by the database (`json_each` on SQLite,
    `json_array_elements_text` on PostgreSQL), so the planner's statement count stays flat as
    participants grow, and no backend's limit on bound parameters is ever reached.
    """
    if not keys:
        return set()
    listed = json.dumps(list(keys))
    if session.get_bind().dialect.name == "postgresql":
        values = func.json_array_elements_text(cast(literal(listed), JSON))
    else:
        values = func.json_each(literal(listed))
    wanted = select(values.table_valued("value").c.value)
    return set(
        session.scalars(
            select(OutboundMessage.idempotency_key).where(
                OutboundMessage.idempotency_key.in_(wanted.scalar_subquery())
            )
        )
    )


_OUTBOUND_TABLE: Table = OutboundMessage.metadata.tables[OutboundMessage.__tablename__]


def enqueue_new(session: Session, owed: Sequence[Owed]) -> None:
    """Owe many messages whose keys the caller checked with `owed_keys`, inserted in bulk.

    The unique key still refuses a duplicate should another process have owed one meanwhile.
    """
    if not owed:
        return
    # A Core executemany on the table: one statement for the lot, without the ORM's bulk path
    # (which inspects every row as if it were an object, a third of the planner's time).
    session.connection().execute(
        insert(_OUTBOUND_TABLE),
        [
            {
                "recipient": item.recipient,
                "kind": item.kind,
                "due_at": item.due_at,
                "idempotency_key": item.idempotency_key,
                "payload": render_payload(item.message),
                "session_id": item.session_id,
                "enrolment_id": item.enrolment_id,
            }
            for item in owed
        ],
    )


SESSION_REMINDER_KIND = "session_reminder"
CHECK_IN_KIND = "check_in"
# Messages that lose their point once the session they are about has started.
EXPIRE_WHEN_SESSION_STARTS = frozenset({SESSION_REMINDER_KIND})
# Messages that lose their point once the session they are about has ended.
EXPIRE_WHEN_SESSION_ENDS = frozenset({CHECK_IN_KIND})
