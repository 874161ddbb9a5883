"""`cohortbot socket`: the same app over Socket Mode, run as a real process against the stand-in."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.manifest import APP_TOKEN_SCOPE, BOT_SCOPES
from bot.standin import SlackStandin
from tests.cli.serving import start_cohortbot
from tests.fixtures.bot import COORDINATOR, PARTICIPANT, clean_environment


@pytest.fixture
def socket_process(standin: SlackStandin, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    standin.grant_only([*BOT_SCOPES, APP_TOKEN_SCOPE])
    standin.add_user(PARTICIPANT, name="Pat Participant")
    standin.add_user(COORDINATOR, name="Chris Coordinator")
    env = {
        **clean_environment(tmp_path),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_APP_TOKEN": str(standin.app_token),
        "SLACK_API_URL": standin.api_url,
        "COHORTBOT_COORDINATORS": COORDINATOR,
    }
    process = start_cohortbot("socket", env=env, cwd=tmp_path)
    yield process
    process.terminate()
    _, stderr = process.communicate(timeout=10)
    assert standin.bot_token not in stderr and str(standin.app_token) not in stderr


def test_slash_commands_are_acknowledged_over_the_socket(
    socket_process: subprocess.Popen[str], standin: SlackStandin
) -> None:
    help_ack = standin.socket_mode_send(
        "slash_commands",
        standin.slash_command("/cohort", user_id=PARTICIPANT, channel_id="C0GENERAL", text="help"),
        timeout=30,
    )

    assert "/cohort status" in help_ack["payload"]["text"]


def test_slow_subcommands_answer_through_the_response_url(
    socket_process: subprocess.Popen[str], standin: SlackStandin
) -> None:
    payload = standin.slash_command(
        "/cohort", user_id=COORDINATOR, channel_id="C0GENERAL", text="status"
    )

    ack = standin.socket_mode_send("slash_commands", payload, timeout=30)

    assert "payload" not in ack or not ack["payload"]
    standin.wait_for(lambda: standin.responses, timeout=10)
    assert "*Your roles:* coordinator" in standin.responses[0][1]["text"]


def test_events_arrive_and_repeats_are_ignored(
    socket_process: subprocess.Popen[str], standin: SlackStandin
) -> None:
    envelope = standin.event({"type": "app_home_opened", "user": PARTICIPANT, "tab": "home"})

    standin.socket_mode_send("events_api", envelope, timeout=30)
    standin.wait_for("views.publish")
    standin.socket_mode_send("events_api", envelope, timeout=10)

    assert len(standin.calls_to("views.publish")) == 1
