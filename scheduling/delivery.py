"""Sending what the outbox owes, from the clock process, exactly once.

Slack's chat.postMessage has no idempotency key, so a send whose outcome is unknown (a timeout, a
dropped connection, a 5xx) is never simply repeated: the row stays 'sending' and is reconciled later
by looking for its outbox id in the conversation's recent history (every message carries it in its
metadata). Only then is it either marked sent or queued again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import outbox, outbox_claims
from bot.core.mrkdwn import Mrkdwn, mention
from bot.core.outbox import Attachment
from bot.core.render import render
from bot.core.roles import role_holders
from bot.slack.app_context import UnitOfWork
from bot.slack.blocks import mrkdwn_notice
from db.enums import OutboundState, Role
from db.models import OutboundMessage
from scheduling.pacing import Pacer

logger = logging.getLogger(__name__)

# Claimed a few at a time, so a pass that dies leaves few sends for the next one to look up.
BATCH_SIZE = 20
MAX_ATTEMPTS = 5
# A claim older than this whose send never completed is checked against Slack.
RECONCILE_AFTER = timedelta(minutes=1)
# How far before the claim to look in the history (clocks differ a little).
HISTORY_MARGIN = timedelta(minutes=5)
METADATA_EVENT_TYPE = "cohortbot_outbox"
DELIVERY_FAILED_KIND = "delivery_failed"
_REASONS = {
    "account_inactive": "their account is deactivated",
    "user_not_found": "there is no such user",
    "user_disabled": "their account is disabled",
    "channel_not_found": "there is no such channel",
    "is_archived": "the channel is archived",
    "not_in_channel": "the bot is not in the channel",
}


@dataclass
class DeliveryReport:
    """What one pass of the dispatcher did."""

    sent: int = 0
    failed: int = 0
    retrying: int = 0
    unknown: int = 0
    cancelled: int = 0
    unreachable: int = 0
    held_back: int = 0
    more_due: bool = False
    reconciled: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        text = f"sent {self.sent}, failed {self.failed}, retrying {self.retrying}"
        if self.cancelled:
            text += f", cancelled {self.cancelled}"
        if self.unreachable:
            text += f", newly unreachable {self.unreachable}"
        if self.held_back:
            text += f", held back for unreachable people {self.held_back}"
        if self.unknown:
            text += f", outcome unknown {self.unknown}"
        if self.reconciled:
            text += ", reconciled " + ", ".join(
                f"{n} {what}" for what, n in sorted(self.reconciled.items())
            )
        if self.more_due:
            text += ", more due on the next pass"
        return text


class OutcomeUnknown(Exception):
    """Slack may or may not have acted on the call."""


def deliver_due(
    uow: UnitOfWork,
    client: WebClient,
    now: datetime,
    pacer: Pacer | None = None,
    *,
    budget_seconds: float | None = None,
    monotonic: Callable[[], float] = time.monotonic,
) -> DeliveryReport:
    """Reconcile stuck sends, then send what is due, one unit of work each.

    Sends batch after batch until nothing is due as of `now`, or, with `budget_seconds`, until that
    long has passed, so a long-running clock's other ticks keep their cadence (the rest goes on the
    next pass). The pacer, not the batch, keeps the rate.
    """
    report = DeliveryReport()
    claimant = outbox_claims.new_claimant()
    reconcile_stuck(uow, client, now, report, claimant)
    with uow() as session:
        report.held_back += outbox_claims.hold_back_unreachable(session)
    started = monotonic()
    while True:
        with uow() as session:
            claimed = outbox_claims.claim_due(session, now, BATCH_SIZE, claimant=claimant)
        if not claimed:
            return report
        for outbox_id in claimed:
            deliver_one(uow, client, now, outbox_id, report, pacer, claimant)
        if budget_seconds is not None and monotonic() - started >= budget_seconds:
            report.more_due = True
            return report


def deliver_one(
    uow: UnitOfWork,
    client: WebClient,
    now: datetime,
    outbox_id: int,
    report: DeliveryReport,
    pacer: Pacer | None,
    claimant: str,
) -> None:
    """Send one claimed message and record what became of it."""
    with uow() as session:
        row = session.get_one(OutboundMessage, outbox_id)
        recipient, kind, payload, attempts = (
            row.recipient,
            row.kind,
            dict(row.payload),
            row.attempts,
        )
        if outbox_claims.expired(row, now):
            outbox_claims.cancel(session, outbox_id, "the session had started", claimant=claimant)
            report.cancelled += 1
            logger.info("outbox message %d cancelled: its session had started", outbox_id)
            return
    try:
        if pacer is not None:
            pacer.wait_to_send(recipient)
        # Posting to a user id lands in their DM with the bot, so no conversations.open per message
        # (a Tier 3 method, ~50 a minute, which the send rate would soon exceed).
        channel, ts = post(client, outbox_id, recipient, payload)
    except OutcomeUnknown as unknown:
        # Left in 'sending': the next passes look for it in Slack before anything is re-sent.
        with uow() as session:
            outbox_claims.note_error(session, outbox_id, str(unknown), claimant=claimant)
        report.unknown += 1
        logger.warning("outbox message %d: outcome unknown (%s)", outbox_id, unknown)
        return
    except SlackApiError as refusal:
        code = str(refusal.response.get("error", "unknown_error"))
        with uow() as session:
            refused(session, outbox_id, recipient, kind, code, attempts, now, report, claimant)
        logger.warning("outbox message %d refused by Slack: %s", outbox_id, code)
        return
    with uow() as session:
        outbox_claims.mark_sent(
            session, outbox_id, claimant=claimant, channel_id=channel, ts=ts, now=now
        )
    report.sent += 1
    send_attachments(client, outbox_id, channel, payload)


def refused(
    session: Session,
    outbox_id: int,
    recipient: str,
    kind: str,
    code: str,
    attempts: int,
    now: datetime,
    report: DeliveryReport,
    claimant: str,
) -> None:
    """Settle a send Slack refused (so nothing was posted): fail it, or queue it for a retry."""
    if code not in outbox_claims.PERMANENT_ERRORS and attempts < MAX_ATTEMPTS:
        outbox_claims.retry_later(
            session, outbox_id, code, now + timedelta(minutes=2**attempts), claimant=claimant
        )
        report.retrying += 1
        return
    outbox_claims.mark_failed(session, outbox_id, code, claimant=claimant)
    report.failed += 1
    if code in outbox_claims.RECIPIENT_GONE_ERRORS:
        if not outbox_claims.mark_unreachable(session, recipient, code, now):
            return
        report.unreachable += 1
    alert_coordinators(session, recipient=recipient, kind=kind, error=code, now=now)


def conversation_for(client: WebClient, recipient: str) -> str:
    """The channel to post in: the DM with a user, or the channel itself."""
    if not recipient.startswith(("U", "W")):
        return recipient
    try:
        return str(client.conversations_open(users=recipient)["channel"]["id"])
    except SlackApiError as error:
        if error.response.status_code >= 500:
            raise OutcomeUnknown(
                f"conversations.open answered {error.response.status_code}"
            ) from None
        raise


def post(
    client: WebClient, outbox_id: int, channel: str, payload: dict[str, Any]
) -> tuple[str, str]:
    """Post the message tagged with its outbox id; returns the channel and ts Slack put it at.

    `channel` may be a user id (the DM with them). Raises `OutcomeUnknown` when Slack's answer
    was lost.
    """
    try:
        response = client.chat_postMessage(
            channel=channel,
            text=payload["text"],
            blocks=payload.get("blocks") or None,
            metadata={"event_type": METADATA_EVENT_TYPE, "event_payload": {"outbox_id": outbox_id}},
        )
    except SlackApiError as error:
        if error.response.status_code >= 500:
            raise OutcomeUnknown(f"Slack answered {error.response.status_code}") from None
        raise
    except (SlackClientError, OSError, ValueError) as error:
        raise OutcomeUnknown(type(error).__name__) from None
    return str(response["channel"]), str(response["ts"])


def send_attachments(
    client: WebClient, outbox_id: int, channel: str, payload: dict[str, Any]
) -> None:
    """Upload the message's files after it; a failure is logged, never a reason to re-post."""
    for stored in payload.get("files", ()):
        attachment = Attachment.from_dict(stored)
        try:
            client.files_upload_v2(
                channel=channel,
                filename=attachment.filename,
                title=attachment.title,
                content=attachment.content,
                alt_txt=attachment.alt_text,
            )
        except (SlackClientError, OSError) as error:
            logger.warning(
                "outbox message %d: attachment not uploaded (%s)", outbox_id, type(error).__name__
            )


def reconcile_stuck(
    uow: UnitOfWork, client: WebClient, now: datetime, report: DeliveryReport, claimant: str
) -> None:
    """Settle sends that never completed: sent if Slack has the message, else queued again.

    Each stuck row is first taken over under this pass's claim, so that if two passes reconcile at
    once only one of them settles a row; the other sees its take-over fail and leaves it alone.
    A withdrawn or expired message Slack does not have is cancelled rather than queued again.
    """
    with uow() as session:
        stuck = list(
            session.execute(
                select(
                    OutboundMessage.id,
                    OutboundMessage.recipient,
                    OutboundMessage.claimed_at,
                    OutboundMessage.claimed_by,
                ).where(
                    OutboundMessage.state == OutboundState.SENDING,
                    OutboundMessage.claimed_at <= now - RECONCILE_AFTER,
                )
            )
        )
    for outbox_id, recipient, claimed_at, previous in stuck:
        assert isinstance(claimed_at, datetime)
        with uow() as session:
            if not outbox_claims.take_over(
                session, outbox_id, previous=previous, claimant=claimant, now=claimed_at
            ):
                continue
        try:
            channel = conversation_for(client, recipient)
            ts = find_sent(client, channel, outbox_id, claimed_at - HISTORY_MARGIN)
        except (SlackClientError, OutcomeUnknown, OSError):
            continue  # Slack is not answering; the row stays claimed, for the next pass
        with uow() as session:
            row = session.get_one(OutboundMessage, outbox_id)
            payload, last_error = dict(row.payload), row.last_error
            if ts is not None:
                settled = outbox_claims.mark_sent(
                    session, outbox_id, claimant=claimant, channel_id=channel, ts=ts, now=now
                )
                outcome = "found sent"
            elif outbox_claims.expired(row, now):
                settled = outbox_claims.cancel(
                    session, outbox_id, "the session had started", claimant=claimant
                )
                outcome = "cancelled"
            else:
                settled = outbox_claims.retry_later(
                    session, outbox_id, last_error or "unconfirmed", now, claimant=claimant
                )
                outcome = "withdrawn" if row.withdrawn_at is not None else "queued again"
        if not settled:
            continue
        if ts is not None:
            # Files follow a post only once its answer arrives, and this one's never did.
            send_attachments(client, outbox_id, channel, payload)
        report.reconciled[outcome] = report.reconciled.get(outcome, 0) + 1


def find_sent(client: WebClient, channel: str, outbox_id: int, since: datetime) -> str | None:
    """The ts of the message tagged with `outbox_id` in `channel` since `since`, if Slack has it."""
    cursor: str | None = None
    while True:
        page = client.conversations_history(
            channel=channel,
            oldest=f"{since.timestamp():.6f}",
            include_all_metadata=True,
            limit=200,
            cursor=cursor,
        )
        messages: list[dict[str, Any]] = page.get("messages", [])
        for message in messages:
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == METADATA_EVENT_TYPE
                and metadata.get("event_payload", {}).get("outbox_id") == outbox_id
            ):
                return str(message["ts"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return None


def alert_coordinators(
    session: Session, *, recipient: str, kind: str, error: str, now: datetime
) -> None:
    """Tell each coordinator, once per recipient and error, that a message cannot be delivered."""
    if kind == DELIVERY_FAILED_KIND:
        return  # never alert about a failed alert
    shown = mention(recipient) if recipient.startswith(("U", "W")) else Mrkdwn(f"<#{recipient}>")
    text = render(
        "delivery_failed.j2", kind=kind, recipient=shown, error=error, reason=_REASONS.get(error)
    )
    for coordinator in role_holders(session)[Role.COORDINATOR]:
        if coordinator == recipient:
            continue
        outbox.enqueue(
            session,
            recipient=coordinator,
            kind=DELIVERY_FAILED_KIND,
            message=mrkdwn_notice(text),
            due_at=now,
            idempotency_key=f"{DELIVERY_FAILED_KIND}:{recipient}:{error}:{coordinator}",
        )
