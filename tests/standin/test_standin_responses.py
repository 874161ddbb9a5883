"""The Slack stand-in through the real slack_sdk client. Files, response_url and waiting for what the bot does."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.standin import SlackStandin
from bot.standin.method_catalogue import load_catalogue
from tests.standin.workspace import CHANNEL, modal, refusal, section


# files
def test_files_upload_v2_end_to_end(workspace: SlackStandin, slack_client: WebClient) -> None:
    uploaded = slack_client.files_upload_v2(
        content=b"name,week\nPat,1\n",
        filename="attendance.csv",
        title="Attendance",
        alt_txt="Attendance by week",
        channel=CHANNEL,
        initial_comment="This week's attendance",
    )

    [stored] = workspace.files.values()
    assert uploaded["file"]["id"] == stored.id
    assert (stored.content, stored.filename, stored.title, stored.alt_txt, stored.channels) == (
        b"name,week\nPat,1\n",
        "attendance.csv",
        "Attendance",
        "Attendance by week",
        [CHANNEL],
    )
    [message] = workspace.messages_in(CHANNEL)
    assert message.text == "This week's attendance" and message.files
    assert message.files[0]["id"] == stored.id


# response_url
def test_response_url_records_posts_and_allows_five(workspace: SlackStandin) -> None:
    workspace.expect_problems()
    url = workspace.response_url()
    webhook = WebhookClient(url)

    answers = [webhook.send(text=f"reply {i}").status_code for i in range(6)]

    assert answers == [200, 200, 200, 200, 200, 404]
    assert [payload["text"] for _, payload in workspace.responses] == [
        f"reply {i}" for i in range(5)
    ]
    assert all(recorded_url == url for recorded_url, _ in workspace.responses)
    assert workspace.problems == ["response_url used a 6th time; Slack allows 5"]


def test_response_url_checks_blocks(workspace: SlackStandin) -> None:
    workspace.expect_problems()

    answer = WebhookClient(workspace.response_url()).send(
        text="fallback", blocks=[section("x" * 3001)]
    )

    assert answer.status_code == 400 and workspace.responses == []
    assert "invalid_blocks" in workspace.problems[0]


# waiting
def test_wait_for_sees_asynchronous_calls(workspace: SlackStandin, slack_client: WebClient) -> None:
    def later() -> None:
        time.sleep(0.2)
        slack_client.chat_postMessage(channel=CHANNEL, text="eventually")

    worker = threading.Thread(target=later)
    worker.start()

    call = workspace.wait_for("chat.postMessage")
    by_predicate = workspace.wait_for(lambda c: c.args.get("text") == "eventually")
    by_condition = workspace.wait_for(lambda: workspace.messages_in(CHANNEL))
    worker.join()

    assert call is by_predicate and call.ok and call.args["channel"] == CHANNEL
    assert by_condition[0].text == "eventually"


def test_wait_for_times_out_with_what_was_seen(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    slack_client.auth_test()

    with pytest.raises(AssertionError, match=r"auth\.test -> 200 ok"):
        workspace.wait_for("chat.postMessage", timeout=0.1)


def test_calls_are_readable_over_http(workspace: SlackStandin, slack_client: WebClient) -> None:
    slack_client.chat_postMessage(channel=CHANNEL, text="visible")

    with urllib.request.urlopen(workspace.base_url + "/_standin/calls") as answer:
        seen = json.load(answer)

    assert seen["calls"][0]["method"] == "chat.postMessage"
    assert seen["calls"][0]["args"]["text"] == "visible"


def test_answered_errors_are_documented_for_their_method(
    workspace: SlackStandin, slack_client: WebClient
) -> None:
    workspace.expect_problems()
    attempts: list[tuple[Callable[..., Any], dict[str, Any]]] = [
        (slack_client.chat_postMessage, {"channel": "C0NOPE", "text": "x"}),
        (slack_client.chat_postMessage, {"channel": CHANNEL, "text": "x", "blocks": [{}]}),
        (slack_client.chat_update, {"channel": CHANNEL, "ts": "1.1", "text": "x"}),
        (slack_client.conversations_history, {"channel": "C0NOPE"}),
        (slack_client.users_info, {"user": "U0NOBODY"}),
        (slack_client.views_open, {"trigger_id": "nope", "view": modal([section("x")])}),
        (slack_client.views_update, {"view_id": "V0NOPE", "view": modal([section("x")])}),
        (slack_client.apps_connections_open, {"app_token": "xapp-wrong"}),
    ]
    for method, kwargs in attempts:
        refusal(method, **kwargs)

    catalogue = load_catalogue()
    for call in workspace.calls:
        assert call.error in catalogue[call.method].errors, (call.method, call.error)
