"""The Slack stand-in through the real slack_sdk client. Failure injection: rate limits, server errors, dropped connections, delays."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.standin import SlackStandin
from tests.standin.workspace import CHANNEL, PARTICIPANT, refusal


# failure injection
def test_rate_limit_retry_after_is_honoured(workspace: SlackStandin) -> None:
    client = WebClient(
        token=workspace.bot_token,
        base_url=workspace.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    workspace.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()

    posted = client.chat_postMessage(channel=CHANNEL, text="after a wait")

    assert posted["ok"] and time.monotonic() - started >= 1.0
    assert [call.status for call in workspace.calls_to("chat.postMessage")] == [429, 200]


def test_rate_limit_answer_without_a_retry_handler(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    workspace.fail_next("users.info", retry_after=7)

    error = refusal(slack_client.users_info, user=PARTICIPANT)

    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "7"
    assert error.response.data == {"ok": False, "error": "ratelimited"}


def test_configured_rate_limit(workspace: SlackStandin, slack_client: WebClient) -> None:
    workspace.set_rate_limit("conversations.open", per_minute=2)

    slack_client.conversations_open(users=PARTICIPANT)
    slack_client.conversations_open(users=PARTICIPANT)
    limited = refusal(slack_client.conversations_open, users=PARTICIPANT)

    assert limited.response.status_code == 429
    assert 55 <= int(limited.response.headers["Retry-After"]) <= 60


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_come_back_as_html(
    workspace: SlackStandin, slack_client: WebClient, status: int
) -> None:
    workspace.fail_next("chat.postMessage", status=status)

    error = refusal(slack_client.chat_postMessage, channel=CHANNEL, text="x")

    assert error.response.status_code == status
    assert "non-JSON" in error.response["error"]
    assert slack_client.chat_postMessage(channel=CHANNEL, text="fine now")["ok"]


def test_ok_false_with_status_200(workspace: SlackStandin, slack_client: WebClient) -> None:
    workspace.fail_next("users.info", status=200, error="fatal_error", times=2)

    first = refusal(slack_client.users_info, user=PARTICIPANT)
    second = refusal(slack_client.users_info, user=PARTICIPANT)

    assert first.response.status_code == 200 and first.response["error"] == "fatal_error"
    assert second.response["error"] == "fatal_error"
    assert slack_client.users_info(user=PARTICIPANT)["ok"]


def test_dropped_connection_is_retried(workspace: SlackStandin) -> None:
    client = WebClient(
        token=workspace.bot_token,
        base_url=workspace.api_url,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
    )
    workspace.drop_connection_next("users.info")

    user = client.users_info(user=PARTICIPANT)

    assert user["ok"]
    assert [call.status for call in workspace.calls_to("users.info")] == [0, 200]


def test_dropped_connection_without_retries_raises(workspace: SlackStandin) -> None:
    client = WebClient(token=workspace.bot_token, base_url=workspace.api_url, retry_handlers=[])
    workspace.drop_connection_next("users.info")

    with pytest.raises(ConnectionError):
        client.users_info(user=PARTICIPANT)


def test_delay_slows_a_method_down(workspace: SlackStandin, slack_client: WebClient) -> None:
    workspace.delay("users.info", 0.3)
    started = time.monotonic()

    slack_client.users_info(user=PARTICIPANT)

    assert time.monotonic() - started >= 0.3


def test_stub_answers_a_method_the_stand_in_does_not_simulate(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    workspace.stub("reactions.add", {"ok": True})

    assert slack_client.reactions_add(channel=CHANNEL, name="tada", timestamp="1.000100")["ok"]


def test_unsimulated_method_is_a_problem(workspace: SlackStandin, slack_client: WebClient) -> None:
    workspace.expect_problems()

    error = refusal(slack_client.pins_add, channel=CHANNEL, timestamp="1.000100")

    assert error.response["error"] == "standin_not_implemented"
    assert "does not simulate" in workspace.problems[0]
