"""Two `cohortbot serve` processes on one PostgreSQL database share the load with no lost update."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.runtime import Runtime
from bot.slack.ids.reminders import ActionId
from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from db.engine import unit_of_work
from db.enums import RsvpStatus
from db.models import AuditEvent, Cohort, Invitation
from scheduling.clock_process import run_once
from tests.cli.serving import free_port, start_cohortbot
from tests.fixtures.bot import COORDINATOR, SIGNING_SECRET, clean_environment
from tests.reminders.test_rsvp import click
from tests.support.people import programme_with_session
from tests.support.programmes import open_modal, text

pytestmark = pytest.mark.postgres_only

LONDON = ZoneInfo("Europe/London")
PEOPLE = [f"UWEB{n:04d}" for n in range(20)]
SECOND_COORDINATOR = "UCOORD02"


@pytest.fixture
def servers(
    database_url: str, db: sessionmaker[Session], standin: SlackStandin, tmp_path: Path
) -> Iterator[list[SlackSender]]:
    """Two web processes against the test database and the stand-in."""
    processes, senders = [], []
    try:
        for _ in range(2):
            port = free_port()
            env = {
                **clean_environment(tmp_path),
                "DATABASE_URL": database_url,
                "SLACK_BOT_TOKEN": standin.bot_token,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": standin.api_url,
                "COHORTBOT_COORDINATORS": f"{COORDINATOR},{SECOND_COORDINATOR}",
                "PORT": str(port),
            }
            processes.append(start_cohortbot("serve", env=env, cwd=tmp_path))
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, processes[-1])
            senders.append(SlackSender(base + "/slack/events", SIGNING_SECRET, standin))
        yield senders
    finally:
        for process in processes:
            process.terminate()
            process.communicate(timeout=10)


def _wait_until_up(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if json.loads(response.read())["status"] == "ok":
                    return
        except OSError:
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "cohortbot serve did not start"
            time.sleep(0.1)


def test_replies_through_both_processes_at_once_are_each_recorded_once(
    servers: list[SlackSender], runtime: Runtime, standin: SlackStandin
) -> None:
    for user in PEOPLE:
        standin.add_user(user, name=user)
    # Ahead of the real clock, which the web processes run on.
    today = datetime.now(UTC).astimezone(LONDON).date()
    starts_at = datetime.combine(today + timedelta(days=10), datetime.min.time(), LONDON)
    starts_at = starts_at.replace(hour=10)
    with unit_of_work(runtime.session_factory) as session:
        programme_with_session(session, starts_at=starts_at, people=dict.fromkeys(PEOPLE))
    run_once(runtime.tick_dependencies(), starts_at - timedelta(days=2, hours=1))

    # Everyone answers at once, each through both processes (a double click landing on both).
    def answer(job: tuple[SlackSender, str]) -> None:
        sender, user = job
        (reminder,) = standin.messages_in(user)
        click(sender, standin, user, reminder, ActionId.ATTENDING)  # asserts the 200

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(answer, [(sender, user) for user in PEOPLE for sender in servers]))

    # Each process answers a click at once and records it just after: wait for both of each.
    standin.wait_for(lambda: len(standin.responses) >= len(PEOPLE) * 2 or None, timeout=30)
    with unit_of_work(runtime.session_factory) as session:
        replies = session.scalars(select(Invitation.rsvp)).all()
        changes = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "invitation.reply")
        )
    assert replies == [RsvpStatus.ATTENDING] * len(PEOPLE)
    assert changes == len(PEOPLE), "a double click was recorded twice"


def test_two_coordinators_saving_one_cohort_through_two_processes_at_once(
    servers: list[SlackSender], runtime: Runtime, standin: SlackStandin
) -> None:
    standin.add_user(SECOND_COORDINATOR, name="Sam Second")
    with unit_of_work(runtime.session_factory) as session:
        programme_with_session(session, starts_at=datetime(2030, 3, 16, 10, tzinfo=LONDON))
    views = [
        open_modal(sender, standin, user, 'cohort edit "Aspiring Directors" 2017')
        for sender, user in zip(servers, (COORDINATOR, SECOND_COORDINATOR), strict=True)
    ]

    def save(job: tuple[SlackSender, str, str, str]) -> dict[str, Any]:
        sender, user, view_id, capacity = job
        values = {"name": text("2017"), "capacity": text(capacity)}
        submission = standin.view_submission(
            view_id, user_id=user, values={block: {block: state} for block, state in values.items()}
        )
        result = sender.interaction(submission)
        assert result.status == 200
        return dict(result.json())

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(
            pool.map(
                save,
                [
                    (servers[0], COORDINATOR, views[0], "20"),
                    (servers[1], SECOND_COORDINATOR, views[1], "12"),
                ],
            )
        )

    saved = [answer for answer in answers if answer.get("response_action") == "update"]
    refused = [answer for answer in answers if answer.get("response_action") == "errors"]
    assert (len(saved), len(refused)) == (1, 1)
    (error,) = refused[0]["errors"].values()
    assert "changed by someone else a moment ago" in error
    with unit_of_work(runtime.session_factory) as session:
        capacity = session.scalars(select(Cohort.capacity)).one()
    winner = "20" if answers[0] in saved else "12"
    assert str(capacity) == winner
    assert f"capacity {winner}" in error
