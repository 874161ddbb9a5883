"""The `cohortbot` command line, run as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.standin import SlackStandin
from tests.cli.serving import started_serve
from tests.fixtures.bot import PARTICIPANT, SIGNING_SECRET


def cohortbot(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize(
    ("command", "present", "missing"),
    [
        (["serve"], {}, "SLACK_BOT_TOKEN"),
        (["serve"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        (["socket"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        (["scheduler"], {}, "SLACK_BOT_TOKEN"),
    ],
)
def test_missing_setting_stops_start_up_with_one_line(
    command: list[str],
    present: dict[str, str],
    missing: str,
    base_env: dict[str, str],
    tmp_path: Path,
) -> None:
    result = cohortbot(*command, env={**base_env, **present}, cwd=tmp_path)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith(
        f"cohortbot: {missing} is not set; expected "
    )


def test_malformed_setting_stops_start_up(base_env: dict[str, str], tmp_path: Path) -> None:
    result = cohortbot(
        "db", "upgrade", env={**base_env, "COHORTBOT_TIMEZONE": "Mars/Olympus"}, cwd=tmp_path
    )

    assert result.returncode == 2
    assert "COHORTBOT_TIMEZONE is not a known time zone" in result.stderr


def test_db_upgrade_creates_the_schema(base_env: dict[str, str], tmp_path: Path) -> None:
    result = cohortbot("db", "upgrade", env=base_env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli.db").exists()
    again = cohortbot("db", "upgrade", env=base_env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_manifest_is_yaml_pointing_at_the_request_url(
    base_env: dict[str, str], tmp_path: Path
) -> None:
    result = cohortbot("manifest", "--url", "https://example.org/", env=base_env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    manifest = yaml.safe_load(result.stdout)
    assert manifest["features"]["slash_commands"][0]["url"] == "https://example.org/slack/events"
    assert (
        manifest["settings"]["interactivity"]["request_url"] == "https://example.org/slack/events"
    )
    assert (
        manifest["settings"]["event_subscriptions"]["request_url"]
        == "https://example.org/slack/events"
    )


def test_manifest_without_url_says_what_is_needed(base_env: dict[str, str], tmp_path: Path) -> None:
    result = cohortbot("manifest", env=base_env, cwd=tmp_path)

    assert result.returncode == 2
    assert "--url" in result.stderr


def test_scheduler_once_runs_what_is_due_and_exits(
    base_env: dict[str, str], tmp_path: Path, standin: SlackStandin
) -> None:
    env = {**base_env, "SLACK_BOT_TOKEN": standin.bot_token, "SLACK_API_URL": standin.api_url}

    result = cohortbot("scheduler", "--once", "--now", "2017-02-01T09:00", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "purge-processed-events: forgot 0 processed Slack event id(s)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--once", "--now", "1st February"],
            "--now must be a date and time such as 2017-02-01T09:00",
        ),
        (["--now", "2017-02-01T09:00"], "--now only makes sense with --once"),
    ],
)
def test_scheduler_rejects_bad_arguments(
    args: list[str], message: str, base_env: dict[str, str], tmp_path: Path
) -> None:
    result = cohortbot(
        "scheduler", *args, env={**base_env, "SLACK_BOT_TOKEN": "xoxb-1"}, cwd=tmp_path
    )

    assert result.returncode == 2
    assert message in result.stderr


def test_serve_answers_slack_and_health_checks(
    base_env: dict[str, str], tmp_path: Path, standin: SlackStandin
) -> None:
    process, slack = started_serve(base_env, tmp_path, standin)
    try:
        result = slack.slash_command(PARTICIPANT, "help")
        assert result.status == 200
        assert "/cohort status" in result.json()["text"]
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert standin.bot_token not in stderr and SIGNING_SECRET not in stderr
