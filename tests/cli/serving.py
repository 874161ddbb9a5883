"""Running `cohortbot serve` and other long-running commands as real subprocesses."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bot.standin import SlackStandin
from bot.standin.inbound import SlackSender
from tests.fixtures.bot import SIGNING_SECRET
from tests.support.processes import children_of


def start_cohortbot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """Start a long-running `cohortbot` command (serve, socket) in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], seconds: float = 30) -> None:
    """Poll `condition` until it holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def started_serve(
    base_env: dict[str, str], tmp_path: Path, standin: SlackStandin
) -> tuple[subprocess.Popen[str], SlackSender]:
    """`cohortbot serve` on a free port, answering, with its worker beside it."""
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
