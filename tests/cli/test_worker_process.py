"""`cohortbot serve` keeps a worker process beside it that does the work it acknowledged."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from tests.cli.serving import started_serve, wait_until
from tests.fixtures.bot import PARTICIPANT
from tests.support.processes import alive, children_of, niceness


def status_is_answered(slack: SlackSender, standin: SlackStandin) -> None:
    result = slack.slash_command(PARTICIPANT, "status")
    assert (result.status, result.body) == (200, b"")
    standin.wait_for_response(lambda payload: "*Version:*" in payload.get("text", ""), timeout=30)
    standin.responses.clear()


def test_the_worker_answers_what_serve_acknowledged_and_is_restarted_if_it_stops(
    base_env: dict[str, str], tmp_path: Path, standin: SlackStandin
) -> None:
    process, slack = started_serve(base_env, tmp_path, standin)
    standin.add_user(PARTICIPANT, name="Pat Participant")
    try:
        status_is_answered(slack, standin)
        (worker,) = children_of(process.pid)
        # Below the web process, whose acknowledgements come first.
        assert niceness(worker) == min(niceness(process.pid) + 10, 19)

        os.kill(worker, signal.SIGKILL)
        wait_until(lambda: children_of(process.pid) not in ([], [worker]))
        status_is_answered(slack, standin)
        (restarted,) = children_of(process.pid)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)

    assert "the worker process stopped (exit -9); starting it again" in stderr, stderr
    assert not alive(restarted)


def test_the_worker_stops_when_serve_is_killed(
    base_env: dict[str, str], tmp_path: Path, standin: SlackStandin
) -> None:
    process, _ = started_serve(base_env, tmp_path, standin)
    (worker,) = children_of(process.pid)

    process.kill()
    process.communicate(timeout=10)

    wait_until(lambda: not alive(worker), seconds=10)
