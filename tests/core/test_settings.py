"""Configuration: defaults, a `.env` file, and one clear line for every missing or malformed value."""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.logging_setup import MASK, RedactingFilter
from bot.core.settings import SettingsError, load_settings

SECRET = "8f742231b10e8888abcd990a1b2c85a5"
COMPLETE = {
    "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
    "SLACK_SIGNING_SECRET": SECRET,
    "SLACK_APP_TOKEN": "xapp-1-A1-abc",
}


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings({}, env_file=tmp_path / "absent.env")

    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite:///cohortbot.db"
    assert settings.port == 3000
    assert settings.timezone == ZoneInfo("Europe/London")
    assert settings.coordinators == ()
    assert settings.steering_channel is None


def test_values_are_read_and_normalised(tmp_path: Path) -> None:
    settings = load_settings(
        {
            **COMPLETE,
            "SLACK_API_URL": "http://127.0.0.1:8090/api",
            "DATABASE_URL": "postgres://app@db.example/cohorts",
            "PORT": "8080",
            "COHORTBOT_TIMEZONE": "Europe/Belfast",
            "COHORTBOT_COORDINATORS": "U012AB3CD, W045EF6GH",
            "COHORTBOT_STEERING_CHANNEL": "C0STEER01",
        },
        env_file=None,
    )

    assert settings.slack_api_url == "http://127.0.0.1:8090/api/"
    assert settings.database_url == "postgresql+psycopg://app@db.example/cohorts"
    assert settings.port == 8080
    assert settings.timezone == ZoneInfo("Europe/Belfast")
    assert settings.coordinators == ("U012AB3CD", "W045EF6GH")
    assert settings.steering_channel == "C0STEER01"


def test_env_file_fills_gaps_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nCOHORTBOT_TIMEZONE=Europe/Dublin\n")

    settings = load_settings({"PORT": "5000"}, env_file=env_file)

    assert settings.port == 5000
    assert settings.timezone == ZoneInfo("Europe/Dublin")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "SLACK_BOT_TOKEN does not start with xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-1", "SLACK_APP_TOKEN does not start with xapp-"),
        ("SLACK_SIGNING_SECRET", "not hex!", "SLACK_SIGNING_SECRET is malformed"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL is not an http(s) URL"),
        ("DATABASE_URL", "not a url", "DATABASE_URL is not a database URL"),
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL names an unsupported database (mysql)"),
        ("PORT", "eighty", "PORT is 'eighty'"),
        ("PORT", "70000", "PORT is '70000'"),
        ("COHORTBOT_TIMEZONE", "Europe/Narnia", "COHORTBOT_TIMEZONE is not a known time zone"),
        (
            "COHORTBOT_COORDINATORS",
            "U012AB3CD,@chris",
            "contains '@chris', which is not a Slack id",
        ),
        ("COHORTBOT_STEERING_CHANNEL", "#steering", "COHORTBOT_STEERING_CHANNEL is '#steering'"),
        ("COHORTBOT_SEND_RATE_PER_MINUTE", "0", "COHORTBOT_SEND_RATE_PER_MINUTE is '0'"),
    ],
)
def test_malformed_values_are_named(variable: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({**COMPLETE, variable: value}, env_file=None)

    message = str(caught.value)
    assert caught.value.variable == variable
    assert expected in message
    assert "; expected " in message
    assert "\n" not in message


@pytest.mark.parametrize("variable", ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"])
def test_required_values_must_be_set(variable: str) -> None:
    environ = {k: v for k, v in COMPLETE.items() if k != variable}

    with pytest.raises(SettingsError, match=f"^{variable} is not set; expected "):
        load_settings(environ, env_file=None, require=[variable])


def test_secrets_are_not_in_the_settings_repr() -> None:
    settings = load_settings(
        {**COMPLETE, "DATABASE_URL": "postgresql://u:hunter2@h/d"}, env_file=None
    )

    shown = repr(settings)
    for secret in [*COMPLETE.values(), "hunter2"]:
        assert secret not in shown


def test_log_lines_never_carry_secrets() -> None:
    redactor = RedactingFilter([SECRET])
    record = logging.LogRecord(
        "slack_sdk",
        logging.DEBUG,
        __file__,
        1,
        "headers: %s body: %s",
        ({"Authorization": "Bearer xoxb-9-8-zzz"}, f"secret={SECRET}"),
        None,
    )

    redactor.filter(record)

    line = record.getMessage()
    assert "xoxb-9-8-zzz" not in line and SECRET not in line
    assert line.count(MASK) == 2
