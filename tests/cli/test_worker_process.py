"""`cohortbot serve` keeps a worker process beside it that does the work it acknowledged."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from tests.cli.test_cli import free_port, start_cohortbot
from tests.fixtures.bot import PARTICIPANT, SIGNING_SECRET
from tests.support.processes import alive, children_of, niceness


def wait_until(condition: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not callable(condition) or not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def started_serve(
    base_env: dict[str, str], tmp_path: Path, standin: SlackStandin
) -> tuple[subprocess.Popen[str], SlackSender]:
    port = free_port()
    env = {
        **base_env,
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "PORT": str(port),
    }
    process = start_cohortbot("serve", env=env, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                return bool(json.loads(response.read())["status"] == "ok")
        except OSError:
            assert process.poll() is None, process.communicate()[1]
            return False

    try:
        wait_until(up)
        wait_until(lambda: len(children_of(process.pid)) == 1)
    except BaseException:
        process.terminate()
        process.communicate(timeout=20)
        raise
    return process, SlackSender(base + "/slack/events", SIGNING_SECRET, standin)


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
