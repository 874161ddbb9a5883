"""Sending what the outbox owes, from the clock process."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import outbox
from bot.app_context import UnitOfWork
from db.models import OutboundMessage

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
MAX_ATTEMPTS = 5
# Marks each message so that, after a crash mid-send, the DM's history shows whether it went.
METADATA_EVENT_TYPE = "cohortbot_outbox"


@dataclass(frozen=True)
class DeliveryReport:
    """What one pass of the dispatcher did."""

    sent: int = 0
    failed: int = 0
    retrying: int = 0

    def __str__(self) -> str:
        return f"sent {self.sent}, failed {self.failed}, retrying {self.retrying}"


def deliver_due(uow: UnitOfWork, client: WebClient, now: datetime) -> DeliveryReport:
    """Send every message that is due, one unit of work per message."""
    with uow() as session:
        claimed = outbox.claim_due(session, now, BATCH_SIZE)
    sent = failed = retrying = 0
    for outbox_id in claimed:
        with uow() as session:
            row = session.get_one(OutboundMessage, outbox_id)
            recipient, payload, attempts = row.recipient, dict(row.payload), row.attempts
        try:
            channel_id, ts = post(client, outbox_id, recipient, payload)
        except SlackApiError as error:
            code = str(error.response.get("error", "unknown_error"))
            with uow() as session:
                if code in outbox.PERMANENT_ERRORS or attempts >= MAX_ATTEMPTS:
                    outbox.mark_failed(session, outbox_id, code)
                    failed += 1
                else:
                    delay = timedelta(minutes=2**attempts)
                    outbox.retry_later(session, outbox_id, code, now + delay)
                    retrying += 1
            logger.warning("outbox message %d not sent: %s", outbox_id, code)
            continue
        with uow() as session:
            outbox.mark_sent(session, outbox_id, channel_id=channel_id, ts=ts, now=now)
        sent += 1
    return DeliveryReport(sent, failed, retrying)


def post(
    client: WebClient, outbox_id: int, recipient: str, payload: dict[str, Any]
) -> tuple[str, str]:
    """Post one message (and its files) to a channel, or to a DM when `recipient` is a user."""
    channel = recipient
    if recipient.startswith(("U", "W")):
        channel = client.conversations_open(users=recipient)["channel"]["id"]
    response = client.chat_postMessage(
        channel=channel,
        text=payload["text"],
        blocks=payload.get("blocks") or None,
        metadata={"event_type": METADATA_EVENT_TYPE, "event_payload": {"outbox_id": outbox_id}},
    )
    for attachment in payload.get("files", ()):
        client.files_upload_v2(
            channel=channel,
            filename=attachment["filename"],
            title=attachment["title"],
            content=attachment["content"],
        )
    return str(response["channel"]), str(response["ts"])
