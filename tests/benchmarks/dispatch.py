"""Sending a sample of the owed reminders to the Slack stand-in under a rate limit."""

from __future__ import annotations

import time as clock
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.outbox import SESSION_REMINDER_KIND
from bot.slack.client import make_web_client
from bot.standin import SlackStandin
from db.engine import unit_of_work
from db.enums import OutboundState
from db.models import OutboundMessage, ProgrammeSession
from scheduling.delivery import METADATA_EVENT_TYPE, DeliveryReport, deliver_due
from scheduling.pacing import Pacer

POST = "chat.postMessage"
# Rows outside the sample wait until after the benchmark.
NOT_NOW = datetime(2100, 1, 1, tzinfo=UTC)
# A pass that sends nothing while rows are still owed means the dispatcher is stuck.
MAX_IDLE_PASSES = 3


@dataclass(frozen=True)
class DispatchResult:
    """What became of the sample."""

    owed: int
    sent: int
    seconds: float
    limit_per_minute: int
    pacer_per_minute: int
    passes: int
    rate_limited: int
    duplicates: int
    losses: int
    failed: int
    cancelled: int
    still_queued: int
    problems: int
    conversations_opened: int

    @property
    def per_minute(self) -> float:
        """Messages delivered per minute of wall-clock time."""
        return 60 * self.sent / self.seconds if self.seconds else 0.0

    @property
    def fraction_of_limit(self) -> float:
        """The achieved rate as a fraction of the stand-in's limit."""
        return self.per_minute / self.limit_per_minute


def choose_sample(factory: sessionmaker[Session], now: datetime, size: int) -> list[int]:
    """Keep `size` due reminders for sessions still ahead of `now` owed; defer every other row."""
    with unit_of_work(factory) as session:
        sample = list(
            session.scalars(
                select(OutboundMessage.id)
                .join(ProgrammeSession, OutboundMessage.session_id == ProgrammeSession.id)
                .where(
                    OutboundMessage.state == OutboundState.PENDING,
                    OutboundMessage.kind == SESSION_REMINDER_KIND,
                    OutboundMessage.due_at <= now,
                    ProgrammeSession.starts_at > now,
                )
                .order_by(OutboundMessage.id)
                .limit(size)
            )
        )
        session.execute(
            update(OutboundMessage)
            .where(
                OutboundMessage.state == OutboundState.PENDING,
                OutboundMessage.id.not_in(sample) if sample else OutboundMessage.id.is_not(None),
            )
            .values(due_at=NOT_NOW)
        )
    return sample


def dispatch(
    factory: sessionmaker[Session],
    now: datetime,
    sample: list[int],
    *,
    limit_per_minute: int,
    pacer_per_minute: int,
) -> DispatchResult:
    """Send `sample` through the dispatcher, a pass at a time as the clock process would."""
    standin = SlackStandin().start()
    try:
        with unit_of_work(factory) as session:
            recipients = {
                outbox_id: recipient
                for outbox_id, recipient in session.execute(
                    select(OutboundMessage.id, OutboundMessage.recipient).where(
                        OutboundMessage.id.in_(sample)
                    )
                )
            }
        for user in set(recipients.values()):
            standin.add_user(user, name=user)
        standin.set_rate_limit(POST, per_minute=limit_per_minute)
        client = make_web_client(standin.bot_token, standin.api_url, retry_connections=False)
        uow = partial(unit_of_work, factory)
        total = DeliveryReport()
        passes = idle = 0
        started = clock.perf_counter()
        while _unsettled(factory, sample, now) and idle < MAX_IDLE_PASSES:
            # A new pacer each pass, as each deliver-outbox tick makes one.
            report = deliver_due(uow, client, now, Pacer(pacer_per_minute))
            passes += 1
            idle = idle + 1 if report.sent == report.failed == report.cancelled == 0 else 0
            total.sent += report.sent
        seconds = clock.perf_counter() - started
        delivered: Counter[int] = Counter()
        for user in set(recipients.values()):
            for message in standin.messages_in(user):
                metadata = message.metadata or {}
                if metadata.get("event_type") == METADATA_EVENT_TYPE:
                    delivered[metadata["event_payload"]["outbox_id"]] += 1
        states = _states(factory, sample)
        settled = {OutboundState.FAILED, OutboundState.CANCELLED}
        return DispatchResult(
            owed=len(sample),
            sent=sum(delivered.values()),
            seconds=seconds,
            limit_per_minute=limit_per_minute,
            pacer_per_minute=pacer_per_minute,
            passes=passes,
            rate_limited=sum(call.status == 429 for call in standin.calls_to(POST)),
            duplicates=sum(n - 1 for n in delivered.values() if n > 1)
            + sum(1 for outbox_id in delivered if outbox_id not in recipients),
            losses=sum(
                1
                for outbox_id in sample
                if not delivered[outbox_id] and states[outbox_id] not in settled
            ),
            failed=sum(state == OutboundState.FAILED for state in states.values()),
            cancelled=sum(state == OutboundState.CANCELLED for state in states.values()),
            still_queued=sum(
                state in (OutboundState.PENDING, OutboundState.SENDING) for state in states.values()
            ),
            problems=len(standin.problems),
            conversations_opened=len(standin.calls_to("conversations.open")),
        )
    finally:
        standin.stop()


def _unsettled(factory: sessionmaker[Session], sample: list[int], now: datetime) -> int:
    """Sample rows a pass at `now` could still act on (not those queued for a later retry)."""
    with factory() as session:
        return int(
            session.scalar(
                select(func.count()).where(
                    OutboundMessage.id.in_(sample),
                    or_(
                        and_(
                            OutboundMessage.state == OutboundState.PENDING,
                            OutboundMessage.due_at <= now,
                        ),
                        OutboundMessage.state == OutboundState.SENDING,
                    ),
                )
            )
            or 0
        )


def _states(factory: sessionmaker[Session], sample: list[int]) -> dict[int, OutboundState]:
    with factory() as session:
        return {
            outbox_id: state
            for outbox_id, state in session.execute(
                select(OutboundMessage.id, OutboundMessage.state).where(
                    OutboundMessage.id.in_(sample)
                )
            )
        }
