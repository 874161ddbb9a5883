"""Configuration: the only reader of the environment.

Settings are read once at start-up from the process environment, with a `.env` file filling in
whatever the environment leaves unset. A missing or malformed value raises `SettingsError`, whose
message is one line naming the variable and what is expected; the command line prints it and exits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SLACK_API_URL_DEFAULT = "https://slack.com/api/"
DATABASE_URL_DEFAULT = "sqlite:///cohortbot.db"
PORT_DEFAULT = 3000
TIMEZONE_DEFAULT = "Europe/London"
# Well inside Slack's workspace-wide limit for chat.postMessage.
SEND_RATE_DEFAULT = 300
DIGEST_AT_DEFAULT = "mon 09:00"
# The retention schedule's defaults (README, "Data protection"): unsuccessful applications are
# anonymised a year after their round closes; participants are erased six years after their
# programme ends (the NHS keeps staff training records for six years); delivered messages and
# Slack's event ids are kept only as long as delivery and retries need (event ids: a day, fixed
# in bot.core.event_log, as Slack retries for minutes).
RETAIN_UNSUCCESSFUL_MONTHS_DEFAULT = 12
RETAIN_PARTICIPANT_YEARS_DEFAULT = 6
RETAIN_DELIVERED_DAYS_DEFAULT = 30

# What each variable must look like, said the way the start-up error will say it.
EXPECTED = {
    "SLACK_BOT_TOKEN": "the bot token from your Slack app's OAuth & Permissions page (xoxb-...)",
    "SLACK_SIGNING_SECRET": "the signing secret from your Slack app's Basic Information page "
    "(a hexadecimal string)",
    "SLACK_APP_TOKEN": "an app-level token with the connections:write scope (xapp-...)",
    "SLACK_API_URL": "an http(s) URL of Slack's Web API, such as https://slack.com/api/",
    "DATABASE_URL": "an SQLAlchemy URL such as sqlite:///cohortbot.db or "
    "postgresql://user@host/dbname",
    "PORT": "a whole number from 1 to 65535",
    "COHORTBOT_TIMEZONE": "an IANA time zone name such as Europe/London",
    "COHORTBOT_COORDINATORS": "comma-separated Slack user ids such as U012AB3CD,U045EF6GH",
    "COHORTBOT_STEERING_CHANNEL": "a Slack channel id such as C012AB3CD",
    "COHORTBOT_SEND_RATE_PER_MINUTE": "a whole number of messages a minute from 1 to 6000",
    "COHORTBOT_FORMS_DIR": "a directory of extra or replacement evaluation form files (*.yaml)",
    "COHORTBOT_DIGEST_AT": "a day and a 24-hour time in each programme's time zone, such as "
    "mon 09:00",
    "COHORTBOT_RETAIN_UNSUCCESSFUL_MONTHS": "a whole number of months from 1 to 120",
    "COHORTBOT_RETAIN_PARTICIPANT_YEARS": "a whole number of years from 1 to 50",
    "COHORTBOT_RETAIN_DELIVERED_DAYS": "a whole number of days from 1 to 3650",
}

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_SIGNING_SECRET = re.compile(r"^[0-9a-fA-F]{16,}$")


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKLY_TIME = re.compile(r"^([a-z]+)\s+([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class WeeklyTime:
    """A time once a week, such as Monday 09:00 (in whichever time zone the caller applies)."""

    weekday: int  # Monday is 0, as date.weekday() counts
    at: time


@dataclass(frozen=True)
class Retention:
    """How long personal data is kept (the retention schedule), applied by the clock."""

    unsuccessful_months: int = RETAIN_UNSUCCESSFUL_MONTHS_DEFAULT
    participant_years: int = RETAIN_PARTICIPANT_YEARS_DEFAULT
    delivered_days: int = RETAIN_DELIVERED_DAYS_DEFAULT


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line fit for the operator."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        super().__init__(f"{variable} {problem}; expected {EXPECTED[variable]}")


@dataclass(frozen=True)
class Settings:
    """Everything cohortbot reads from its environment, validated."""

    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str = SLACK_API_URL_DEFAULT
    database_url: str = field(default=DATABASE_URL_DEFAULT, repr=False)
    port: int = PORT_DEFAULT
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(TIMEZONE_DEFAULT))
    coordinators: tuple[str, ...] = ()
    steering_channel: str | None = None
    send_rate_per_minute: int = SEND_RATE_DEFAULT
    # Imported evaluation forms, added to the built-in ones in templates/evaluation_forms/.
    forms_dir: Path | None = None
    digest_at: WeeklyTime = field(default_factory=lambda: _weekly_time(DIGEST_AT_DEFAULT))
    retention: Retention = field(default_factory=Retention)

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values that must never reach a log line."""
        values = (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token)
        return tuple(v for v in values if v)

    def require(self, *variables: str) -> Settings:
        """Check that the named variables are set, for a command that cannot run without them."""
        for variable in variables:
            if getattr(self, _ATTRIBUTE[variable]) in (None, ""):
                raise SettingsError(variable, "is not set")
        return self


_ATTRIBUTE = {
    "SLACK_BOT_TOKEN": "slack_bot_token",
    "SLACK_SIGNING_SECRET": "slack_signing_secret",
    "SLACK_APP_TOKEN": "slack_app_token",
}


def load_settings(
    environ: Mapping[str, str],
    *,
    env_file: Path | None = Path(".env"),
    require: Iterable[str] = (),
) -> Settings:
    """Build settings from `environ`, filling gaps from `env_file`, and check `require` is set."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(environ)

    def get(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    settings = Settings(
        slack_bot_token=_prefixed(get("SLACK_BOT_TOKEN"), "SLACK_BOT_TOKEN", "xoxb-"),
        slack_signing_secret=_signing_secret(get("SLACK_SIGNING_SECRET")),
        slack_app_token=_prefixed(get("SLACK_APP_TOKEN"), "SLACK_APP_TOKEN", "xapp-"),
        slack_api_url=_api_url(get("SLACK_API_URL") or SLACK_API_URL_DEFAULT),
        database_url=_database_url(get("DATABASE_URL") or DATABASE_URL_DEFAULT),
        port=_port(get("PORT")),
        timezone=_timezone(get("COHORTBOT_TIMEZONE") or TIMEZONE_DEFAULT),
        coordinators=_ids(get("COHORTBOT_COORDINATORS"), "COHORTBOT_COORDINATORS", _USER_ID),
        steering_channel=_channel(get("COHORTBOT_STEERING_CHANNEL")),
        send_rate_per_minute=_send_rate(get("COHORTBOT_SEND_RATE_PER_MINUTE")),
        forms_dir=_forms_dir(get("COHORTBOT_FORMS_DIR")),
        digest_at=_weekly_time(get("COHORTBOT_DIGEST_AT") or DIGEST_AT_DEFAULT),
        retention=Retention(
            unsuccessful_months=_whole(
                get("COHORTBOT_RETAIN_UNSUCCESSFUL_MONTHS"),
                "COHORTBOT_RETAIN_UNSUCCESSFUL_MONTHS",
                RETAIN_UNSUCCESSFUL_MONTHS_DEFAULT,
                120,
            ),
            participant_years=_whole(
                get("COHORTBOT_RETAIN_PARTICIPANT_YEARS"),
                "COHORTBOT_RETAIN_PARTICIPANT_YEARS",
                RETAIN_PARTICIPANT_YEARS_DEFAULT,
                50,
            ),
            delivered_days=_whole(
                get("COHORTBOT_RETAIN_DELIVERED_DAYS"),
                "COHORTBOT_RETAIN_DELIVERED_DAYS",
                RETAIN_DELIVERED_DAYS_DEFAULT,
                3650,
            ),
        ),
    )
    return settings.require(*require)


def _prefixed(value: str | None, variable: str, prefix: str) -> str | None:
    if value is not None and not (value.startswith(prefix) and len(value) > len(prefix)):
        raise SettingsError(variable, f"does not start with {prefix}")
    return value


def _signing_secret(value: str | None) -> str | None:
    if value is not None and not _SIGNING_SECRET.match(value):
        raise SettingsError("SLACK_SIGNING_SECRET", "is malformed")
    return value


def _api_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError("SLACK_API_URL", f"is not an http(s) URL: {value!r}")
    # slack_sdk joins method names straight onto the base URL.
    return value if value.endswith("/") else value + "/"


def _database_url(value: str) -> str:
    try:
        url = make_url(value)
    except ArgumentError:
        raise SettingsError("DATABASE_URL", "is not a database URL") from None
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        # Heroku-style postgres:// URLs and driverless URLs both mean psycopg 3 here.
        url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise SettingsError("DATABASE_URL", f"names an unsupported database ({backend})")
    return url.render_as_string(hide_password=False)


def _port(value: str | None) -> int:
    if value is None:
        return PORT_DEFAULT
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise SettingsError("PORT", f"is {value!r}")
    return int(value)


def _send_rate(value: str | None) -> int:
    if value is None:
        return SEND_RATE_DEFAULT
    if not value.isdigit() or not 1 <= int(value) <= 6000:
        raise SettingsError("COHORTBOT_SEND_RATE_PER_MINUTE", f"is {value!r}")
    return int(value)


def _whole(value: str | None, variable: str, default: int, most: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= most:
        raise SettingsError(variable, f"is {value!r}")
    return int(value)


def _weekly_time(value: str) -> WeeklyTime:
    match = _WEEKLY_TIME.match(value.strip().lower())
    days = [n for n, name in enumerate(_DAY_NAMES) if match and match[1] in (name, name[:3])]
    if match is None or not days:
        raise SettingsError("COHORTBOT_DIGEST_AT", f"is {value!r}")
    return WeeklyTime(days[0], time(int(match[2]), int(match[3])))


def _forms_dir(value: str | None) -> Path | None:
    if value is not None and not Path(value).is_dir():
        raise SettingsError("COHORTBOT_FORMS_DIR", f"is not a directory: {value!r}")
    return Path(value) if value is not None else None


def _timezone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError("COHORTBOT_TIMEZONE", f"is not a known time zone: {value!r}") from None


def _ids(value: str | None, variable: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    ids = tuple(part.strip() for part in value.split(",") if part.strip())
    for slack_id in ids:
        if not pattern.match(slack_id):
            raise SettingsError(variable, f"contains {slack_id!r}, which is not a Slack id")
    return ids


def _channel(value: str | None) -> str | None:
    if value is not None and not _CHANNEL_ID.match(value):
        raise SettingsError("COHORTBOT_STEERING_CHANNEL", f"is {value!r}")
    return value
