"""Only one clock process at a time: PostgreSQL makes a second wait, SQLite refuses it."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db.engine import create_engine_for
from scheduling.clock_lock import WAIT_SECONDS, ClockAlreadyRunning, clock_lock
from tests.cli.test_cli import cohortbot


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


def test_scheduler_refuses_to_start_beside_another_on_sqlite(
    base_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**base_env, "SLACK_BOT_TOKEN": "xoxb-1"}
    running = create_engine_for(env["DATABASE_URL"])
    try:
        with clock_lock(running, wait=False):
            result = cohortbot("scheduler", "--once", env=env, cwd=tmp_path)
    finally:
        running.dispose()

    assert result.returncode == 2
    assert (
        "another cohortbot scheduler is already running against this SQLite database"
        in result.stderr
    )
