"""Killing the dispatcher at random points while it sends never duplicates or loses a message."""

from __future__ import annotations

import random
import subprocess
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core import outbox
from bot.slack.blocks import notice
from bot.standin import SlackStandin
from db.engine import unit_of_work
from db.enums import OutboundState
from db.models import OutboundMessage
from scheduling.delivery import METADATA_EVENT_TYPE, RECONCILE_AFTER
from tests.cli.test_cli import start_cohortbot
from tests.fixtures.bot import NOW, clean_environment

MESSAGES = 24
# Rounds with random kills, then rounds left to finish, so a slow machine cannot starve the test.
KILLING_ROUNDS = 12
MAX_ROUNDS = KILLING_ROUNDS + 10


def owe_messages(db: sessionmaker[Session], standin: SlackStandin) -> set[int]:
    ids = set()
    with unit_of_work(db) as session:
        for n in range(MESSAGES):
            user = f"UCRASH{n:03d}"
            standin.add_user(user, name=f"person {n}")
            row = outbox.enqueue(
                session,
                recipient=user,
                kind="test",
                message=notice(f"message {n}"),
                due_at=NOW,
                idempotency_key=f"crash-{n}",
            )
            assert row is not None
            ids.add(row.id)
    return ids


def unsettled(db: sessionmaker[Session]) -> int:
    with unit_of_work(db) as session:
        states = session.scalars(select(OutboundMessage.state)).all()
    return sum(state in (OutboundState.PENDING, OutboundState.SENDING) for state in states)


def delivered_ids(standin: SlackStandin) -> Counter[int]:
    seen: Counter[int] = Counter()
    for n in range(MESSAGES):
        for message in standin.messages_in(f"UCRASH{n:03d}"):
            metadata = message.metadata or {}
            if metadata.get("event_type") == METADATA_EVENT_TYPE:
                seen[metadata["event_payload"]["outbox_id"]] += 1
    return seen


@pytest.mark.parametrize(
    "dispatchers",
    [
        1,
        pytest.param(
            2,
            # Issue 12: two dispatchers on PostgreSQL killed at random sometimes deliver a run of
            # messages twice (seen in 2 of 7 full runs in one session). Kept running, not skipped,
            # so the figures show; not yet a promise the code keeps.
            marks=pytest.mark.xfail(strict=False, reason="known duplicate window, issue 12"),
        ),
    ],
    ids=["one-dispatcher", "two-dispatchers"],
)
def test_killed_dispatchers_neither_duplicate_nor_lose(
    dispatchers: int,
    database_url: str,
    db: sessionmaker[Session],
    standin: SlackStandin,
    tmp_path: Path,
) -> None:
    if dispatchers > 1 and database_url.startswith("sqlite"):
        pytest.skip("SQLite refuses a second dispatcher (tested in test_clock_lock)")
    expected = owe_messages(db, standin)
    # Slow enough that a kill often lands between Slack posting and the row being marked sent.
    standin.delay("chat.postMessage", 0.05)
    env = {
        **clean_environment(tmp_path),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_API_URL": standin.api_url,
        "COHORTBOT_SEND_RATE_PER_MINUTE": "6000",
    }
    rng = random.Random(20170201)
    now, kills = NOW, 0
    for round_number in range(MAX_ROUNDS):
        killing = round_number < KILLING_ROUNDS
        processes = [
            start_cohortbot("scheduler", "--once", "--now", now.isoformat(), env=env, cwd=tmp_path)
            for _ in range(dispatchers)
        ]
        for process in processes:
            try:
                process.wait(timeout=rng.uniform(0.8, 2.2) if killing else 120)
            except subprocess.TimeoutExpired:
                process.kill()
                kills += 1
            process.communicate()
        # Later passes look again at sends whose outcome the killed process never recorded.
        now += RECONCILE_AFTER + timedelta(seconds=1)
        if unsettled(db) == 0:
            break

    seen = delivered_ids(standin)
    assert kills >= 1, "no dispatcher was killed mid-run: the test proved nothing"
    assert unsettled(db) == 0
    assert set(seen) == expected, "lost messages"
    assert max(seen.values()) == 1, f"duplicated: {[i for i, n in seen.items() if n > 1]}"
