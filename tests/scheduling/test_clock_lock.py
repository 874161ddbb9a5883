"""One clock process at a time (PostgreSQL makes a second wait, SQLite refuses it), and one tick
at a time across processes, so a `--once` pass runs safely beside a running clock."""

from __future__ import annotations

import subprocess
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.core import outbox
from bot.slack.blocks import notice
from bot.standin import SlackStandin
from db.engine import create_engine_for, unit_of_work
from scheduling.clock_lock import WAIT_SECONDS, ClockAlreadyRunning, clock_lock, tick_lock
from scheduling.delivery import BATCH_SIZE
from tests.cli.serving import start_cohortbot
from tests.cli.test_cli import cohortbot
from tests.fixtures.bot import NOW, clean_environment
from tests.support.people import programme_with_session


def test_a_second_clock_is_refused_while_the_first_holds_the_lock(engine: Engine) -> None:
    with (
        clock_lock(engine, wait=False),
        pytest.raises(ClockAlreadyRunning),
        clock_lock(engine, wait=False),
    ):
        pass

    with clock_lock(engine, wait=False):
        pass  # released when the first one finished


@pytest.mark.postgres_only
def test_on_postgresql_a_second_clock_waits_idle_until_the_first_exits(engine: Engine) -> None:
    first = ExitStack()
    first.enter_context(clock_lock(engine, wait=False))
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        first.close()  # the first clock process exits while the second waits

    with clock_lock(engine, wait=True, sleep=sleep):
        pass

    assert waits == [WAIT_SECONDS]


def test_a_second_long_running_clock_is_refused_on_sqlite(
    base_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**base_env, "SLACK_BOT_TOKEN": "xoxb-1"}
    running = create_engine_for(env["DATABASE_URL"])
    try:
        with clock_lock(running, wait=False):
            result = cohortbot("scheduler", env=env, cwd=tmp_path)
    finally:
        running.dispose()

    assert result.returncode == 2
    assert (
        "another cohortbot scheduler is already running against this SQLite database"
        in result.stderr
    )


# The pass writes (the forms it stores, their audit events): `db` empties the tables afterwards,
# or the next test on this database would find them.
@pytest.mark.usefixtures("db")
def test_a_once_pass_beside_a_running_clock_waits_for_its_tick_then_runs(
    database_url: str, engine: Engine, standin: SlackStandin, tmp_path: Path
) -> None:
    env = {
        **clean_environment(tmp_path),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_API_URL": standin.api_url,
    }
    with ExitStack() as running_clock:
        running_clock.enter_context(clock_lock(engine, wait=False))
        running_clock.enter_context(tick_lock(engine))  # the clock is in the middle of a tick
        once = start_cohortbot(
            "scheduler", "--once", "--now", NOW.isoformat(), env=env, cwd=tmp_path
        )
        with pytest.raises(subprocess.TimeoutExpired):
            once.wait(timeout=3)  # it must not run a tick while the clock's is running
    # The clock's tick ended (the clock itself still runs): the pass goes ahead, tick by tick.
    with clock_lock(engine, wait=False):
        stdout, stderr = once.communicate(timeout=60)

    assert once.returncode == 0, stderr
    assert "deliver-outbox: sent 0" in stdout


def test_two_once_passes_started_together_both_succeed_and_send_each_reminder_once(
    database_url: str, db: sessionmaker[Session], standin: SlackStandin, tmp_path: Path
) -> None:
    people = [f"UTWICE{n:03d}" for n in range(30)]
    for user in people:
        standin.add_user(user, name=user)
    with unit_of_work(db) as session:
        programme_with_session(
            session, starts_at=NOW + timedelta(days=2, hours=1), people=dict.fromkeys(people)
        )
    env = {
        **clean_environment(tmp_path),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_API_URL": standin.api_url,
        "COHORTBOT_SEND_RATE_PER_MINUTE": "6000",
    }

    passes = [
        start_cohortbot("scheduler", "--once", "--now", NOW.isoformat(), env=env, cwd=tmp_path)
        for _ in range(2)
    ]
    outcomes = [process.communicate(timeout=120) for process in passes]

    assert [process.returncode for process in passes] == [0, 0], [err for _, err in outcomes]
    # Each person is owed the 2-day reminder once, whichever pass planned and sent it.
    assert sorted(len(standin.messages_in(user)) for user in people) == [1] * len(people)


def test_one_once_pass_sends_everything_due_whatever_the_batch(
    database_url: str, db: sessionmaker[Session], standin: SlackStandin, tmp_path: Path
) -> None:
    with unit_of_work(db) as session:
        for n in range(3 * BATCH_SIZE + 7):
            outbox.enqueue(
                session,
                recipient=f"UDRAIN{n % 5}",
                kind="test",
                message=notice(f"message {n}"),
                due_at=NOW,
                idempotency_key=f"drain-{n}",
            )
    for n in range(5):
        standin.add_user(f"UDRAIN{n}", name=f"person {n}")
    env = {
        **clean_environment(tmp_path),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_API_URL": standin.api_url,
        "COHORTBOT_SEND_RATE_PER_MINUTE": "6000",
    }

    result = cohortbot("scheduler", "--once", "--now", NOW.isoformat(), env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"deliver-outbox: sent {3 * BATCH_SIZE + 7}," in result.stdout
    assert len(standin.calls_to("chat.postMessage")) == 3 * BATCH_SIZE + 7
